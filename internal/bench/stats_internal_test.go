package bench

import (
	"slices"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := int64(time.Millisecond)
	hundred := make([]int64, 100) // 1..100 ms
	for i := range hundred {
		hundred[i] = int64(i+1) * ms
	}
	for _, c := range []struct {
		samples []int64
		q       float64
		want    float64
	}{
		{nil, 0.5, 0},
		{[]int64{7 * ms}, 0.5, 7},
		{[]int64{7 * ms}, 1, 7},
		{hundred, 0, 1},
		{hundred, 0.5, 50},
		{hundred, 0.9, 90},
		{hundred, 0.99, 99},
		{hundred, 1, 100},
		{[]int64{1 * ms, 2 * ms, 3 * ms, 4 * ms}, 0.5, 2},
		{[]int64{1 * ms, 2 * ms, 3 * ms, 4 * ms}, 0.51, 3},
	} {
		if got := percentile(c.samples, c.q); got != c.want {
			t.Errorf("percentile(%d samples, %v) = %v, want %v", len(c.samples), c.q, got, c.want)
		}
	}
}

func TestCurve(t *testing.T) {
	s := int64(time.Second)
	start := int64(1000) * s
	got := curve([]int64{start - 5, start, start + s/2, start + 3*s + 1, start + 3*s + 2}, start, time.Second)
	if want := []int{3, 0, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("curve = %v, want %v", got, want)
	}
	if got := curve(nil, start, time.Second); len(got) != 0 {
		t.Errorf("curve of nothing = %v", got)
	}
}
