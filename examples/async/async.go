// Package async is the /async demo: a task a view starts, that streams its
// progress to the page, can be cancelled, and may fail or crash without
// taking the view down (shared/reference/async-work.txt).
package async

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// View is the page's state: the task's chunks so far, its state, and a
// flash message.
type View struct {
	Messages []string
	Task     live.Async[string]
	Flash    string
	Every    time.Duration // between chunks
}

// New returns the demo's view: a chunk a second, as in the article.
func New() live.View { return &View{Every: time.Second} }

// Render shows the page.
func (v *View) Render() templ.Component { return page(v) }

// chunk is a message the task streams to the view.
type chunk string

// work returns a task that streams n chunks, one every v.Every, then ends
// with end: a value, an error, or a panic.
func (v *View) work(n int, end func() (any, error)) live.Task {
	every := v.Every // the task must not touch the view: it runs elsewhere
	return func(ctx context.Context, send func(any) error) (any, error) {
		for i := 1; i <= n; i++ {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(every):
			}
			if err := send(chunk(fmt.Sprintf("Async work chunk %d", i))); err != nil {
				return nil, err
			}
		}
		return end()
	}
}

// HandleEvent starts and cancels the task.
func (v *View) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	var task live.Task
	switch e.Name {
	case "start":
		task = v.work(5, func() (any, error) { return "ok", nil })
	case "fail":
		task = v.work(2, func() (any, error) { return nil, errors.New("the service said no") })
	case "crash":
		task = v.work(1, func() (any, error) { panic("the worker blew up") })
	case "cancel":
		c.CancelAsync("running_task")
		v.Task, v.Flash = live.Async[string]{}, "Cancelled"
		return nil
	default:
		return live.ErrUnknownEvent
	}
	v.Messages, v.Flash = nil, ""
	v.Task.Start()
	c.StartAsync("running_task", task)
	return nil
}

// HandleInfo receives the task's chunks.
func (v *View) HandleInfo(_ context.Context, _ *live.Conn, msg any) error {
	if m, ok := msg.(chunk); ok {
		v.Messages = append(v.Messages, string(m))
	}
	return nil
}

// HandleAsync receives the task's result: ok, an error, or a panic.
func (v *View) HandleAsync(_ context.Context, _ *live.Conn, _ string, value any, err error) error {
	v.Task.Finish(value, err)
	var p *live.PanicError
	switch {
	case errors.As(err, &p):
		v.Flash = fmt.Sprintf("Task failed: %v", p.Value)
	case err != nil:
		v.Flash = "Task failed: " + err.Error()
	default:
		v.Flash = "Completed!"
	}
	return nil
}
