package shop_test

import (
	"net/http"
	"testing"

	"github.com/templive/templive/examples/layout"
	"github.com/templive/templive/examples/shop"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// openStyled serves /shop in the demos' layout, whose stylesheet the
// dialog's transitions and backdrop use.
func openStyled(t *testing.T) *livetest.Page {
	h := live.NewHandler(shop.New, &live.Options{Layout: layout.For("Shop")})
	t.Cleanup(func() { h.Close() })
	mux := http.NewServeMux()
	mux.Handle("/shop", h)
	mux.HandleFunc("/static/demo.css", layout.Stylesheet)
	return livetest.Open(t, mux, "/shop")
}

func hasFocus(t *testing.T, p *livetest.Page, sel string) {
	t.Helper()
	if !p.HasFocus(sel) {
		t.Fatalf("the focus is not on %s\n%s", sel, p.HTML())
	}
}

// TestCheckoutDialog: Check out opens that cart's dialog only, which takes
// the focus, keeps Tab inside, and closes on Escape, a click outside it and
// Cancel, each time giving the focus back to the button that opened it;
// none of that reaches the server. Place order checks out that cart only.
func TestCheckoutDialog(t *testing.T) {
	p := openStyled(t)
	add(p, "mug", "cart-1")
	add(p, "tea", "cart-1")
	add(p, "pot", "cart-2")
	if p.Visible("#cart-1-checkout") || p.Visible("#cart-2-checkout") {
		t.Fatal("a checkout dialog shows before any click")
	}
	bob := p.ComponentHTML("cart-2")

	open := func() {
		t.Helper()
		p.Click("#cart-1 .checkout")
		if !p.Visible("#cart-1-checkout") || p.Visible("#cart-2-checkout") {
			t.Fatalf("Check out in cart-1: its dialog shown %v, cart-2's %v", p.Visible("#cart-1-checkout"), p.Visible("#cart-2-checkout"))
		}
		hasFocus(t, p, "#cart-1-checkout .cancel")
	}
	closed := func(how string) {
		t.Helper()
		if p.Visible("#cart-1-checkout") {
			t.Fatalf("%s left the dialog open", how)
		}
		hasFocus(t, p, "#cart-1 .checkout")
		if got := p.Text("#cart-1 .total"); got != "$16.50" {
			t.Fatalf("%s changed the cart: total %q", how, got)
		}
	}

	open()
	if got := p.Text("#cart-1-checkout-title"); got != "Place Ada’s order?" {
		t.Errorf("the dialog asks %q", got)
	}
	if cls, _ := p.Get("#cart-1-checkout").Attr("class"); cls != "modal" {
		t.Errorf("the dialog's classes after the fade in: %q", cls)
	}
	p.Tab()
	hasFocus(t, p, "#cart-1-checkout .place")
	p.Tab() // the last: round to the first
	hasFocus(t, p, "#cart-1-checkout .cancel")
	p.ShiftTab() // the first: round to the last
	hasFocus(t, p, "#cart-1-checkout .place")
	p.KeyDown("#cart-1-checkout .place", "Escape")
	closed("Escape")

	open()
	// A click on the text gives the dialog box the focus (tabindex="-1"),
	// which livetest's Click refuses as a click nothing handles: Focus.
	p.Focus("#cart-1-checkout .dialog")
	p.Tab()
	hasFocus(t, p, "#cart-1-checkout .cancel")
	p.KeyDown("#cart-1-checkout .cancel", "Escape")
	closed("Escape")

	open()
	p.Click("#cart-1-checkout") // the backdrop, outside the dialog box
	closed("a click outside")

	open()
	p.Click("#cart-1-checkout .cancel")
	closed("Cancel")

	open()
	p.Click("#cart-1-checkout .place")
	p.AwaitRender() // the order reaches the page as a message
	if p.Visible("#cart-1-checkout") {
		t.Fatal("Place order left the dialog open")
	}
	hasFocus(t, p, "#cart-1 .checkout")
	if got := p.Text("#orders"); got != "Ada: 2 items, $16.50" {
		t.Fatalf("orders %q", got)
	}
	if got := p.Text("#cart-1 .total"); got != "$0.00" {
		t.Errorf("cart-1 after its order: %q", got)
	}
	if got := p.ComponentHTML("cart-2"); got != bob {
		t.Errorf("cart-1's dialog and order changed cart-2:\n%s\nwas\n%s", got, bob)
	}

	// An empty cart's dialog says so and places nothing.
	p.Click("#cart-1 .checkout")
	if got := p.Text("#cart-1-checkout-title"); got != "Ada’s cart is empty." || p.Find("#cart-1-checkout .place").Length() != 0 {
		t.Fatalf("an empty cart's dialog: %q\n%s", got, p.ComponentHTML("cart-1"))
	}
	hasFocus(t, p, "#cart-1-checkout .cancel")
	p.Tab() // one button: it stays
	hasFocus(t, p, "#cart-1-checkout .cancel")
	p.Click("#cart-1-checkout .cancel")
	closed2 := !p.Visible("#cart-1-checkout") && p.HasFocus("#cart-1 .checkout")
	if !closed2 {
		t.Fatal("Close left the empty cart's dialog open, or the focus elsewhere")
	}
}

// TestCheckoutDialogsAreIndependent: each cart's dialog opens, closes and
// places its own cart's order; a click outside one dialog that opens the
// other cart's closes the first.
func TestCheckoutDialogsAreIndependent(t *testing.T) {
	p := openStyled(t)
	add(p, "tea", "cart-1")
	add(p, "pot", "cart-2")
	p.Click("#cart-2 .checkout")
	if !p.Visible("#cart-2-checkout") || p.Visible("#cart-1-checkout") {
		t.Fatal("Check out in cart-2 did not open cart-2's dialog alone")
	}
	hasFocus(t, p, "#cart-2-checkout .cancel")
	p.Click("#cart-2-checkout .place")
	p.AwaitRender()
	if got := p.Text("#orders"); got != "Bob: 1 items, $35.00" {
		t.Fatalf("orders %q", got)
	}
	if got := p.Text("#cart-1 .total"); got != "$4.50" {
		t.Errorf("cart-2's order changed cart-1: %q", got)
	}
	hasFocus(t, p, "#cart-2 .checkout")
}
