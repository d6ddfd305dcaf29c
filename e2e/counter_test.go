package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

func TestCounterWithoutJavaScript(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate(base+"/counter"))
	if got := text(t, ctx, "#count"); got != "0" {
		t.Fatalf("#count without JavaScript = %q, want 0", got)
	}
}

func TestCounterClicksLive(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(base+"/counter"))
	waitFor(t, ctx, "the live connection", connected)
	// A marker on window survives only if the page is never reloaded.
	eval[bool](t, ctx, `window.__noReload = true`)
	for range 3 {
		run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	}
	waitText(t, ctx, "#count", "3")
	run(t, ctx, chromedp.Click(chromedp.CSS("#dec")))
	waitText(t, ctx, "#count", "2")
	// The loading class came and went: no class="" is left behind.
	waitFor(t, ctx, "#dec without a class attribute", `!document.querySelector("#dec").hasAttribute("class")`)
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded")
	}
}

func TestTwoTabsKeepSeparateCounts(t *testing.T) {
	base := startDemo(t, demo.Config{})
	a := newBrowser(t)
	b := newTab(t, a)
	for _, tab := range []context.Context{a, b} {
		run(t, tab, chromedp.Navigate(base+"/counter"))
		waitFor(t, tab, "the live connection", connected)
	}
	run(t, a, chromedp.Click(chromedp.CSS("#inc")), chromedp.Click(chromedp.CSS("#inc")))
	run(t, b, chromedp.Click(chromedp.CSS("#dec")))
	waitText(t, a, "#count", "2")
	waitText(t, b, "#count", "-1")
	if got := text(t, a, "#count"); got != "2" {
		t.Fatalf("tab a shows %q after tab b clicked, want 2", got)
	}
}

func TestCounterSurvivesDroppedConnection(t *testing.T) {
	base := startDemo(t, demo.Config{})
	u, _ := url.Parse(base)
	p := newProxy(t, u.Host)
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(p.URL()+"/counter"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")), chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "2")
	eval[bool](t, ctx, `window.__noReload = true`)

	p.cut()
	waitFor(t, ctx, "the client to notice the drop", `!`+connected)
	waitFor(t, ctx, "the client to reconnect", connected)

	// The view was resumed, not mounted afresh: the count is kept, and
	// the page keeps working.
	if got := text(t, ctx, "#count"); got != "2" {
		t.Fatalf("#count after reconnect = %q, want 2", got)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "3")
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded")
	}
}

func TestClientServedUnderStrictCSP(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/counter"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "1")
	// A CSP violation or a client error would show in the console.
	for _, m := range console() {
		if m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
}
