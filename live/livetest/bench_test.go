package livetest_test

import (
	"testing"

	"github.com/templive/templive/examples/counter"
	"github.com/templive/templive/examples/sound"
	"github.com/templive/templive/examples/toggle"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// unlimited turns the handler's rate limit off: a benchmark clicks as fast
// as it can.
var unlimited = &live.Options{EventRate: -1, Logger: quiet}

// BenchmarkClick measures one click through livetest: the event frame, the
// view's render and diff, the reply, and the patch applied to the test DOM.
func BenchmarkClick(b *testing.B) {
	p := livetest.Open(b, live.NewHandler(counter.New, unlimited), "/counter")
	for b.Loop() {
		p.Click("#inc")
	}
}

// BenchmarkOpen measures opening a page: the GET, parsing it, the WebSocket
// and the join.
func BenchmarkOpen(b *testing.B) {
	s := livetest.NewServer(b, live.NewHandler(counter.New, unlimited))
	for b.Loop() {
		s.Open("/counter").Disconnect()
	}
}

// BenchmarkChainInBrowser measures a click whose JS command chain runs on
// the test DOM alone (the toggle demo's list item: two class toggles with
// relative targets), with no round trip.
func BenchmarkChainInBrowser(b *testing.B) {
	p := livetest.Open(b, live.NewHandler(toggle.New, unlimited), "/toggle")
	for b.Loop() {
		p.Click("#item-2")
	}
}

// BenchmarkChainWithPush measures a click whose chain plays a sound and
// pushes an event (the sound demo's +1): the chain, the round trip and the
// patch.
func BenchmarkChainWithPush(b *testing.B) {
	p := livetest.Open(b, live.NewHandler(sound.New, unlimited), "/sound")
	for b.Loop() {
		p.Click("#inc")
	}
}
