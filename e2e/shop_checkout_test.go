package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/templive/templive/internal/demo"
)

// TestShopCheckoutDialogWithRealKeys: a cart's Check out opens that cart's
// dialog alone, in the browser, with no event sent: it fades in, takes the
// focus, keeps Tab and Shift+Tab inside, and closes on Escape and on a
// click outside it, each time giving the focus back to Check out. Place
// order sends one event, to that cart's component, and the other cart
// keeps its state.
func TestShopCheckoutDialogWithRealKeys(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	spy(t, ctx)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/shop"))
	waitFor(t, ctx, "the live connection", connected)
	click(t, ctx, "#add-tea-cart-1")
	waitText(t, ctx, "#cart-1 .total", "$4.50")
	click(t, ctx, "#add-pot-cart-2")
	waitText(t, ctx, "#cart-2 .total", "$35.00")
	const shown1 = `getComputedStyle(document.querySelector("#cart-1-checkout")).display === "flex"`
	const hidden1 = `getComputedStyle(document.querySelector("#cart-1-checkout")).display === "none"`
	const hidden2 = `getComputedStyle(document.querySelector("#cart-2-checkout")).display === "none"`
	is(t, ctx, hidden1+" && "+hidden2, true)

	before := len(events(t, ctx))
	open := func() {
		t.Helper()
		click(t, ctx, "#cart-1 .checkout")
		focused(t, ctx, "#cart-1-checkout .cancel")
		waitFor(t, ctx, "the fade in to end", shown1+` && document.querySelector("#cart-1-checkout").className === "modal" && getComputedStyle(document.querySelector("#cart-1-checkout")).opacity === "1"`)
		is(t, ctx, hidden2, true)
	}
	closed := func(how string) {
		t.Helper()
		waitFor(t, ctx, "the dialog to hide after "+how, hidden1)
		focused(t, ctx, "#cart-1 .checkout")
	}

	open()
	is(t, ctx, `document.querySelector("#cart-1-checkout-title").textContent === "Place Ada’s order?"`, true)
	press(t, ctx, kb.Tab, false)
	focused(t, ctx, "#cart-1-checkout .place")
	press(t, ctx, kb.Tab, false) // the last: back to the first, not to the page
	focused(t, ctx, "#cart-1-checkout .cancel")
	press(t, ctx, kb.Tab, true) // Shift+Tab on the first: to the last
	focused(t, ctx, "#cart-1-checkout .place")
	press(t, ctx, kb.Escape, false)
	closed("Escape")

	open()
	// A click on the dialog's text leaves the focus inside it: Escape still
	// closes it.
	click(t, ctx, "#cart-1-checkout-title")
	focused(t, ctx, "#cart-1-checkout .dialog")
	press(t, ctx, kb.Escape, false)
	closed("Escape after a click on the text")

	open()
	// A real click on the backdrop, outside the dialog's box.
	run(t, ctx, chromedp.MouseClickXY(3, 3))
	closed("a click outside")

	open()
	click(t, ctx, "#cart-1-checkout .cancel")
	closed("Cancel")
	if got := events(t, ctx)[before:]; len(got) != 0 {
		t.Fatalf("opening and closing the dialog sent %v", got)
	}

	open()
	click(t, ctx, "#cart-1-checkout .place")
	waitText(t, ctx, "#orders", "Ada: 1 items, $4.50")
	waitText(t, ctx, "#cart-1 .total", "$0.00")
	closed("Place order")
	if got := text(t, ctx, "#cart-2 .total"); got != "$35.00" {
		t.Errorf("cart-1's order changed cart-2: %q", got)
	}
	sent := eval[[][]any](t, ctx, fmt.Sprintf(`window.__frames.filter((f) => f[0] === 1).slice(%d)`, before)+`.map((f) => [f[2], f[4] || ""])`)
	if len(sent) != 1 || sent[0][0] != "checkout" || sent[0][1] != "cart-1" {
		t.Errorf("Place order sent %v, want one checkout to cart-1", sent)
	}
	for _, m := range console() {
		if m.Type == "error" || m.Type == "warning" || m.IsException() {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
	noCSPViolations(t, ctx)
}
