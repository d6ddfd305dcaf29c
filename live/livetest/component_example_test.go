package livetest_test

import (
	"strings"

	"github.com/templive/templive/examples/shop"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// A click inside a stateful component goes where the browser sends it: to
// the component its live-target names. ComponentHTML reads one component.
func ExamplePage_ComponentHTML() {
	p := livetest.Open(t, live.NewHandler(shop.New, nil), "/shop")
	p.Click("#add-tea-cart-1") // the page's event: it hands the tea to cart-1
	p.AwaitRender()            // which renders alone, after the click's answer
	bob := p.ComponentHTML("cart-2")
	p.Click(`#cart-1 .inc`) // live-target: cart-1's own event
	if got := p.Text("#cart-1 .qty"); got != "2" {
		t.Errorf("cart-1 holds %q teas, want 2", got)
	}
	if p.ComponentHTML("cart-2") != bob || !strings.Contains(bob, "Empty.") {
		t.Error("a click in cart-1 changed cart-2")
	}
}
