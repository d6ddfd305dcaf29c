package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// crashView panics where its page's ?panic= says: in Mount on the GET
// ("mount-get") or on a live join ("mount-join"), in Render on the GET
// ("render-get"), and once live, on demand: in Render after the event
// "arm", in HandleEvent ("panic"), in HandleInfo after "send", in
// HandleAsync after "async", and in a task after "task" (which must not
// crash the view).
type crashView struct {
	where string
	armed bool
	count int
}

func (v *crashView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.where = r.URL.Query().Get("panic")
	if v.where == "mount-get" || v.where == "mount-join" && c.Connected() {
		panic("crash in Mount")
	}
	if v.where == "info-before-join" {
		return c.Send("crash") // handled once the page connects, before its join
	}
	return nil
}

func (v *crashView) Render() templ.Component {
	if v.armed || v.where == "render-get" {
		panic("crash in Render")
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="count">%d</p>`, v.count)
		return err
	})
}

func (v *crashView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		v.count++
	case "arm":
		v.armed = true
	case "panic":
		panic("crash in HandleEvent")
	case "send":
		return c.Send("crash")
	case "async":
		c.StartAsync("job", func(ctx context.Context, send func(any) error) (any, error) { return "crash", nil })
	case "task":
		c.StartAsync("job", func(ctx context.Context, send func(any) error) (any, error) { panic("crash in a task") })
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func (v *crashView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	if msg == "crash" {
		panic("crash in HandleInfo")
	}
	return nil
}

func (v *crashView) HandleAsync(ctx context.Context, c *live.Conn, name string, value any, err error) error {
	if value == "crash" {
		panic("crash in HandleAsync")
	}
	var pe *live.PanicError
	if errors.As(err, &pe) {
		v.count = -1 // shown: the view carried on
	}
	return nil
}

// serveView serves the views newView makes at /view and /other, as
// newServer serves testView.
func serveView(t *testing.T, newView func() live.View, opts *live.Options) *server {
	t.Helper()
	s := &server{logs: &logBuffer{}}
	if opts == nil {
		opts = &live.Options{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(s.logs, nil))
	}
	h := live.NewHandler(newView, opts)
	mux := http.NewServeMux()
	mux.Handle("/view", h)
	mux.Handle("/other", h)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); s.Close() })
	return s
}

var crashSecret = [][]byte{[]byte("the secret of every instance of the crash app")}

func newCrashServer(t *testing.T) *server {
	t.Helper()
	return serveView(t, func() live.View { return &crashView{} }, &live.Options{Secrets: crashSecret})
}

// wantCrashLogged checks that the panic was logged with its value and a
// stack through this file.
func wantCrashLogged(t *testing.T, s *server, value string) {
	t.Helper()
	waitUntil(t, "the panic to be logged", func() bool { return strings.Contains(s.logs.String(), value) })
	if logs := s.logs.String(); !strings.Contains(logs, "panicked") || !strings.Contains(logs, "crash_test.go") {
		t.Fatalf("panic %q not logged with its stack:\n%s", value, logs)
	}
}

func TestPanicOnGetIs500(t *testing.T) {
	for _, where := range []string{"mount-get", "render-get"} {
		t.Run(where, func(t *testing.T) {
			s := newCrashServer(t)
			resp, err := s.Client().Get(s.URL + "/view?panic=" + where)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusInternalServerError || strings.Contains(string(body), "crash") {
				t.Fatalf("GET: %s %q, want a 500 that shows nothing of the panic", resp.Status, body)
			}
			wantCrashLogged(t, s, "crash in")
			// The server carries on.
			s.page(t, "/view")
		})
	}
}

func TestPanicWhileLiveClosesWith1011AndRestarts(t *testing.T) {
	tests := []struct {
		name, events, logged string
	}{
		{"HandleEvent", `[1,1,"panic"]`, "crash in HandleEvent"},
		{"Render", `[1,1,"arm"]`, "crash in Render"},
		{"HandleInfo", `[1,1,"send"]`, "crash in HandleInfo"},
		{"HandleAsync", `[1,1,"async"]`, "crash in HandleAsync"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newCrashServer(t)
			_, tok := s.page(t, "/view")
			_, other := s.page(t, "/view")
			bystander, _ := s.join(t, "/view", other, 0)
			c, _ := s.join(t, "/view", tok, 0)
			c.send(`[1,1,"inc"]`)
			c.read()
			c.send(strings.Replace(tt.events, "[1,1,", "[1,2,", 1))
			err := c.readErr()
			if got := websocket.CloseStatus(err); got != websocket.StatusInternalError {
				t.Fatalf("close status %v (%v), want 1011", got, err)
			}
			if !strings.Contains(err.Error(), "view crashed") {
				t.Errorf("close reason %v, want \"view crashed\"", err)
			}
			wantCrashLogged(t, s, tt.logged)
			// The page rejoins a fresh view, mounted again: state from
			// before the crash is gone, the view works.
			c2, reply := s.join(t, "/view", tok, 1)
			if !strings.HasPrefix(reply, `[0,0,[[9,"",[],"\u003cp id=\"count\"\u003e0`) && !strings.HasPrefix(reply, `[0,0,[[9,"",[],"<p id=\"count\">0`) {
				t.Fatalf("rejoin after the crash: %s, want a fresh render", reply)
			}
			c2.send(`[1,3,"inc"]`)
			if got := c2.read(); got != `[0,3,[[0,"count",[0],"1"]]]` {
				t.Fatalf("event after the restart: %s", got)
			}
			// Another page never noticed.
			bystander.send(`[1,1,"inc"]`)
			if got := bystander.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
				t.Fatalf("another view after the crash: %s", got)
			}
		})
	}
}

func TestPanicInTaskDoesNotCrash(t *testing.T) {
	s := newCrashServer(t)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"task"]`)
	if got := c.read(); got != `[0,1]` {
		t.Fatalf("reply %s, want a bare ack", got)
	}
	if got, want := c.read(), `[1,[[0,"count",[0],"-1"]]]`; got != want {
		t.Fatalf("after the task's panic: %s, want %s (HandleAsync got a *PanicError)", got, want)
	}
	wantCrashLogged(t, s, "crash in a task")
}

// A Mount that panics whenever it runs on a live join: each join is closed
// with 1011 (the client backs off and gives up after a few, see
// js/src/socket.js), and the server and its other pages carry on.
func TestPanicInMountOnJoinCloses1011EveryTime(t *testing.T) {
	// The GET is served by one instance, the joins by another that shares
	// its secret, so every join mounts afresh, as after a restart.
	first := newCrashServer(t)
	s := newCrashServer(t)
	_, tok := first.page(t, "/view?panic=mount-join")
	_, other := s.page(t, "/view")
	bystander, _ := s.join(t, "/view", other, 0)
	for i := range 5 {
		c := s.dial(t, "/view?panic=mount-join")
		c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view?panic=mount-join","n":0,"f":[]}]`, tok, s.URL))
		err := c.readErr()
		if got := websocket.CloseStatus(err); got != websocket.StatusInternalError {
			t.Fatalf("join %d: close status %v (%v), want 1011", i+1, got, err)
		}
	}
	wantCrashLogged(t, s, "crash in Mount")
	if n := strings.Count(s.logs.String(), "crash in Mount"); n != 5 {
		t.Errorf("%d crashes logged, want 5", n)
	}
	bystander.send(`[1,1,"inc"]`)
	if got := bystander.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
		t.Fatalf("another view during the crash loop: %s", got)
	}
}

// A view that crashes on a message it handles before the page's join (sent
// during the GET) must still answer the join: with 1011, not silence.
func TestPanicBeforeJoinCloses1011(t *testing.T) {
	s := newCrashServer(t)
	_, tok := s.page(t, "/view?panic=info-before-join")
	c := s.dial(t, "/view?panic=info-before-join")
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0,"f":[]}]`, tok, s.URL))
	err := c.readErr()
	if got := websocket.CloseStatus(err); got != websocket.StatusInternalError {
		t.Fatalf("join: %v, want close 1011", err)
	}
	wantCrashLogged(t, s, "crash in HandleInfo")
}

// A connection quiet for longer than WriteTimeout still gets its close
// frame, with its status: the bound is on each write the view makes, not
// on the connection's idle life.
func TestCrashAfterAQuietSpellStillCloses1011(t *testing.T) {
	s := serveView(t, func() live.View { return &crashView{} }, &live.Options{Secrets: crashSecret, WriteTimeout: 50 * time.Millisecond})
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"inc"]`)
	c.read()
	time.Sleep(200 * time.Millisecond) // quiet, four write timeouts long
	c.send(`[1,2,"panic"]`)
	err := c.readErr()
	if got := websocket.CloseStatus(err); got != websocket.StatusInternalError {
		t.Fatalf("close status %v (%v), want 1011", got, err)
	}
}
