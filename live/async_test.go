package live_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/templive/templive/live"
)

// asyncProbe returns a view that starts task as "job" on the event "start",
// cancels it on "cancel", shows every message and result in out, and
// reports each HandleAsync to results.
func asyncProbe(task live.Task, results chan<- error) func() live.View {
	return func() live.View {
		return &probe{
			onEvent: func(v *probe, c *live.Conn, e live.Event) error {
				switch e.Name {
				case "start":
					c.StartAsync("job", task)
				case "cancel":
					v.out = fmt.Sprint("cancelled:", c.CancelAsync("job"))
				case "ping":
				default:
					return live.ErrUnknownEvent
				}
				return nil
			},
			onInfo: func(v *probe, c *live.Conn, msg any) error {
				v.out += fmt.Sprint(msg)
				return nil
			},
			onAsync: func(v *probe, c *live.Conn, name string, value any, err error) error {
				v.out = fmt.Sprintf("%s: %v %v", name, value, err)
				if results != nil {
					results <- err
				}
				return nil
			},
		}
	}
}

func TestAsyncResult(t *testing.T) {
	tests := []struct {
		name string
		task live.Task
		want string // the text of #out once HandleAsync ran
	}{
		{"ok", func(ctx context.Context, send func(any) error) (any, error) { return 42, nil }, "job: 42 <nil>"},
		{"error", func(ctx context.Context, send func(any) error) (any, error) {
			return nil, errors.New("no luck")
		}, "job: <nil> no luck"},
		{"panic", func(ctx context.Context, send func(any) error) (any, error) { panic("kaboom") }, "job: <nil> live: task panicked: kaboom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := make(chan error, 1)
			s, _ := probeServer(t, asyncProbe(tt.task, results), nil)
			c := s.joined(t)
			c.send(`[1,1,"start"]`)
			if got := c.read(); got != `[0,1]` {
				t.Fatalf("start: %s", got)
			}
			if got, want := c.read(), fmt.Sprintf(`[1,[[4,"out",[],0,%q]]]`, tt.want); got != want {
				t.Fatalf("after the task: %s, want %s", got, want)
			}
			err := <-results
			if tt.name == "panic" {
				var pe *live.PanicError
				if !errors.As(err, &pe) || pe.Value != "kaboom" || !strings.Contains(string(pe.Stack), "async_test.go") {
					t.Fatalf("HandleAsync got %v, want a *PanicError with the task's stack", err)
				}
				if logs := s.logs.String(); !strings.Contains(logs, "task panicked") || !strings.Contains(logs, "kaboom") {
					t.Errorf("the panic was not logged:\n%s", logs)
				}
			}
			// The view carries on.
			c.send(`[1,2,"ping"]`)
			if got := c.read(); got != `[0,2]` {
				t.Fatalf("after the task: %s", got)
			}
		})
	}
}

// A task streams messages to its view, in order, before its result.
func TestAsyncStreams(t *testing.T) {
	s, _ := probeServer(t, asyncProbe(func(ctx context.Context, send func(any) error) (any, error) {
		for _, chunk := range []string{"a", "b", "c"} {
			if err := send(chunk); err != nil {
				return nil, err
			}
		}
		return "done", nil
	}, nil), nil)
	c := s.joined(t)
	c.send(`[1,1,"start"]`)
	var texts []string
	for !strings.HasPrefix(lastOf(texts), "job:") {
		f := c.read()
		if i := strings.LastIndex(f, `,"`); i >= 0 && strings.HasPrefix(f, "[1,") {
			texts = append(texts, strings.TrimSuffix(f[i+2:], `"]]]`))
		}
	}
	// Chunks that arrive faster than the page is patched are coalesced
	// into one render: the page shows an ordered subsequence of the states
	// and always the last.
	states := []string{"a", "ab", "abc", "job: done <nil>"}
	i := 0
	for _, got := range texts {
		for i < len(states) && states[i] != got {
			i++
		}
		if i == len(states) {
			t.Fatalf("#out went through %q: not an ordered subsequence of %q", texts, states)
		}
	}
	if lastOf(texts) != "job: done <nil>" {
		t.Fatalf("#out went through %q", texts)
	}
}

func lastOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

// blockingTask returns a task that says when it starts and when its
// context is done, and never returns before.
func blockingTask(started chan<- struct{}, ended chan<- error) live.Task {
	return func(ctx context.Context, send func(any) error) (any, error) {
		started <- struct{}{}
		<-ctx.Done()
		// What a cancelled task sends or returns never reaches the view.
		sendErr := send("too late")
		ended <- sendErr
		return "too late", nil
	}
}

func TestAsyncCancel(t *testing.T) {
	started, ended := make(chan struct{}, 2), make(chan error, 2)
	results := make(chan error, 2)
	s, _ := probeServer(t, asyncProbe(blockingTask(started, ended), results), nil)
	c := s.joined(t)
	c.send(`[1,1,"start"]`)
	c.read()
	<-started
	c.send(`[1,2,"cancel"]`)
	if got := c.read(); got != `[0,2,[[4,"out",[],0,"cancelled:true"]]]` {
		t.Fatalf("cancel: %s", got)
	}
	if err := wait(t, ended); !errors.Is(err, context.Canceled) {
		t.Fatalf("send after cancel returned %v, want context.Canceled", err)
	}
	c.send(`[1,3,"cancel"]`) // nothing runs any more
	if got := c.read(); got != `[0,3,[[0,"out",[0],"cancelled:false"]]]` {
		t.Fatalf("second cancel: %s", got)
	}
	select {
	case err := <-results:
		t.Fatalf("HandleAsync ran for a cancelled task: %v", err)
	default:
	}
}

// Starting a task under the name of a running one cancels the old one.
func TestAsyncRestartReplaces(t *testing.T) {
	started, ended := make(chan struct{}, 2), make(chan error, 2)
	s, _ := probeServer(t, asyncProbe(blockingTask(started, ended), nil), nil)
	c := s.joined(t)
	c.send(`[1,1,"start"]`)
	c.read()
	<-started
	c.send(`[1,2,"start"]`)
	c.read()
	<-started
	if err := wait(t, ended); !errors.Is(err, context.Canceled) {
		t.Fatalf("the first run's send returned %v, want context.Canceled", err)
	}
	c.send(`[1,3,"cancel"]`) // the second run is the one running
	if got := c.read(); got != `[0,3,[[4,"out",[],0,"cancelled:true"]]]` {
		t.Fatalf("cancel: %s", got)
	}
	wait(t, ended)
}

// A task that never returns by itself is cancelled when its view ends: the
// handler closes, or the page goes away and does not come back in time.
func TestAsyncEndsWithView(t *testing.T) {
	for _, tt := range []struct {
		name string
		end  func(h *live.Handler, c *client)
	}{
		{"handler closed", func(h *live.Handler, c *client) { h.Close() }},
		{"page gone", func(h *live.Handler, c *client) { c.ws.CloseNow() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			started, ended := make(chan struct{}, 1), make(chan error, 1)
			s, h := probeServer(t, asyncProbe(blockingTask(started, ended), nil), &live.Options{ResumeTimeout: 20 * time.Millisecond})
			c := s.joined(t)
			c.send(`[1,1,"start"]`)
			c.read()
			<-started
			tt.end(h, c)
			if err := wait(t, ended); err == nil {
				t.Fatal("a task's send succeeded after its view ended")
			}
		})
	}
}

func wait[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out")
		panic("unreachable")
	}
}

func TestSendAfter(t *testing.T) {
	stops := make(chan func() bool, 1)
	s, h := probeServer(t, func() live.View {
		return &probe{
			onEvent: func(v *probe, c *live.Conn, e live.Event) error {
				switch e.Name {
				case "soon":
					c.SendAfter(50*time.Millisecond, "ding")
				case "never":
					stop := c.SendAfter(time.Hour, "never")
					if !stop() {
						return errors.New("stop reported the timer had fired")
					}
					if stop() {
						return errors.New("a second stop reported stopping it again")
					}
				case "hour":
					stops <- c.SendAfter(time.Hour, "after the view")
				default:
					return live.ErrUnknownEvent
				}
				return nil
			},
			onInfo: func(v *probe, c *live.Conn, msg any) error {
				v.out += fmt.Sprint(msg)
				return c.PlaySound("win")
			},
		}
	}, nil)
	c := s.joined(t)
	c.send(`[1,1,"never"]`)
	if got := c.read(); got != `[0,1]` {
		t.Fatalf("never: %s", got)
	}
	start := time.Now()
	c.send(`[1,2,"soon"]`)
	c.read()
	if got, want := c.readN(2), []string{`[1,[[4,"out",[],0,"ding"]]]`, `[5,"live:sound",{"name":"win"}]`}; got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("after the timer: %q, want %q", got, want)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("the message came after %v, before its time", d)
	}
	c.send(`[1,3,"hour"]`)
	c.read()
	stop := <-stops
	h.Close() // the view ends, and its timer with it
	if stop() {
		t.Fatal("the timer outlived its view")
	}
}

func TestAsyncState(t *testing.T) {
	var a live.Async[int]
	if a.Loading || a.OK || a.Failed() {
		t.Fatalf("zero Async: %+v, want idle", a)
	}
	a.Start()
	if !a.Loading || a.OK {
		t.Fatalf("after Start: %+v", a)
	}
	a.Finish(7, nil)
	if a.Loading || !a.OK || a.Value != 7 || a.Failed() {
		t.Fatalf("after Finish(7, nil): %+v", a)
	}
	a.Start()
	a.Finish(nil, errors.New("down"))
	if a.Loading || a.OK || a.Value != 7 || !a.Failed() || a.Err.Error() != "down" {
		t.Fatalf("after a failure: %+v, want the last value kept and the error", a)
	}
	a.Finish("seven", nil)
	if a.OK || a.Err == nil || !strings.Contains(a.Err.Error(), "task value is string, want int") {
		t.Fatalf("after a value of the wrong type: %+v", a)
	}
	a.Finish(nil, nil)
	if !a.OK || a.Value != 0 {
		t.Fatalf("after Finish(nil, nil): %+v", a)
	}
}
