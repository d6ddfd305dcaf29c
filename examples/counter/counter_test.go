package counter_test

import (
	"testing"

	"github.com/templive/templive/examples/counter"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// TestCounterClicks: the buttons change the count the page shows, one
// server round trip each.
func TestCounterClicks(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(counter.New, nil), "/counter")
	if got := p.Text("#count"); got != "0" {
		t.Fatalf("a new counter shows %q, want 0", got)
	}
	for _, step := range []struct {
		button, want string
	}{
		{"#inc", "1"}, {"#inc", "2"}, {"#dec", "1"}, {"#dec", "0"}, {"#dec", "-1"},
	} {
		p.Click(step.button)
		if got := p.Text("#count"); got != step.want {
			t.Fatalf("after %s the count is %q, want %s", step.button, got, step.want)
		}
	}
}

// TestCounterSurvivesADrop: a page whose connection drops resumes the same
// view, and a click made while offline counts once.
func TestCounterSurvivesADrop(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(counter.New, nil), "/counter")
	p.Click("#inc")
	p.Disconnect()
	p.Click("#inc") // queued
	if got := p.Text("#count"); got != "1" {
		t.Fatalf("offline, the page shows %q; want 1 until the server answers", got)
	}
	p.Reconnect()
	if got := p.Text("#count"); got != "2" {
		t.Fatalf("after the reconnect the count is %q, want 2", got)
	}
}
