package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

// spyScript runs in every page before the page's own scripts: it records
// each WebSocket frame the page sends (and when), and every
// Content-Security-Policy violation.
const spyScript = `(() => {
  const send = WebSocket.prototype.send;
  window.__frames = [];
  window.__sentAt = [];
  WebSocket.prototype.send = function (data) {
    window.__frames.push(JSON.parse(data));
    window.__sentAt.push(performance.now());
    return send.call(this, data);
  };
  window.__csp = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
})()`

// spy installs spyScript for the pages the tab loads from now on.
func spy(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: spyScript})
		return err
	}))
}

// events returns the event frames the page has sent so far (heartbeats,
// which a slow test may meet, are not counted), as [name, values] pairs.
func events(t *testing.T, ctx context.Context) [][]any {
	t.Helper()
	return eval[[][]any](t, ctx, `window.__frames.filter((f) => f[0] === 1).map((f) => [f[2], f[3] || {}])`)
}

// frames returns how many frames of any kind but heartbeats the page sent.
func frames(t *testing.T, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, `window.__frames.filter((f) => f[0] !== 2).length`)
}

func noCSPViolations(t *testing.T, ctx context.Context) {
	t.Helper()
	if v := eval[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

// hasClass is a JS expression: whether the element sel has class c.
func hasClass(sel, c string) string {
	return fmt.Sprintf(`document.querySelector(%q).classList.contains(%q)`, sel, c)
}

func is(t *testing.T, ctx context.Context, expr string, want bool) {
	t.Helper()
	if got := eval[bool](t, ctx, expr); got != want {
		t.Errorf("%s = %v, want %v", expr, got, want)
	}
}

func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	run(t, ctx, chromedp.Click(chromedp.CSS(sel)))
}

func openToggle(t *testing.T) context.Context {
	t.Helper()
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	spy(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/toggle"))
	waitFor(t, ctx, "the live connection", connected)
	return ctx
}

// TestToggleExamplesRunInTheBrowserAlone clicks through every example of
// the article and counts the frames the page sends: none.
func TestToggleExamplesRunInTheBrowserAlone(t *testing.T) {
	ctx := openToggle(t)
	console := consoleLog(t, ctx)
	before := frames(t, ctx)

	// Example 1: one element, by id.
	is(t, ctx, hasClass("#toggled-content", "hidden"), true)
	click(t, ctx, "#example-1")
	is(t, ctx, hasClass("#toggled-content", "hidden"), false)
	click(t, ctx, "#example-1")
	is(t, ctx, hasClass("#toggled-content", "hidden"), true)

	// Example 2: one click swaps which of two children is hidden.
	const title, body = "#example-2 > .title-content", "#example-2 > .expanded-content"
	is(t, ctx, hasClass(body, "hidden"), true)
	click(t, ctx, "#example-2")
	is(t, ctx, hasClass(title, "hidden"), true)
	is(t, ctx, hasClass(body, "hidden"), false)
	click(t, ctx, "#example-2")
	is(t, ctx, hasClass(title, "hidden"), false)
	is(t, ctx, hasClass(body, "hidden"), true)

	// Example 3: the chevron turns through a 300 ms transition. A
	// MutationObserver times the transition class in the page itself.
	eval[bool](t, ctx, `(() => {
		const c = document.querySelector("#example-3 .chevron");
		window.__turning = [];
		new MutationObserver(() => window.__turning.push([c.classList.contains("turning"), performance.now()]))
			.observe(c, { attributes: true, attributeFilter: ["class"] });
		return true;
	})()`)
	click(t, ctx, "#example-3")
	is(t, ctx, hasClass("#example-3 > .expanded-content", "hidden"), false)
	is(t, ctx, hasClass("#example-3 .chevron", "rotate-180"), true)
	waitFor(t, ctx, "the transition class to go", `window.__turning.some(([on]) => !on)`)
	held := eval[float64](t, ctx, `(() => {
		const on = window.__turning.find(([on]) => on), off = window.__turning.find(([on]) => !on);
		return on && off ? off[1] - on[1] : -1;
	})()`)
	if held < 295 {
		t.Errorf("transition class held for %.0f ms, want 300", held)
	}
	// The stylesheet turns the chevron (and is allowed by the CSP).
	waitFor(t, ctx, "the chevron to turn", `getComputedStyle(document.querySelector("#example-3 .chevron")).transform === "matrix(-1, 0, 0, -1, 0, 0)"`)

	// The list: each item toggles its own content, with one command.
	click(t, ctx, "#item-2")
	is(t, ctx, hasClass("#item-2 .expanded-content", "hidden"), false)
	is(t, ctx, hasClass("#item-2 .chevron", "rotate-180"), true)
	is(t, ctx, hasClass("#item-1 .expanded-content", "hidden"), true)
	is(t, ctx, hasClass("#item-3 .expanded-content", "hidden"), true)
	click(t, ctx, "#item-1")
	click(t, ctx, "#item-3")
	click(t, ctx, "#item-2")
	is(t, ctx, hasClass("#item-1 .expanded-content", "hidden"), false)
	is(t, ctx, hasClass("#item-2 .expanded-content", "hidden"), true)
	is(t, ctx, hasClass("#item-3 .expanded-content", "hidden"), false)
	if !eval[bool](t, ctx, `(() => {
		const [a, b, c] = ["#item-1", "#item-2", "#item-3"].map((s) => document.querySelector(s).getAttribute("live-click"));
		return a === b && b === c;
	})()`) {
		t.Error("the list items do not share one command")
	}

	if n := frames(t, ctx) - before; n != 0 {
		t.Errorf("client-side commands sent %d frames: %v", n, events(t, ctx))
	}
	t.Logf("frames sent by 13 clicks on client-side commands: %d", frames(t, ctx)-before)
	for _, m := range console() {
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
	noCSPViolations(t, ctx)
}

// TestToggledStateSurvivesServerRenders opens example 3, then has the
// server re-render it: the server rewrites the class attributes of the
// toggled elements, and what the browser toggled stays.
func TestToggledStateSurvivesServerRenders(t *testing.T) {
	ctx := openToggle(t)
	click(t, ctx, "#example-3")
	click(t, ctx, "#item-1")
	is(t, ctx, hasClass("#example-3 > .expanded-content", "hidden"), false)

	before := len(events(t, ctx))
	click(t, ctx, "#bump")
	waitText(t, ctx, "#bumps", "1")
	got := events(t, ctx)[before:]
	if len(got) != 1 || got[0][0] != "bump" {
		t.Fatalf("a click on #bump sent %v, want one bump event", got)
	}
	t.Logf("frames sent by one server-driven click: %d", len(got))
	// The server's class change arrived (bumped), and the browser's stayed.
	is(t, ctx, hasClass("#example-3 > .expanded-content", "bumped"), true)
	is(t, ctx, hasClass("#example-3 > .expanded-content", "hidden"), false)
	is(t, ctx, hasClass("#example-3 .chevron", "bumped"), true)
	is(t, ctx, hasClass("#example-3 .chevron", "rotate-180"), true)
	is(t, ctx, hasClass("#item-1 .expanded-content", "hidden"), false)

	click(t, ctx, "#bump")
	waitText(t, ctx, "#bumps", "2")
	is(t, ctx, hasClass("#example-3 > .expanded-content", "bumped"), false)
	is(t, ctx, hasClass("#example-3 > .expanded-content", "hidden"), false)
	is(t, ctx, hasClass("#example-3 .chevron", "rotate-180"), true)

	// Closed again by the user, it stays closed through the next render.
	click(t, ctx, "#example-3 .title")
	is(t, ctx, hasClass("#example-3 > .expanded-content", "hidden"), true)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#bump").click()`))
	waitText(t, ctx, "#bumps", "3")
	is(t, ctx, hasClass("#example-3 > .expanded-content", "bumped"), true)
	is(t, ctx, hasClass("#example-3 > .expanded-content", "hidden"), true)
	noCSPViolations(t, ctx)
}

// TestToggleBadInput: a malformed command, a selector that matches
// nothing, and an event value of the wrong type each give a clear message,
// and the page keeps working.
func TestToggleBadInput(t *testing.T) {
	ctx := openToggle(t)
	console := consoleLog(t, ctx)
	// saw waits for a console message of type typ holding every part.
	saw := func(typ chromedp.ConsoleType, parts ...string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			for _, m := range console() {
				all := m.Type == typ
				for _, p := range parts {
					all = all && strings.Contains(m.Text, p)
				}
				if all {
					return
				}
			}
		}
		t.Errorf("no console %s with %q in %v", typ, parts, console())
	}

	eval[bool](t, ctx, `document.querySelector("#example-1").setAttribute("live-click", '[["toggle_class"'), true`)
	click(t, ctx, "#example-1")
	saw(chromedp.ConsoleWarning, "bad JS commands", "<div#example-1.card>")

	eval[bool](t, ctx, `document.querySelector("#example-2").setAttribute("live-click", '[["toggle_class",{"names":"hidden","to":"#nothing"}],["add_class",{"names":"seen"}]]'), true`)
	click(t, ctx, "#example-2")
	saw(chromedp.ConsoleWarning, `no element matches "#nothing"`, "<div#example-2.card>")
	is(t, ctx, hasClass("#example-2", "seen"), true)

	eval[bool](t, ctx, `document.querySelector("#bump").setAttribute("live-value-by", "many"), true`)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#bump").click()`))
	saw(chromedp.ConsoleError, `event "bump" failed`, "bad event value", `"by"`, "many")
	if got := text(t, ctx, "#bumps"); got != "0" {
		t.Errorf("#bumps = %q after a bad value, want 0", got)
	}

	// The page and the view carry on.
	click(t, ctx, "#item-3")
	is(t, ctx, hasClass("#item-3 .expanded-content", "hidden"), false)
	eval[bool](t, ctx, `document.querySelector("#bump").setAttribute("live-value-by", "2"), true`)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#bump").click()`))
	waitText(t, ctx, "#bumps", "2")
	is(t, ctx, connected, true)
}
