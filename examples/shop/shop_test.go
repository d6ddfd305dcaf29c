package shop_test

import (
	"strings"
	"testing"

	"github.com/templive/templive/examples/shop"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// open serves /shop in the demos' layout: its stylesheet hides the
// carts' checkout dialogs until they open.
func open(t *testing.T) *livetest.Page { return openStyled(t) }

// add clicks a catalog button. The page hands the product to the cart with
// SendUpdate, a message: the cart renders after the click's answer.
func add(p *livetest.Page, sku, cart string) {
	p.Click("#add-" + sku + "-" + cart)
	p.AwaitRender()
}

func TestShopCartsAreIndependent(t *testing.T) {
	p := open(t)
	if got := p.Text("#cart-1 .total"); got != "$0.00" {
		t.Fatalf("a new cart's total is %q", got)
	}
	add(p, "tea", "cart-1")
	add(p, "tea", "cart-1")
	add(p, "pot", "cart-2")
	if got := p.Text("#cart-1 .total"); got != "$9.00" {
		t.Errorf("cart-1 total %q, want $9.00 (two teas)", got)
	}
	if got := p.Text("#cart-2 .total"); got != "$35.00" {
		t.Errorf("cart-2 total %q, want $35.00 (a teapot)", got)
	}
	bob := p.ComponentHTML("cart-2")

	// A click inside cart-1 (live-target) reaches cart-1 only.
	p.Click(`#cart-1 .line[data-sku="tea"] .inc`)
	if got := p.Text(`#cart-1 .line[data-sku="tea"] .qty`); got != "3" {
		t.Errorf("after + in cart-1 the tea quantity is %q, want 3", got)
	}
	if got := p.ComponentHTML("cart-2"); got != bob {
		t.Errorf("a click in cart-1 changed cart-2:\n%s\nwas\n%s", got, bob)
	}
	p.Click(`#cart-2 .line[data-sku="pot"] .dec`)
	if got := p.ComponentHTML("cart-2"); !strings.Contains(got, "Empty.") {
		t.Errorf("cart-2 after its last item went: %s", got)
	}
	if got := p.Text(`#cart-1 .line[data-sku="tea"] .qty`); got != "3" {
		t.Errorf("a click in cart-2 changed cart-1: tea %q", got)
	}
}

// TestShopCartsSurviveThePage: the page renders when a cart checks out
// (its order list changes); the carts keep their state through it.
func TestShopCartsSurviveThePage(t *testing.T) {
	p := open(t)
	add(p, "mug", "cart-1")
	add(p, "tea", "cart-2")
	p.Click("#cart-1 .checkout") // opens the dialog (checkout_test.go)
	p.Click("#cart-1 .place")
	p.AwaitRender() // the order reaches the page as a message, rendered after the reply
	if got := p.Text("#orders"); got != "Ada: 1 items, $12.00" {
		t.Fatalf("orders %q", got)
	}
	if got := p.Text("#cart-1 .total"); got != "$0.00" {
		t.Errorf("cart-1 after checkout: %q", got)
	}
	if got := p.Text("#cart-2 .total"); got != "$4.50" {
		t.Errorf("cart-2 lost its state when the page rendered: %q", got)
	}
}

func TestShopSurvivesADrop(t *testing.T) {
	p := open(t)
	add(p, "pot", "cart-2")
	p.Disconnect()
	p.Click(`#cart-2 .line[data-sku="pot"] .inc`) // queued while offline
	p.Reconnect()
	if got := p.Text(`#cart-2 .qty`); got != "2" {
		t.Fatalf("after the reconnect cart-2 holds %q teapots, want 2", got)
	}
}

// TestShopGiftNoteSurvivesARestart: a cart's gift note is in a form with
// an id; after the server lost the page's view, the rejoin replays it to
// the fresh cart, and the page keeps what was typed.
func TestShopGiftNoteSurvivesARestart(t *testing.T) {
	secrets := &live.Options{Secrets: [][]byte{[]byte("the same secret after the restart")}}
	s := livetest.NewServer(t, live.NewHandler(shop.New, secrets))
	p := s.Open("/shop")
	p.Change("#cart-2-note input", "for Bob")
	if got := p.Text("#cart-2 .note"); got != "With the note: for Bob" {
		t.Fatalf("the note shows %q", got)
	}
	s.Restart(live.NewHandler(shop.New, secrets))
	p.Reconnect()
	if got := p.Text("#cart-2 .note") + "|" + p.Value("#cart-2-note input"); got != "With the note: for Bob|for Bob" {
		t.Fatalf("after the restart: %q", got)
	}
	if p.Find("#cart-1 .note").Length() != 0 {
		t.Fatalf("cart-1 has a note: %s", p.ComponentHTML("cart-1"))
	}
}
