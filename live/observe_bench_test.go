package live_test

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/templive/templive/live"
)

// countingObserver sets every Observer func to the least a real one does:
// count.
func countingObserver(n *atomic.Int64) *live.Observer {
	end := func(error) { n.Add(1) }
	return &live.Observer{
		Mount: func(ctx context.Context, route string) (context.Context, func(error)) { n.Add(1); return ctx, end },
		Event: func(ctx context.Context, route, name string, received time.Time) (context.Context, func(error)) {
			n.Add(1)
			return ctx, end
		},
		Render: func(ctx context.Context, route string) func(error) { n.Add(1); return end },
		Diff: func(ctx context.Context, route string) func(int, error) {
			n.Add(1)
			return func(int, error) { n.Add(1) }
		},
		Views:     func(route string, delta int) { n.Add(1) },
		Resumed:   func(ctx context.Context, route string) { n.Add(1) },
		Recovered: func(ctx context.Context, route string, forms int) { n.Add(1) },
		Crashed:   func(ctx context.Context, route string) { n.Add(1) },
		Dropped:   func(ctx context.Context, route, reason string) { n.Add(1) },
	}
}

// BenchmarkClickObserver is a click round trip over a real WebSocket on
// loopback (event frame, HandleEvent, render, diff, reply) with no
// Observer and with one whose every func is set: what the hooks cost.
func BenchmarkClickObserver(b *testing.B) {
	var n atomic.Int64
	for _, bc := range []struct {
		name string
		obs  *live.Observer
	}{{"nil", nil}, {"set", countingObserver(&n)}} {
		b.Run(bc.name, func(b *testing.B) {
			s := newServer(b, &live.Options{EventRate: -1, Observer: bc.obs, Logger: slog.New(slog.DiscardHandler)})
			_, tok := s.page(b, "/view")
			c, _ := s.join(b, "/view", tok, 0)
			ref := 0
			b.ReportAllocs()
			for b.Loop() {
				ref++
				c.send(`[1,` + strconv.Itoa(ref) + `,"inc"]`)
				c.read()
			}
		})
	}
}
