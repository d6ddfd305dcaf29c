package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// value returns the current value (the property: what the user sees) of
// the field matching sel.
func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`(document.querySelector(%q)||{}).value`, sel))
}

// jsQuote returns s as a JavaScript string literal.
func jsQuote(s string) string {
	b, _ := json.Marshal(s) // JSON strings are JavaScript strings
	return string(b)
}

// TestFormSurvivesServerKill is the article's demo: what the user typed
// in /form survives the server being killed and started again, on the
// server (the fresh view is rebuilt from the page) and in the page (the
// input keeps it, focused or not), with no flicker; then the form works
// as before: a submit shows the flash and resets the input.
func TestFormSurvivesServerKill(t *testing.T) {
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	srv := startProcess(t, "-secret", "an e2e secret, the same for both runs")
	run(t, ctx, chromedp.Navigate(srv.URL()+"/form"))
	waitFor(t, ctx, "the live connection", connected)
	eval[bool](t, ctx, `window.__noReload = true`)

	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#query"), "hello"),
		chromedp.SendKeys(chromedp.CSS("#note"), "scratch"))
	waitText(t, ctx, "#server-query", "hello")
	waitText(t, ctx, "#server-note", "scratch")
	// No field keeps the focus: only recovery can keep their values.
	eval[bool](t, ctx, `document.activeElement.blur(), document.activeElement === document.body`)
	// From now on, record every text #server-query shows: a flicker
	// through the fresh view's empty query would show "".
	eval[bool](t, ctx, `window.__shown = [];
		new MutationObserver(() => __shown.push(document.querySelector('#server-query').textContent))
			.observe(document.querySelector('[live-root]'), {subtree: true, childList: true, characterData: true}), true`)

	srv.kill()
	waitFor(t, ctx, "the page to notice the server is gone", `!`+connected)
	srv.restart()
	waitFor(t, ctx, "the page to rejoin the new server", connected)

	// The new process never saw this page: its view was mounted afresh
	// and rebuilt from the form before its first render.
	waitText(t, ctx, "#server-query", "hello")
	if got := value(t, ctx, "#query"); got != "hello" {
		t.Fatalf("#query holds %q after the restart, want hello", got)
	}
	if shown := eval[[]string](t, ctx, `__shown`); slices.Contains(shown, "") {
		t.Fatalf("#server-query showed %q during recovery: want hello throughout (no flicker)", shown)
	}
	// The form without an id is not recovered: that is why ids matter.
	waitText(t, ctx, "#server-note", "")
	if got := value(t, ctx, "#note"); got != "" {
		t.Fatalf("#note holds %q after the restart: the form without an id is documented as not recovered", got)
	}
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded: recovery must keep the page")
	}

	// Enter in the query submits: the flash shows what was saved, and the
	// server's reset reaches the input although it has the focus.
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#query"), kb.Enter))
	waitText(t, ctx, "#flash", "Form submitted with query: hello")
	waitText(t, ctx, "#server-query", "")
	waitFor(t, ctx, "the input to be reset", `document.querySelector('#query').value === ''`)
	if !eval[bool](t, ctx, `document.activeElement === document.querySelector('#query')`) {
		t.Error("the input lost the focus")
	}
	for _, m := range console() {
		if m.IsException() {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
}
