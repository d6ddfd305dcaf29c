package bench_test

import (
	"fmt"
	"time"

	"github.com/templive/templive/internal/bench"
)

// The shares of a broadcast measured in two processes merge into the
// figures of the whole: percentiles over every page's sample.
func ExampleMerge() {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano() // the message was published
	ms := int64(time.Millisecond)
	a := bench.Result{Clients: 2, Connected: 2, ArrivalsNs: []int64{t0 + 3*ms, t0 + 5*ms}}
	b := bench.Result{Clients: 2, Connected: 2, ArrivalsNs: []int64{t0 + 4*ms, t0 + 40*ms}}
	m := bench.Merge([]bench.Result{a, b}, t0)
	fmt.Printf("%d pages, %d received, p50 %.0f ms, max %.0f ms\n", m.Connected, m.Broadcast.Received, m.Broadcast.P50ms, m.Broadcast.Maxms)
	// Output: 4 pages, 4 received, p50 4 ms, max 40 ms
}
