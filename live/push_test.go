package live_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// probe is a view whose callbacks a test supplies. It renders out.
type probe struct {
	out     string
	mount   func(v *probe, c *live.Conn) error
	onEvent func(v *probe, c *live.Conn, e live.Event) error
	onInfo  func(v *probe, c *live.Conn, msg any) error
	onAsync func(v *probe, c *live.Conn, name string, value any, err error) error
}

func (v *probe) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="out">%s</p>`, templ.EscapeString(v.out))
		return err
	})
}

func (v *probe) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	if v.mount != nil {
		return v.mount(v, c)
	}
	return nil
}

func (v *probe) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	if v.onEvent == nil {
		return live.ErrUnknownEvent
	}
	return v.onEvent(v, c, e)
}

func (v *probe) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	if v.onInfo == nil {
		return nil
	}
	return v.onInfo(v, c, msg)
}

func (v *probe) HandleAsync(ctx context.Context, c *live.Conn, name string, value any, err error) error {
	if v.onAsync == nil {
		return nil
	}
	return v.onAsync(v, c, name, value, err)
}

// probeServer serves views made by newView at /view and returns the
// server and its handler.
func probeServer(t testing.TB, newView func() live.View, opts *live.Options) (*server, *live.Handler) {
	t.Helper()
	s := &server{logs: &logBuffer{}}
	if opts == nil {
		opts = &live.Options{}
	}
	opts.Logger = slog.New(slog.NewTextHandler(s.logs, nil))
	h := live.NewHandler(newView, opts)
	mux := http.NewServeMux()
	mux.Handle("/view", h)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); s.Close() })
	return s, h
}

// joined GETs /view and joins it live, returning the client.
func (s *server) joined(t *testing.T) *client {
	t.Helper()
	_, tok := s.page(t, "/view")
	c, reply := s.join(t, "/view", tok, 0)
	if reply != `[0,0]` {
		t.Fatalf("join reply %s, want [0,0]", reply)
	}
	return c
}

// readN reads n frames.
func (c *client) readN(n int) []string {
	c.t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = c.read()
	}
	return out
}

func TestPushDelivery(t *testing.T) {
	tests := []struct {
		name  string
		event func(v *probe, c *live.Conn) error
		want  []string // frames after the event [1,1,"go"]
	}{
		{"after the patch", func(v *probe, c *live.Conn) error {
			v.out = "x"
			return c.Push("ding", map[string]int{"n": 1})
		}, []string{`[0,1,[[4,"out",[],0,"x"]]]`, `[5,"ding",{"n":1}]`}},
		{"before the patch", func(v *probe, c *live.Conn) error {
			v.out = "x"
			return c.PushBeforePatch("saving", nil)
		}, []string{`[5,"saving",null]`, `[0,1,[[4,"out",[],0,"x"]]]`}},
		{"both sides, in order, one frame each", func(v *probe, c *live.Conn) error {
			v.out = "x"
			c.Push("a", 1)
			c.PushBeforePatch("b", 2)
			c.Push("c", "three")
			return c.PushBeforePatch("d", []int{4})
		}, []string{`[5,"b",2,"d",[4]]`, `[0,1,[[4,"out",[],0,"x"]]]`, `[5,"a",1,"c","three"]`}},
		{"with nothing to patch", func(v *probe, c *live.Conn) error {
			return c.Push("ding", true)
		}, []string{`[0,1]`, `[5,"ding",true]`}},
		{"a sound", func(v *probe, c *live.Conn) error {
			return c.PlaySound("win")
		}, []string{`[0,1]`, `[5,"live:sound",{"name":"win"}]`}},
		{"text stays JSON-escaped", func(v *probe, c *live.Conn) error {
			return c.Push("</script>", "<b>\u2028")
		}, []string{`[0,1]`, `[5,"\u003c/script\u003e","\u003cb\u003e\u2028"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := probeServer(t, func() live.View {
				return &probe{onEvent: func(v *probe, c *live.Conn, e live.Event) error {
					if e.Name != "go" {
						return live.ErrUnknownEvent
					}
					return tt.event(v, c)
				}}
			}, nil)
			c := s.joined(t)
			c.send(`[1,1,"go"]`)
			got := c.readN(len(tt.want))
			for i := range tt.want {
				if got[i] != tt.want[i] {
					t.Fatalf("frames\n got %q\nwant %q", got, tt.want)
				}
			}
			// Nothing else was queued: the next event's reply comes next.
			c.send(`[1,2,"nothing"]`)
			if got := c.read(); !strings.HasPrefix(got, `[3,2,`) {
				t.Fatalf("after the pushes: %s, want the error reply to event 2", got)
			}
		})
	}
}

func TestPushBadInput(t *testing.T) {
	s, _ := probeServer(t, func() live.View {
		return &probe{onEvent: func(v *probe, c *live.Conn, e live.Event) error {
			switch e.Name {
			case "chan":
				return c.Push("x", make(chan int))
			case "reserved":
				return c.Push("live:sound", map[string]string{"name": "win"})
			case "empty":
				return c.Push("", 1)
			}
			return live.ErrUnknownEvent
		}}
	}, nil)
	c := s.joined(t)
	for i, tt := range []struct{ event, want string }{
		{"chan", `live: Push \"x\": json: unsupported type: chan int`},
		{"reserved", `live: Push \"live:sound\": names beginning with \"live:\" are reserved`},
		{"empty", `live: Push: empty event name`},
	} {
		c.send(fmt.Sprintf(`[1,%d,%q]`, i+1, tt.event))
		if got, want := c.read(), fmt.Sprintf(`[3,%d,"%s"]`, i+1, tt.want); got != want {
			t.Errorf("%s: got %s, want %s", tt.event, got, want)
		}
	}
}

// Pushes made while the page is not connected wait for it, in order: from
// Mount during the GET, and from messages handled before the page's live
// connection joins. At most 64 wait; the oldest are dropped.
func TestPushWaitsForTheConnection(t *testing.T) {
	for _, n := range []int{3, 70} {
		t.Run(fmt.Sprint(n, " messages"), func(t *testing.T) {
			conns := make(chan *live.Conn, 1)
			s, _ := probeServer(t, func() live.View {
				return &probe{
					mount: func(v *probe, c *live.Conn) error {
						conns <- c
						return c.Push("hello", "from Mount")
					},
					onInfo: func(v *probe, c *live.Conn, msg any) error {
						v.out = msg.(string)
						return c.Push("info", msg)
					},
				}
			}, &live.Options{MailboxSize: 128})
			_, tok := s.page(t, "/view")
			conn := <-conns
			// The view's loop starts with the join: these wait in its
			// mailbox and are handled before the join is.
			for i := range n {
				if err := conn.Send(fmt.Sprint("m", i)); err != nil {
					t.Fatal(err)
				}
			}
			c, reply := s.join(t, "/view", tok, 0)
			if want := fmt.Sprintf(`[0,0,[[4,"out",[],0,"m%d"]]]`, n-1); reply != want {
				t.Fatalf("join reply %s, want %s", reply, want)
			}
			var want strings.Builder
			want.WriteString(`[5`)
			if n+1 <= 64 {
				want.WriteString(`,"hello","from Mount"`)
			}
			for i := max(0, n-64); i < n; i++ { // the newest 64 of hello and m0...
				fmt.Fprintf(&want, `,"info","m%d"`, i)
			}
			want.WriteString(`]`)
			if got := c.read(); got != want.String() {
				t.Fatalf("pushes after the join:\n got %s\nwant %s", got, want.String())
			}
			if dropped := strings.Contains(s.logs.String(), "too many pushed events"); dropped != (n+1 > 64) {
				t.Errorf("warning about dropped pushes logged: %v, want %v", dropped, n+1 > 64)
			}
		})
	}
}

func TestReplyToHookEvent(t *testing.T) {
	s, _ := probeServer(t, func() live.View {
		return &probe{
			onEvent: func(v *probe, c *live.Conn, e live.Event) error {
				switch e.Name {
				case "ask":
					return c.Reply(map[string]any{"answer": 42, "to": e.Get("q")})
				case "ask-and-change":
					v.out = "changed"
					c.Reply("first")
					return c.Reply("second") // replaces the first
				case "ask-and-fail":
					c.Reply("lost")
					return fmt.Errorf("no answer")
				case "later":
					return c.Send("later")
				}
				return live.ErrUnknownEvent
			},
			onInfo: func(v *probe, c *live.Conn, msg any) error {
				if err := c.Reply("from info"); err != nil {
					v.out = err.Error()
				}
				return nil
			},
		}
	}, nil)
	c := s.joined(t)
	tests := []struct{ up, want string }{
		{`[1,1,"ask",{"q":"life"}]`, `[0,1,[],{"answer":42,"to":"life"}]`},
		{`[1,2,"ask-and-change"]`, `[0,2,[[4,"out",[],0,"changed"]],"second"]`},
		{`[1,3,"ask-and-fail"]`, `[3,3,"no answer"]`},
		{`[1,4,"ask",{"q":"again"}]`, `[0,4,[],{"answer":42,"to":"again"}]`},
		// The same event again (a resend after a drop): acked, not handled.
		{`[1,4,"ask",{"q":"again"}]`, `[0,4]`},
	}
	for _, tt := range tests {
		c.send(tt.up)
		if got := c.read(); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.up, got, tt.want)
		}
	}
	c.send(`[1,5,"later"]`)
	got := c.readN(2)
	if want := `[1,[[0,"out",[0],"live: Reply called outside HandleEvent"]]]`; got[1] != want {
		t.Fatalf("Reply from HandleInfo: %q, want %s", got, want)
	}
}
