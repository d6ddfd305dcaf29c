// Package shop is the demo of stateful components: one catalog page with
// two independent carts. Each cart is a live.Component with its own state
// and events; a click in a cart renders and diffs that cart alone, and the
// page renders only when its own state changes.
package shop

import (
	"context"
	"fmt"
	"net/http"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// A Product is an item of the catalog; prices are in cents.
type Product struct {
	SKU   string
	Name  string
	Price int
}

// Catalog is what the shop sells.
var Catalog = []Product{
	{"tea", "Green tea", 450},
	{"mug", "Mug", 1200},
	{"pot", "Teapot", 3500},
}

func product(sku string) (Product, bool) {
	for _, p := range Catalog {
		if p.SKU == sku {
			return p, true
		}
	}
	return Product{}, false
}

// Carts are the ids of the page's two carts, with their owners.
var Carts = []struct{ ID, Owner string }{{"cart-1", "Ada"}, {"cart-2", "Bob"}}

// View is the catalog page: it renders the carts, which keep their own
// state, and lists the orders they placed.
type View struct {
	conn   *live.Conn
	Orders []Order
}

// New returns a new shop page.
func New() live.View { return &View{} }

// Mount keeps the Conn: the page's template needs it to render its
// components.
func (v *View) Mount(_ context.Context, c *live.Conn, _ *http.Request) error {
	v.conn = c
	return nil
}

func (v *View) Render() templ.Component { return page(v) }

// HandleEvent adds a product to a cart: the page has no cart state of its
// own, so it hands the product to the cart, which renders alone.
func (v *View) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "add":
		p, ok := product(e.Get("sku"))
		if !ok {
			return fmt.Errorf("no product %q", e.Get("sku"))
		}
		return c.SendUpdate(e.Get("cart"), Add{p})
	}
	return live.ErrUnknownEvent
}

// HandleInfo hears of the orders the carts place.
func (v *View) HandleInfo(_ context.Context, _ *live.Conn, msg any) error {
	if o, ok := msg.(Order); ok {
		v.Orders = append(v.Orders, o)
	}
	return nil
}

// Add is the message that puts a product in a cart.
type Add struct{ Product Product }

// An Order is what a cart sends the page when its owner checks out.
type Order struct {
	Owner string
	Items int
	Total int
	Note  string
}

// A Line is a product in a cart, and how many.
type Line struct {
	Product
	Qty int
}

// Cart is a stateful component: a shopper's cart. Its gift note lives in a
// form with an id, so it survives a server restart: the page sends it to
// the fresh cart when it rejoins.
type Cart struct {
	ID, Owner string
	Lines     []Line
	Note      string
}

func (c *Cart) Render() templ.Component { return cart(c) }

// Update takes the products the page adds.
func (c *Cart) Update(_ context.Context, _ *live.Conn, msg any) error {
	a, ok := msg.(Add)
	if !ok {
		return fmt.Errorf("cart: unexpected message %T", msg)
	}
	c.change(a.Product.SKU, 1, a.Product)
	return nil
}

// HandleEvent handles the clicks in the cart (live-target).
func (c *Cart) HandleEvent(_ context.Context, conn *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		c.change(e.Get("sku"), 1, Product{})
	case "dec":
		c.change(e.Get("sku"), -1, Product{})
	case "note":
		c.Note = e.Get("note")
	case "checkout":
		if len(c.Lines) == 0 {
			return nil
		}
		err := conn.Send(Order{Owner: c.Owner, Items: c.Items(), Total: c.Total(), Note: c.Note})
		c.Lines, c.Note = nil, ""
		return err
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// change adds d to the quantity of sku, adding p's line if there is none,
// and drops a line that reaches 0.
func (c *Cart) change(sku string, d int, p Product) {
	for i := range c.Lines {
		if c.Lines[i].SKU == sku {
			c.Lines[i].Qty += d
			if c.Lines[i].Qty <= 0 {
				c.Lines = append(c.Lines[:i], c.Lines[i+1:]...)
			}
			return
		}
	}
	if d > 0 && p.SKU != "" {
		c.Lines = append(c.Lines, Line{p, d})
	}
}

// Items is how many products the cart holds.
func (c *Cart) Items() int {
	n := 0
	for _, l := range c.Lines {
		n += l.Qty
	}
	return n
}

// Total is what the cart costs, in cents.
func (c *Cart) Total() int {
	t := 0
	for _, l := range c.Lines {
		t += l.Qty * l.Price
	}
	return t
}

func money(cents int) string { return fmt.Sprintf("$%d.%02d", cents/100, cents%100) }
