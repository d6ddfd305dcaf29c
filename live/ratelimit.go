package live

import "time"

// A rateLimiter bounds the frames one connection may send: a token bucket
// that holds up to burst tokens, gains rate tokens per second, and gives
// one to each frame. It is refilled lazily from the time of each frame, so
// it needs no timer and no goroutine; only the connection's reading
// goroutine uses it.
type rateLimiter struct {
	rate, burst float64 // rate <= 0: no limit
	tokens      float64
	last        time.Time
	warned      bool // the connection's first refusal was logged
}

func newRateLimiter(rate float64, burst int, now time.Time) rateLimiter {
	return rateLimiter{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// allow takes a token for a frame that arrived at now, and reports whether
// there was one.
func (l *rateLimiter) allow(now time.Time) bool {
	if l.rate <= 0 {
		return true
	}
	if d := now.Sub(l.last); d > 0 {
		l.tokens = min(l.burst, l.tokens+d.Seconds()*l.rate)
		l.last = now
	}
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// eventRef returns the ref of an event frame, [1,ref,...], as the client
// writes it, or 0 for anything else. It reads no further than the ref, so
// that a frame refused for its rate costs no decoding.
func eventRef(data []byte) uint64 {
	i := 0
	skip := func() {
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
			i++
		}
	}
	for _, want := range []byte("[1,") {
		skip()
		if i == len(data) || data[i] != want {
			return 0
		}
		i++
	}
	skip()
	var ref uint64
	start := i
	for ; i < len(data) && data[i] >= '0' && data[i] <= '9'; i++ {
		if i-start == 16 { // beyond 2^53: not a ref the client sends
			return 0
		}
		ref = ref*10 + uint64(data[i]-'0')
	}
	return ref
}
