package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

type spanKey struct{}

// recorder is an Observer that writes down what it hears, and marks the
// contexts it returns so that the test sees where they went.
type recorder struct {
	mu  sync.Mutex
	log []string
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	r.log = append(r.log, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// take returns what was heard since the last take.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.log
	r.log = nil
	return out
}

func (r *recorder) wait(t *testing.T, line string) {
	t.Helper()
	waitUntil(t, fmt.Sprintf("the Observer to hear %q", line), func() bool { return slices.Contains(r.lines(), line) })
}

func (r *recorder) observer() *live.Observer {
	return &live.Observer{
		Mount: func(ctx context.Context, route string) (context.Context, func(error)) {
			r.add("mount %s", route)
			return context.WithValue(ctx, spanKey{}, "mount"), func(err error) { r.add("mount end %v", err) }
		},
		Event: func(ctx context.Context, route, name string, received time.Time) (context.Context, func(error)) {
			if received.IsZero() || time.Since(received) < 0 {
				r.add("event %s: bad received time %v", name, received)
			}
			r.add("event %s %s", route, name)
			return context.WithValue(ctx, spanKey{}, "event "+name), func(err error) { r.add("event end %s %v", name, err) }
		},
		Render: func(ctx context.Context, route string) func(error) {
			r.add("render %s under %v", route, ctx.Value(spanKey{}))
			return func(err error) { r.add("render end %v", err) }
		},
		Diff: func(ctx context.Context, route string) func(int, error) {
			r.add("diff %s under %v", route, ctx.Value(spanKey{}))
			return func(n int, err error) { r.add("diff end %t %v", n > 0, err) }
		},
		Views:     func(route string, delta int) { r.add("views %s %+d", route, delta) },
		Resumed:   func(ctx context.Context, route string) { r.add("resumed %s", route) },
		Recovered: func(ctx context.Context, route string, forms int) { r.add("recovered %s %d", route, forms) },
		Crashed:   func(ctx context.Context, route string) { r.add("crashed %s", route) },
		Dropped:   func(ctx context.Context, route, reason string) { r.add("dropped %s %s", route, reason) },
	}
}

// spanView shows under which Observer context its Mount and its last
// event ran.
type spanView struct{ mounted, handled any }

func (v *spanView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.mounted = ctx.Value(spanKey{})
	return nil
}

func (v *spanView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="m">%v</p><p id="e">%v</p>`, v.mounted, v.handled)
		return err
	})
}

func (v *spanView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "panic":
		panic("crash in HandleEvent")
	case "flood":
		for range 3 {
			c.Send("hello") // the mailbox holds 1
		}
	case "nope":
		return live.ErrUnknownEvent
	}
	v.handled = ctx.Value(spanKey{})
	return nil
}

func (v *spanView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error { return nil }

func wantLines(t *testing.T, step string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: the Observer heard\n\t%s\nwant\n\t%s", step, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestObserverHearsAPageLife follows one page through its GET, join,
// events, a resume and a crash, and checks what the Observer hears, in
// order, and that the contexts it returns reach Mount, HandleEvent and
// the event's render and diff.
func TestObserverHearsAPageLife(t *testing.T) {
	rec := &recorder{}
	s := serveView(t, func() live.View { return &spanView{} }, &live.Options{Observer: rec.observer(), MailboxSize: 1})

	body, tok := s.page(t, "/view")
	if !strings.Contains(body, `<p id="m">mount</p>`) {
		t.Errorf("Mount did not get the Observer's context:\n%s", body)
	}
	wantLines(t, "GET", rec.take(), []string{"mount /view", "mount end <nil>", "render /view under <nil>", "render end <nil>"})

	c, _ := s.join(t, "/view", tok, 0)
	wantLines(t, "join", rec.take(), []string{"views /view +1", "render /view under <nil>", "render end <nil>", "diff /view under <nil>", "diff end false <nil>"})

	c.send(`[1,1,"inc"]`)
	if got := c.read(); !strings.HasPrefix(got, `[0,1,`) || !strings.Contains(got, `"event inc"`) {
		t.Errorf("reply %s: HandleEvent did not get the Observer's context", got)
	}
	wantLines(t, "event", rec.take(), []string{"event /view inc", "render /view under event inc", "render end <nil>", "diff /view under event inc", "diff end true <nil>", "event end inc <nil>"})

	c.send(`[1,2,"nope"]`)
	c.read()
	wantLines(t, "unknown event", rec.take(), []string{"event /view nope", "render /view under event nope", "render end <nil>", "diff /view under event nope", "diff end false <nil>", "event end nope live: unknown event"})

	c.send(`[1,3,"flood"]`)
	c.read()
	rec.wait(t, "dropped /view mailbox full")

	c.ws.CloseNow()
	c2, _ := s.join(t, "/view", tok, 2)
	rec.wait(t, "resumed /view")
	rec.take()

	c2.send(`[1,4,"panic"]`)
	c2.readErr()
	rec.wait(t, "views /view -1")
	got := rec.take()
	for _, want := range []string{"event /view panic", "event end panic live: panicked", "crashed /view", "views /view -1"} {
		if !slices.Contains(got, want) {
			t.Errorf("crash: the Observer did not hear %q; heard\n\t%s", want, strings.Join(got, "\n\t"))
		}
	}
}

// A page whose view was lost rejoins another instance, which mounts
// afresh and replays its forms: Recovered, with the count of forms.
func TestObserverHearsFormRecovery(t *testing.T) {
	first := newCrashServer(t)
	rec := &recorder{}
	s := serveView(t, func() live.View { return &crashView{} }, &live.Options{Secrets: crashSecret, Observer: rec.observer()})
	_, tok := first.page(t, "/view")
	c := s.dial(t, "/view")
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0,"f":[["f1","inc",{}],["f2","inc",{}]]}]`, tok, s.URL))
	if got := c.read(); !strings.Contains(got, `>2<`) {
		t.Fatalf("join after recovery: %s, want both forms replayed", got)
	}
	rec.wait(t, "recovered /view 2")
}

// Pushes beyond the 64 kept for a page that is away are dropped, and the
// Observer hears each.
func TestObserverHearsPushOverflow(t *testing.T) {
	rec := &recorder{}
	s := serveView(t, func() live.View { return &pushyView{n: 66} }, &live.Options{Observer: rec.observer()})
	s.page(t, "/view")
	got := 0
	for _, l := range rec.lines() {
		if l == "dropped /view push overflow" {
			got++
		}
	}
	if got != 2 {
		t.Errorf("heard %d push overflows, want 2 (66 pushes, 64 kept)", got)
	}
}

// pushyView pushes n events in Mount, before its page can connect.
type pushyView struct{ n int }

func (v *pushyView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	for i := range v.n {
		if err := c.Push("tick", i); err != nil {
			return err
		}
	}
	return nil
}

func (v *pushyView) Render() templ.Component { return templ.Raw(`<p>pushy</p>`) }

// Frames over the rate limit are dropped, and the Observer hears each.
func TestObserverHearsRateLimitedFrames(t *testing.T) {
	rec := &recorder{}
	s := serveView(t, func() live.View { return &crashView{} }, &live.Options{Observer: rec.observer(), EventRate: 0.001, EventBurst: 1})
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"inc"]`)
	c.read()
	c.send(`[1,2,"inc"]`)
	if got := c.read(); got != `[3,2,"rate limited"]` {
		t.Fatalf("second frame: %s, want it rate limited", got)
	}
	rec.wait(t, "dropped /view rate limited")
}
