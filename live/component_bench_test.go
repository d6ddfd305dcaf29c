package live

import (
	"context"
	"io"
	"strconv"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/internal/benchviews"
)

// benchCart is a small stateful component: a few lines and a total.
type benchCart struct{ n int }

func (c *benchCart) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, `<section class="cart"><h2>Cart</h2><ul>`)
		for i := range 3 {
			io.WriteString(w, `<li class="line">Item `+strconv.Itoa(i)+` <output>`+strconv.Itoa(c.n+i)+`</output> <button live-click="inc" live-target>+</button></li>`)
		}
		_, err := io.WriteString(w, `</ul><p>Total: <output class="total">`+strconv.Itoa(3*c.n+3)+`</output></p></section>`)
		return err
	})
}

func (c *benchCart) HandleEvent(_ context.Context, _ *Conn, e Event) error {
	c.n++
	return nil
}

// cartPage is a 2,000-row table with a cart: as a component, or rendered
// by the page itself from the page's own state.
type cartPage struct {
	conn  *Conn
	rows  templ.Component
	plain *benchCart // the page renders this cart as part of itself
}

func (v *cartPage) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if v.plain != nil {
			io.WriteString(w, `<div id="cart">`)
			if err := v.plain.Render().Render(ctx, w); err != nil {
				return err
			}
			io.WriteString(w, `</div>`)
		} else if err := Component(v.conn, "cart", &benchCart{}).Render(ctx, w); err != nil {
			return err
		}
		return v.rows.Render(ctx, w)
	})
}

func (v *cartPage) HandleEvent(ctx context.Context, c *Conn, e Event) error {
	return v.plain.HandleEvent(ctx, c, e)
}

// BenchmarkComponentEvent is what a click in a cart costs the view
// goroutine, handler to encoded patch, on a page that also holds a
// 2,000-row table: "component", the cart a live.Component, rendered and
// diffed alone; "page", the same cart rendered by the page, so that the
// click renders and diffs the whole page.
func BenchmarkComponentEvent(b *testing.B) {
	rows := benchviews.Table(benchviews.Rows(2000, false, 0))
	for _, tt := range []struct {
		name      string
		component bool
	}{{"component", true}, {"page", false}} {
		b.Run(tt.name, func(b *testing.B) {
			h := NewHandler(func() View { return &cartPage{rows: rows} }, nil)
			defer h.Close()
			s := h.newSession()
			defer s.end()
			v := s.view.(*cartPage)
			v.conn = s.conn
			if !tt.component {
				v.plain = &benchCart{}
			}
			body, err := s.renderTree(s.ctx)
			if err != nil {
				b.Fatal(err)
			}
			comp := s.comps.byID["cart"]
			if tt.component != (comp != nil) {
				b.Fatal("the cart is not what the benchmark means it to be")
			}
			size := 0
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				var ops []byte
				if tt.component {
					comp.v.(EventHandler).HandleEvent(s.ctx, s.conn, Event{Name: "inc"})
					ops, err = s.renderComponent(comp)
				} else {
					v.HandleEvent(s.ctx, s.conn, Event{Name: "inc"})
					ops, err = s.renderDiff()
				}
				if err != nil || ops == nil {
					b.Fatalf("no patch: %v", err)
				}
				size = len(ops)
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(len(body)), "page-B")
			b.ReportMetric(float64(size), "patch-bytes")
		})
	}
}
