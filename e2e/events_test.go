package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

func openEvents(t *testing.T) context.Context {
	t.Helper()
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	spy(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/events"))
	waitFor(t, ctx, "the live connection", connected)
	return ctx
}

// named returns the event frames named name the page has sent so far.
func named(t *testing.T, ctx context.Context, name string) [][]any {
	t.Helper()
	var out [][]any
	for _, e := range events(t, ctx) {
		if e[0] == name {
			out = append(out, e)
		}
	}
	return out
}

func TestDebounceSendsTenKeystrokesAsOneEvent(t *testing.T) {
	ctx := openEvents(t)
	// live-debounce="500": real key presses, each well inside the window
	// of the one before.
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#q"), "abcdefghij"))
	waitText(t, ctx, "#query", "abcdefghij")
	got := named(t, ctx, "search")
	t.Logf("10 keystrokes sent %d search events: %v", len(got), got)
	if len(got) > 2 {
		t.Errorf("10 keystrokes in a debounce window sent %d events, want at most 2", len(got))
	}
	waitText(t, ctx, "#searches", strconv.Itoa(len(got)))

	// A submit sends the pending change first, then itself.
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#q"), "k\r"))
	waitText(t, ctx, "#searches", strconv.Itoa(len(got)+2))
	waitText(t, ctx, "#query", "abcdefghijk")
}

func TestThrottleLimitsTheEventRate(t *testing.T) {
	ctx := openEvents(t)
	// 30 clicks, one every 40 ms, on a button with live-throttle="500".
	eval[bool](t, ctx, `(() => {
		const b = document.querySelector("#tick");
		let n = 0, first;
		const id = setInterval(() => {
			b.click();
			if (++n === 1) first = performance.now();
			if (n === 30) { clearInterval(id); window.__clickSpan = performance.now() - first; }
		}, 40);
		return true;
	})()`)
	waitFor(t, ctx, "the clicks", `window.__clickSpan !== undefined`)
	span := eval[float64](t, ctx, `window.__clickSpan`)
	// The last click held back is sent when its window ends.
	waitFor(t, ctx, "the trailing event", `(() => {
		const at = window.__sentAt.filter((_, i) => window.__frames[i][0] === 1 && window.__frames[i][2] === "tick");
		return at.length > 0 && performance.now() - at[at.length - 1] > 600;
	})()`)
	gaps := eval[[]float64](t, ctx, `(() => {
		const at = window.__sentAt.filter((_, i) => window.__frames[i][0] === 1 && window.__frames[i][2] === "tick");
		return at.slice(1).map((t, i) => t - at[i]);
	})()`)
	n := len(gaps) + 1
	t.Logf("30 clicks over %.0f ms sent %d tick events, gaps %.0f ms", span, n, gaps)
	// One at once, one per 500 ms window after it, and the trailing one.
	if limit := int(span/500) + 2; n < 2 || n > limit {
		t.Errorf("30 clicks over %.0f ms sent %d events, want 2 to %d", span, n, limit)
	}
	for _, g := range gaps {
		if g < 490 {
			t.Errorf("two tick events %.0f ms apart, want >= 500", g)
		}
	}
	waitText(t, ctx, "#ticks", strconv.Itoa(n))
}

func TestDisableWithWhileInFlight(t *testing.T) {
	ctx := openEvents(t)
	// Record every state of the button, whatever the timing.
	eval[bool](t, ctx, `(() => {
		const b = document.querySelector("#save");
		window.__states = [];
		new MutationObserver(() => window.__states.push([b.textContent, b.disabled]))
			.observe(b, { attributes: true, childList: true, characterData: true, subtree: true });
		return true;
	})()`)
	click(t, ctx, "#save")
	// The server takes 400 ms: the text shows now, the button is disabled,
	// and a second click is ignored.
	is(t, ctx, `document.querySelector("#save").textContent === "Saving…"`, true)
	is(t, ctx, `document.querySelector("#save").disabled`, true)
	is(t, ctx, `document.querySelector("#save").classList.contains("live-click-loading")`, true)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#save").click()`))
	waitText(t, ctx, "#saves", "1")
	waitFor(t, ctx, "the button to come back", `document.querySelector("#save").textContent === "Save" && !document.querySelector("#save").disabled`)
	is(t, ctx, `document.querySelector("#save").classList.contains("live-click-loading")`, false)
	if n := len(named(t, ctx, "save")); n != 1 {
		t.Errorf("%d save events, want 1 (the button was disabled)", n)
	}
	states := eval[[][]any](t, ctx, `window.__states`)
	sawSaving := false
	for _, s := range states {
		sawSaving = sawSaving || (s[0] == "Saving…" && s[1] == true)
	}
	if !sawSaving {
		t.Errorf("button states %v: never Saving… and disabled", states)
	}
}

func TestKeysAndFocus(t *testing.T) {
	ctx := openEvents(t)
	// A click, not DOM focus: a headless page gets focus events only once
	// it has focus itself.
	click(t, ctx, "#keys")
	waitText(t, ctx, "#focus", "focus")
	run(t, ctx, chromedp.KeyEvent("x", chromedp.KeyModifiers(chromedp.ModifierShift, chromedp.ModifierCtrl)))
	waitText(t, ctx, "#key", "ctrl+shift+x")
	run(t, ctx, chromedp.KeyEvent("b"))
	waitText(t, ctx, "#key", "b")

	// live-key: only Enter reaches the server from #enter; blur is sent.
	before := len(events(t, ctx))
	click(t, ctx, "#enter")
	waitText(t, ctx, "#focus", "blur")
	run(t, ctx, chromedp.KeyEvent("ab\r"))
	waitText(t, ctx, "#enters", "1")
	got := events(t, ctx)[before:]
	if len(got) != 2 || got[0][0] != "blur" || got[1][0] != "enter" {
		t.Errorf("events after leaving #keys: %v, want blur and one enter", got)
	}

	// A window binding hears keys anywhere.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	run(t, ctx, chromedp.KeyEvent("\u001b"))
	waitText(t, ctx, "#escapes", "1")
}

func TestMenuOpensAndClosesInTheBrowser(t *testing.T) {
	ctx := openEvents(t)
	before := frames(t, ctx)
	shown := `getComputedStyle(document.querySelector("#menu")).display !== "none"`
	is(t, ctx, shown, false)
	click(t, ctx, "#menu-button")
	is(t, ctx, shown, true)
	click(t, ctx, "#menu-button")
	is(t, ctx, shown, false)
	click(t, ctx, "#menu-button")
	is(t, ctx, shown, true)
	click(t, ctx, "#menu li")
	is(t, ctx, shown, true)
	click(t, ctx, "h1")
	is(t, ctx, shown, false)
	if n := frames(t, ctx) - before; n != 0 {
		t.Errorf("the menu sent %d frames, want 0", n)
	}
	noCSPViolations(t, ctx)
}
