package bench_test

import (
	"slices"
	"testing"
	"time"

	"github.com/templive/templive/internal/bench"
)

// TestMerge: the merged result of two processes' shares is that of one run
// with all their clients: sums, weighted bytes, percentiles over every
// sample (not the mean of the parts' percentiles).
func TestMerge(t *testing.T) {
	ms := int64(time.Millisecond)
	s := int64(time.Second)
	t0 := int64(5000) * s
	a := bench.Result{
		Clients: 3, Connected: 3, Events: 2, EventsPerSec: 10, BytesUpPerEvent: 10, BytesDownPerEvent: 30,
		LatenciesNs: []int64{1 * ms, 2 * ms},
		ArrivalsNs:  []int64{t0 + 1*ms, t0 + 2*ms, t0 + 3*ms},
		DropsNs:     []int64{t0 + 10*s},
		RejoinsNs:   []int64{t0 + 10*s + s/2},
	}
	b := bench.Result{
		Clients: 2, Connected: 1, Events: 6, EventsPerSec: 30, BytesUpPerEvent: 20, BytesDownPerEvent: 50,
		LatenciesNs: []int64{100 * ms, 3 * ms, 4 * ms, 5 * ms, 6 * ms, 7 * ms},
		ArrivalsNs:  []int64{t0 + 100*ms},
		DropsNs:     []int64{t0 + 10*s + 1},
		RejoinsNs:   []int64{t0 + 12*s},
		Errors:      1, FirstError: "one client failed",
	}
	m := bench.Merge([]bench.Result{a, b}, t0)
	if m.Clients != 5 || m.Connected != 4 || m.Events != 8 || m.EventsPerSec != 40 || m.Errors != 1 || m.FirstError != "one client failed" {
		t.Errorf("counts: %+v", m)
	}
	if m.BytesUpPerEvent != (2*10+6*20)/8.0 || m.BytesDownPerEvent != (2*30+6*50)/8.0 {
		t.Errorf("bytes per event up %v down %v, want weighted by events", m.BytesUpPerEvent, m.BytesDownPerEvent)
	}
	// 8 latencies 1..7 and 100 ms: the median is 4, the max 100, the
	// p99 the largest too (nearest rank).
	if m.P50ms != 4 || m.Maxms != 100 || m.P99ms != 100 || m.P90ms != 100 {
		t.Errorf("latencies p50 %v p90 %v p99 %v max %v", m.P50ms, m.P90ms, m.P99ms, m.Maxms)
	}
	bc := m.Broadcast
	if bc == nil || bc.Received != 4 || bc.P50ms != 2 || bc.Maxms != 100 {
		t.Fatalf("broadcast %+v, want 4 received, p50 2 ms, max 100 ms", bc)
	}
	rc := m.Reconnect
	if rc == nil || rc.Dropped != 2 || rc.Rejoined != 2 || !slices.Equal(rc.Per100ms, []int{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}) || rc.HalfRejoinedS != 0.5 || rc.AllRejoinedS != 2 {
		t.Errorf("reconnect %+v, want 2 dropped, 2 rejoined at 0.5 and 2 s", rc)
	}
	if m.LatenciesNs != nil || m.ArrivalsNs != nil || m.DropsNs != nil || m.RejoinsNs != nil {
		t.Error("the merged result keeps raw samples")
	}
}

// TestMergeNoBroadcast: without a broadcast (t0 0) or drops there are no
// broadcast or reconnect figures, rather than zeros that look measured.
func TestMergeNoBroadcast(t *testing.T) {
	m := bench.Merge([]bench.Result{{Clients: 1, Connected: 1, ArrivalsNs: []int64{5}}}, 0)
	if m.Broadcast != nil || m.Reconnect != nil {
		t.Errorf("%+v", m)
	}
}
