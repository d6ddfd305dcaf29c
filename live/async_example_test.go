package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
)

// Report builds a report in the background and shows its progress.
type Report struct {
	Progress []string
	Result   live.Async[string]
}

func (r *Report) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		switch {
		case r.Result.Loading:
			_, err := fmt.Fprintf(w, `<p>Building… %d steps done <button live-click="cancel">Cancel</button></p>`, len(r.Progress))
			return err
		case r.Result.Failed():
			_, err := fmt.Fprintf(w, `<p>Failed: %s</p>`, templ.EscapeString(r.Result.Err.Error()))
			return err
		default:
			_, err := fmt.Fprintf(w, `<p>%s</p><button live-click="build">Build</button>`, templ.EscapeString(r.Result.Value))
			return err
		}
	})
}

func (r *Report) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "build":
		r.Progress = nil
		r.Result.Start()
		c.StartAsync("report", func(ctx context.Context, send func(any) error) (any, error) {
			for _, step := range []string{"fetch", "sum", "format"} {
				select {
				case <-ctx.Done(): // cancelled, or the page was closed
					return nil, ctx.Err()
				case <-time.After(100 * time.Millisecond): // the work
				}
				if err := send(step); err != nil {
					return nil, err
				}
			}
			return "Total: 42", nil
		})
	case "cancel":
		c.CancelAsync("report")
		r.Result = live.Async[string]{}
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// HandleInfo receives the steps the task sends.
func (r *Report) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	r.Progress = append(r.Progress, msg.(string))
	return nil
}

// HandleAsync receives the task's result, on the view's goroutine.
func (r *Report) HandleAsync(ctx context.Context, c *live.Conn, name string, value any, err error) error {
	r.Result.Finish(value, err)
	return c.PlaySound("done") // declared by a live-sounds container of the page
}

func ExampleConn_StartAsync() {
	h := live.NewHandler(func() live.View { return &Report{} }, nil)
	defer h.Close() // ends every view, cancelling their tasks
}

func ExampleAsync() {
	var a live.Async[int]
	fmt.Println(a.Loading, a.OK, a.Failed())
	a.Start()
	fmt.Println(a.Loading, a.OK, a.Failed())
	a.Finish(42, nil)
	fmt.Println(a.Loading, a.OK, a.Failed(), a.Value)
	a.Start()
	a.Finish(nil, errors.New("timeout"))
	fmt.Println(a.Loading, a.OK, a.Failed(), a.Value, a.Err)
	// Output:
	// false false false
	// true false false
	// false true false 42
	// false false true 42 timeout
}

// A Toast view pushes an event to its page's hooks after the patch, and
// answers a hook's own events.
type Toast struct{ Saved int }

func (t *Toast) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<button live-click="save">Save</button><div id="toast" live-hook="Toast"></div><p>%d saved</p>`, t.Saved)
		return err
	})
}

func (t *Toast) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "save":
		t.Saved++
		// The hook's handleEvent("toast", ...) gets {"text":"Saved"}, and
		// window gets a "templive:toast" event.
		return c.Push("toast", map[string]string{"text": "Saved"})
	case "toast-size": // sent by the hook: this.pushEvent("toast-size", {...})
		return c.Reply(map[string]int{"saved": t.Saved})
	}
	return live.ErrUnknownEvent
}

func ExampleConn_Push() {
	h := live.NewHandler(func() live.View { return &Toast{} }, nil)
	defer h.Close()
}

// A Reminder view reminds its page a while after a click; the timer dies
// with the view.
type Reminder struct{ Due bool }

func (r *Reminder) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<button live-click="remind">Remind me</button><p>due: %t</p>`, r.Due)
		return err
	})
}

func (r *Reminder) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	c.SendAfter(5*time.Minute, "remind")
	return nil
}

func (r *Reminder) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	r.Due = msg == "remind"
	return c.PlaySound("bell")
}

func ExampleConn_SendAfter() {
	h := live.NewHandler(func() live.View { return &Reminder{} }, nil)
	defer h.Close()
}

func ExampleCommands_PlaySound() {
	// The server chooses the sound as it renders, from its state; the
	// browser plays it on the click, then sends the event.
	full := true
	sound := "click"
	if full {
		sound = "donk"
	}
	fmt.Println(js.PlaySound(sound).Send("inc"))
	// Output: [["play_sound",{"sound":"donk"}],["send",{"event":"inc"}]]
}
