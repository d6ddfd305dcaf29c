package live

import (
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	l := newRateLimiter(10, 3, t0) // 10 a second, bursts of 3
	steps := []struct {
		ms   int
		want bool
	}{
		{0, true}, {0, true}, {0, true}, // the burst
		{0, false}, {50, false}, // half a token
		{100, true}, {100, false}, // one token a 100 ms
		{350, true}, {350, true}, {350, false}, // 2.5 tokens gained, 2 used
		{10_000, true}, {10_000, true}, {10_000, true}, {10_000, false}, // a long quiet spell refills the burst, no more
		{9_000, false}, // a clock that steps back gains nothing
		{10_100, true},
	}
	for i, s := range steps {
		if got := l.allow(at(s.ms)); got != s.want {
			t.Fatalf("step %d (at %d ms): allow = %v, want %v", i, s.ms, got, s.want)
		}
	}
	off := newRateLimiter(-1, 1, t0)
	for range 1000 {
		if !off.allow(t0) {
			t.Fatal("a negative rate limits")
		}
	}
}

func TestEventRef(t *testing.T) {
	tests := []struct {
		frame string
		want  uint64
	}{
		{`[1,7,"inc"]`, 7},
		{` [ 1 , 42 ,"x"]`, 42},
		{`[1,9007199254740991,"x"]`, 9007199254740991},
		{`[1,90071992547409910,"x"]`, 0}, // past 2^53
		{`[1,0,"x"]`, 0},
		{`[10,5]`, 0},
		{`[2]`, 0},
		{`[0,{"v":1}]`, 0},
		{`[1,"5","x"]`, 0},
		{`[1,`, 0},
		{``, 0},
		{"\xff", 0},
	}
	for _, tt := range tests {
		if got := eventRef([]byte(tt.frame)); got != tt.want {
			t.Errorf("eventRef(%q) = %d, want %d", tt.frame, got, tt.want)
		}
	}
}
