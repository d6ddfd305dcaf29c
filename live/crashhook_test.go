package live_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// crashHookServer serves crashView with an OnCrash that hands each report
// to the returned channel.
func crashHookServer(t *testing.T) (*server, chan live.Crash) {
	t.Helper()
	crashes := make(chan live.Crash, 16)
	s := serveView(t, func() live.View { return &crashView{} }, &live.Options{
		Secrets: crashSecret,
		OnCrash: func(c live.Crash) { crashes <- c },
		// Set, so that its spans' ends, which see the panic go by, are
		// checked to keep the panic's stack whole.
		Observer: (&recorder{}).observer(),
	})
	return s, crashes
}

func nextCrash(t *testing.T, crashes chan live.Crash) live.Crash {
	t.Helper()
	select {
	case c := <-crashes:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("OnCrash was not called")
		return live.Crash{}
	}
}

func TestOnCrashHearsEveryPanic(t *testing.T) {
	tests := []struct {
		name   string
		run    func(t *testing.T, s *server)
		want   live.Crash // Value as a string; Stack checked apart
		closed bool       // the page's connection ends with 1011
	}{
		{"Mount on the GET", func(t *testing.T, s *server) { get(t, s, "/view?panic=mount-get") },
			live.Crash{Path: "/view", During: "mount", Value: "crash in Mount"}, false},
		{"Render on the GET", func(t *testing.T, s *server) { get(t, s, "/view?panic=render-get") },
			live.Crash{Path: "/view", During: "render", Value: "crash in Render"}, false},
		{"HandleEvent", eventThen(`[1,2,"panic"]`), live.Crash{Path: "/view", During: "event", Event: "panic", Value: "crash in HandleEvent"}, true},
		{"Render after an event", eventThen(`[1,2,"arm"]`), live.Crash{Path: "/view", During: "event", Event: "arm", Value: "crash in Render"}, true},
		{"HandleInfo", eventThen(`[1,2,"send"]`), live.Crash{Path: "/view", During: "message", Value: "crash in HandleInfo"}, true},
		{"HandleAsync", eventThen(`[1,2,"async"]`), live.Crash{Path: "/view", During: "message", Value: "crash in HandleAsync"}, true},
		{"a task", eventThen(`[1,2,"task"]`), live.Crash{Path: "/view", During: "task", Value: "crash in a task"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, crashes := crashHookServer(t)
			tt.run(t, s)
			got := nextCrash(t, crashes)
			if !strings.Contains(string(got.Stack), "crash_test.go") {
				t.Errorf("Stack does not reach the panic in crash_test.go:\n%s", got.Stack)
			}
			if got.Route != "/view" {
				t.Errorf("Route = %q, want the ServeMux pattern /view", got.Route)
			}
			if got.View != "*live_test.crashView" {
				t.Errorf("View = %q, want *live_test.crashView", got.View)
			}
			if got.Path != tt.want.Path || got.During != tt.want.During || got.Event != tt.want.Event || fmt.Sprint(got.Value) != tt.want.Value {
				t.Errorf("Crash = %+v, want %+v", got, tt.want)
			}
			select {
			case more := <-crashes:
				t.Errorf("a second report for one panic: %+v", more)
			case <-time.After(50 * time.Millisecond):
			}
		})
	}
}

// eventThen joins a page, clicks once, then sends frame.
func eventThen(frame string) func(t *testing.T, s *server) {
	return func(t *testing.T, s *server) {
		_, tok := s.page(t, "/view")
		c, _ := s.join(t, "/view", tok, 0)
		c.send(`[1,1,"inc"]`)
		c.read()
		c.send(frame)
	}
}

// A Mount that panics on a live join is reported with During "mount".
func TestOnCrashHearsMountOnJoin(t *testing.T) {
	first := newCrashServer(t)
	s, crashes := crashHookServer(t)
	_, tok := first.page(t, "/view?panic=mount-join")
	c := s.dial(t, "/view?panic=mount-join")
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view?panic=mount-join","n":0,"f":[]}]`, tok, s.URL))
	if err := c.readErr(); websocket.CloseStatus(err) != websocket.StatusInternalError {
		t.Fatalf("join: %v, want close 1011", err)
	}
	if got := nextCrash(t, crashes); got.During != "mount" || fmt.Sprint(got.Value) != "crash in Mount" {
		t.Fatalf("Crash = %+v, want the Mount's", got)
	}
}

// A reporter that hangs (an error tracker that does not answer) or panics
// holds up neither the crashed page's rejoin nor any other view: reports
// run on their own goroutines, and a crash storm past their bound is only
// logged.
func TestOnCrashNeverHoldsUpViews(t *testing.T) {
	release := make(chan struct{})
	calls := make(chan struct{}, 64)
	s := serveView(t, func() live.View { return &crashView{} }, &live.Options{
		Secrets: crashSecret,
		OnCrash: func(c live.Crash) {
			calls <- struct{}{}
			if c.Event == "panic" {
				<-release
			} else {
				panic("the reporter itself is broken")
			}
		},
	})
	t.Cleanup(func() { close(release) })
	// A reporter that panics is recovered and logged.
	if status, _ := get(t, s, "/view?panic=render-get"); status != 500 {
		t.Fatalf("GET with a panicking Render: %d", status)
	}
	waitUntil(t, "the reporter's panic to be logged", func() bool {
		return strings.Contains(s.logs.String(), "OnCrash panicked") && strings.Contains(s.logs.String(), "the reporter itself is broken")
	})
	const crashes = 20 // over the 16 reports that may run at once
	for i := range crashes {
		_, tok := s.page(t, "/view")
		c, _ := s.join(t, "/view", tok, 0)
		c.send(`[1,1,"panic"]`)
		if err := c.readErr(); websocket.CloseStatus(err) != websocket.StatusInternalError {
			t.Fatalf("crash %d: %v, want close 1011", i, err)
		}
		// The page rejoins its fresh view and works, though every
		// report so far still hangs.
		c2, _ := s.join(t, "/view", tok, 1)
		c2.send(`[1,2,"inc"]`)
		if got := c2.read(); got != `[0,2,[[0,"count",[0],"1"]]]` {
			t.Fatalf("crash %d: the view after the crash answered %s", i, got)
		}
	}
	waitUntil(t, "the reports past the bound to be dropped", func() bool {
		return strings.Count(s.logs.String(), "crash report dropped") == crashes-16
	})
	if n := len(calls); n != 1+16 {
		t.Errorf("OnCrash called %d times (one panicked, then 16 hung), want 17", n)
	}
}
