package async_test

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/templive/templive/examples/async"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// open serves the demo with chunks every `every`.
func open(t *testing.T, every time.Duration) *livetest.Page {
	h := live.NewHandler(func() live.View { return &async.View{Every: every} }, nil)
	return livetest.Open(t, h, "/async")
}

func state(p *livetest.Page) string { return strings.TrimSpace(p.Text("#state")) }

// until waits for #state to show want.
func until(p *livetest.Page, want string) {
	p.WaitFor(func(d *goquery.Document) bool { return strings.TrimSpace(d.Find("#state").Text()) == want })
}

// TestAsyncTasks: a task streams its chunks, then ends with a value, an
// error or a panic; the view shows each and carries on.
func TestAsyncTasks(t *testing.T) {
	tests := []struct {
		button, state, flash string
		chunks               int
	}{
		{"#start", "Done: ok", "Completed!", 5},
		{"#fail", "Failed: the service said no", "Task failed: the service said no", 2},
		{"#crash", "Failed: live: task panicked: the worker blew up", "Task failed: the worker blew up", 1},
	}
	for _, tt := range tests {
		t.Run(tt.button, func(t *testing.T) {
			p := open(t, time.Millisecond)
			p.Click(tt.button)
			until(p, tt.state)
			if got := p.Text("#flash"); got != tt.flash {
				t.Errorf("flash %q, want %q", got, tt.flash)
			}
			if got := p.Find("#messages li").Length(); got != tt.chunks {
				t.Errorf("%d chunks shown, want %d", got, tt.chunks)
			}
			p.Click("#start") // the view survived
			until(p, "Done: ok")
		})
	}
}

// TestAsyncStreamsWhileLoading: the page shows each chunk as it comes and
// stays responsive.
func TestAsyncStreamsWhileLoading(t *testing.T) {
	p := open(t, 5*time.Millisecond)
	p.Click("#start")
	if got := state(p); got != "Loading…" {
		t.Fatalf("#state shows %q once started", got)
	}
	p.WaitFor(func(d *goquery.Document) bool { return d.Find("#messages li").Length() >= 1 })
	if got := p.Find("#messages li").First().Text(); got != "Async work chunk 1" {
		t.Fatalf("first chunk %q", got)
	}
	until(p, "Done: ok")
}

// TestAsyncCancel: cancelling stops the task; its result never arrives.
func TestAsyncCancel(t *testing.T) {
	p := open(t, time.Hour)
	p.Click("#start")
	p.Click("#cancel")
	if got := state(p); got != "Idle" || p.Text("#flash") != "Cancelled" {
		t.Fatalf("after cancel: state %q, flash %q", got, p.Text("#flash"))
	}
	p.Click("#start") // a new task replaces nothing and runs
	if got := state(p); got != "Loading…" {
		t.Fatalf("a new task shows %q", got)
	}
}
