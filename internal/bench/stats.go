package bench

import (
	"slices"
	"time"
)

// percentile returns the q-quantile (0 ≤ q ≤ 1) of sorted samples by the
// nearest-rank method, in milliseconds: the smallest sample that at least
// q of them do not exceed. No samples give 0.
func percentile(sorted []int64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	// Nearest rank: ceil(q·n), 1-based. q = 0 is the smallest sample.
	rank := int(q*float64(len(sorted)) + 0.999999999)
	rank = max(1, min(rank, len(sorted)))
	return float64(sorted[rank-1]) / float64(time.Millisecond)
}

// quantiles fills p50, p90, p99 and max of samples (nanoseconds), which it
// sorts.
func quantiles(samples []int64) (p50, p90, p99, maxv float64) {
	slices.Sort(samples)
	return percentile(samples, 0.50), percentile(samples, 0.90), percentile(samples, 0.99), percentile(samples, 1)
}

// curve counts the times (Unix nanoseconds) per bucket-long interval from
// start: curve[i] is how many fall in [start+i·bucket, start+(i+1)·bucket).
// Times before start count in the first bucket.
func curve(times []int64, start int64, bucket time.Duration) []int {
	var c []int
	for _, t := range times {
		i := 0
		if t > start {
			i = int((t - start) / int64(bucket))
		}
		for len(c) <= i {
			c = append(c, 0)
		}
		c[i]++
	}
	return c
}

// Merge combines the results of runs that each drove a share of the clients
// at the same time (the child processes of a run with Procs), into the
// result of the whole: counts and rates add up, bytes per event are
// weighted by events, and the percentiles are those of all the samples
// together, not an average of percentiles. t0 is when the broadcast was
// published (Unix nanoseconds; 0 if none). The merged result keeps no raw
// samples.
func Merge(parts []Result, t0 int64) Result {
	var m Result
	var latencies, arrivals, drops, rejoins []int64
	var up, down float64
	for _, p := range parts {
		m.Clients += p.Clients
		m.Connected += p.Connected
		m.Events += p.Events
		m.EventsPerSec += p.EventsPerSec
		m.LogBytesDown += p.LogBytesDown
		m.Errors += p.Errors
		if m.FirstError == "" {
			m.FirstError = p.FirstError
		}
		up += p.BytesUpPerEvent * float64(p.Events)
		down += p.BytesDownPerEvent * float64(p.Events)
		latencies = append(latencies, p.LatenciesNs...)
		arrivals = append(arrivals, p.ArrivalsNs...)
		drops = append(drops, p.DropsNs...)
		rejoins = append(rejoins, p.RejoinsNs...)
	}
	if m.Events > 0 {
		m.BytesUpPerEvent, m.BytesDownPerEvent = up/float64(m.Events), down/float64(m.Events)
	}
	m.P50ms, m.P90ms, m.P99ms, m.Maxms = quantiles(latencies)
	m.setBroadcast(arrivals, t0)
	m.setReconnect(drops, rejoins)
	return m
}

// setBroadcast sets the broadcast figures from the arrival times of the
// broadcast's patch at each client and the time it was published.
func (r *Result) setBroadcast(arrivals []int64, t0 int64) {
	if t0 == 0 {
		return
	}
	b := &Broadcast{Received: len(arrivals)}
	lat := make([]int64, len(arrivals))
	for i, a := range arrivals {
		lat[i] = max(0, a-t0)
	}
	b.P50ms, b.P90ms, b.P99ms, b.Maxms = quantiles(lat)
	r.Broadcast = b
}

// setReconnect sets the reconnect figures from when connections dropped
// and when their clients joined again.
func (r *Result) setReconnect(drops, rejoins []int64) {
	if len(drops) == 0 {
		return
	}
	slices.Sort(drops)
	slices.Sort(rejoins)
	rc := &Reconnect{Dropped: len(drops), Rejoined: len(rejoins)}
	first := drops[0]
	rc.Per100ms = curve(rejoins, first, 100*time.Millisecond)
	if len(rejoins) > 0 {
		rc.AllRejoinedS = float64(rejoins[len(rejoins)-1]-first) / float64(time.Second)
		half := rejoins[(len(rejoins)-1)/2]
		rc.HalfRejoinedS = float64(half-first) / float64(time.Second)
	}
	r.Reconnect = rc
}
