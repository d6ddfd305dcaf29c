package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

// TestShopClickInOneCartPatchesOnlyThatCart: the shop's carts are stateful
// components. A click in one cart reaches that cart, and what comes back
// patches that cart only: every op is addressed inside it, and the other
// cart's DOM nodes are the very same nodes as before.
func TestShopClickInOneCartPatchesOnlyThatCart(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	recordWSFrames(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/shop"))
	waitFor(t, ctx, "the live connection", connected)
	eval[bool](t, ctx, `window.__noReload = true`)

	// The catalog is the page's: it hands the product to a cart.
	run(t, ctx, chromedp.Click(chromedp.CSS("#add-tea-cart-1")))
	waitText(t, ctx, "#cart-1 .total", "$4.50")
	run(t, ctx, chromedp.Click(chromedp.CSS("#add-pot-cart-2")))
	waitText(t, ctx, "#cart-2 .total", "$35.00")

	eval[bool](t, ctx, `(window.__bob = document.querySelector("#cart-2 .qty"),
		window.__bobHTML = document.getElementById("cart-2").innerHTML,
		window.__seen = window.__frames.length, true)`)
	run(t, ctx, chromedp.Click(chromedp.CSS(`#cart-1 .inc`)))
	waitText(t, ctx, "#cart-1 .qty", "2")
	waitText(t, ctx, "#cart-1 .total", "$9.00")

	// What the server sent for the click: its reply's ops, and those of
	// any patch with it.
	ops := eval[[]any](t, ctx, `window.__frames.slice(window.__seen).map((f) => JSON.parse(f))
		.flatMap((f) => f[0] === 0 ? (f[2] || []) : f[0] === 1 ? f[1] : [])`)
	if len(ops) == 0 {
		t.Fatal("no ops came back for the click")
	}
	for _, op := range ops {
		o, ok := op.([]any)
		if !ok || len(o) < 2 || o[1] != "cart-1" {
			t.Errorf("op %v is not addressed inside cart-1", op)
		}
	}
	if !eval[bool](t, ctx, `document.querySelector("#cart-2 .qty") === window.__bob &&
		document.getElementById("cart-2").innerHTML === window.__bobHTML`) {
		t.Error("the click in cart-1 touched cart-2")
	}

	// And the other way round.
	run(t, ctx, chromedp.Click(chromedp.CSS(`#cart-2 .dec`)))
	waitText(t, ctx, "#cart-2 .total", "$0.00")
	if got := text(t, ctx, "#cart-1 .qty"); got != "2" {
		t.Errorf("a click in cart-2 changed cart-1: %q", got)
	}

	// A checkout reaches the page, which renders; the carts keep their
	// state through it.
	run(t, ctx, chromedp.Click(chromedp.CSS(`#cart-1 .checkout`))) // opens the dialog (shop_checkout_test.go)
	run(t, ctx, chromedp.Click(chromedp.CSS(`#cart-1-checkout .place`)))
	// The dialog fades out: its backdrop takes the clicks until it is gone.
	waitFor(t, ctx, "the dialog to go", `getComputedStyle(document.querySelector("#cart-1-checkout")).display === "none"`)
	waitText(t, ctx, "#orders", "Ada: 2 items, $9.00")
	waitText(t, ctx, "#cart-1 .total", "$0.00")
	run(t, ctx, chromedp.Click(chromedp.CSS("#add-mug-cart-2")))
	waitText(t, ctx, "#cart-2 .total", "$12.00")
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded")
	}
}
