package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestShopGiftNoteSurvivesServerKill: a cart's gift note is a form in a
// stateful component. The server process is killed and started again; the
// page rejoins, sends the form with the component it belongs to, and the
// fresh cart has the note again, as the page shows it.
func TestShopGiftNoteSurvivesServerKill(t *testing.T) {
	ctx := newBrowser(t)
	srv := startProcess(t, "-secret", "an e2e secret, the same for both runs")
	run(t, ctx, chromedp.Navigate(srv.URL()+"/shop"))
	waitFor(t, ctx, "the live connection", connected)
	eval[bool](t, ctx, `window.__noReload = true`)
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#cart-2-note input"), "for Bob"))
	waitText(t, ctx, "#cart-2 .note", "With the note: for Bob")
	eval[bool](t, ctx, `document.activeElement.blur(), true`)

	srv.kill()
	waitFor(t, ctx, "the page to notice the server is gone", `!`+connected)
	srv.restart()
	waitFor(t, ctx, "the page to rejoin the new server", connected)

	waitText(t, ctx, "#cart-2 .note", "With the note: for Bob")
	if got := value(t, ctx, "#cart-2-note input"); got != "for Bob" {
		t.Fatalf("the note's input holds %q after the restart", got)
	}
	if eval[bool](t, ctx, `!!document.querySelector("#cart-1 .note")`) {
		t.Error("cart-1 got a note")
	}
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded")
	}
	// The fresh cart works.
	run(t, ctx, chromedp.Click(chromedp.CSS("#add-tea-cart-2")))
	waitText(t, ctx, "#cart-2 .total", "$4.50")
}
