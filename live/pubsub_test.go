package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// note is what the room views say to each other.
type note struct {
	From string
	Seq  int
	Text string
}

// roomView subscribes to its room once live, says what it is told to, and
// lists what it hears. It checks that each sender's notes arrive in order.
type roomView struct {
	room     live.Topic[note]
	heard    []string
	last     map[string]int
	disorder bool
	block    chan struct{} // HandleInfo of "block" waits on it
	blocked  chan struct{}
}

func (v *roomView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	return v.room.Subscribe(c) // waits for the live connection
}

func (v *roomView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, `<ul id="heard">`)
		for _, h := range v.heard {
			fmt.Fprintf(w, `<li>%s</li>`, templ.EscapeString(h))
		}
		_, err := fmt.Fprintf(w, `</ul><p id="order">%v</p>`, !v.disorder)
		return err
	})
}

func (v *roomView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "say":
		return v.room.Publish(ctx, c.PubSub(), note{Text: e.Get("text")})
	case "subscribe":
		return v.room.Subscribe(c)
	case "leave":
		v.room.Unsubscribe(c)
	case "panic":
		panic("boom")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func (v *roomView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	n, ok := msg.(note)
	if !ok {
		return fmt.Errorf("unexpected %T", msg)
	}
	if n.Text == "block" {
		v.blocked <- struct{}{}
		<-v.block
	}
	if n.From != "" {
		if v.last == nil {
			v.last = map[string]int{}
		}
		if n.Seq != v.last[n.From]+1 {
			v.disorder = true
		}
		v.last[n.From] = n.Seq
	}
	v.heard = append(v.heard, n.Text)
	return nil
}

// countingPubSub counts its live subscriptions.
type countingPubSub struct {
	live.PubSub
	active atomic.Int32
}

func (p *countingPubSub) Subscribe(topic string, fn func([]byte)) (func(), error) {
	unsub, err := p.PubSub.Subscribe(topic, fn)
	if err != nil {
		return nil, err
	}
	p.active.Add(1)
	return sync.OnceFunc(func() { p.active.Add(-1); unsub() }), nil
}

// waitCount polls n until it is want.
func waitCount(t *testing.T, what string, n func() int32, want int32) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for n() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s = %d, want %d", what, n(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var lobby = live.NewTopic[note]("room:lobby")

// newRoomServer serves room views on /a and /b, with opts shared by both
// handlers (so with one PubSub if opts sets one).
func newRoomServer(t *testing.T, opts *live.Options, block chan struct{}) (*server, chan struct{}) {
	t.Helper()
	s := &server{logs: &logBuffer{}}
	if opts == nil {
		opts = &live.Options{}
	}
	opts.Logger = slog.New(slog.NewTextHandler(s.logs, nil))
	blocked := make(chan struct{}, 1)
	newView := func() live.View { return &roomView{room: lobby, block: block, blocked: blocked} }
	a, b := live.NewHandler(newView, opts), live.NewHandler(newView, opts)
	mux := http.NewServeMux()
	mux.Handle("/a", a)
	mux.Handle("/b", b)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(func() { a.Close(); b.Close(); s.Close() })
	return s, blocked
}

// open loads path and joins it live.
func (s *server) open(t *testing.T, path string) *client {
	t.Helper()
	_, tok := s.page(t, path)
	c, reply := s.join(t, path, tok, 0)
	if reply != `[0,0]` {
		t.Fatalf("join %s: %s", path, reply)
	}
	return c
}

// readUntil reads frames until one contains want, and returns it.
func (c *client) readUntil(want string) string {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if f := c.read(); strings.Contains(f, want) {
			return f
		}
	}
	c.t.Fatalf("no frame containing %s", want)
	return ""
}

func TestBroadcastReachesEveryView(t *testing.T) {
	ps := live.NewLocalPubSub()
	s, _ := newRoomServer(t, &live.Options{PubSub: ps}, nil)
	a1, a2, b := s.open(t, "/a"), s.open(t, "/a"), s.open(t, "/b")

	// From a view: every view hears it, the sender too, on either route.
	a1.send(`[1,1,"say",{"text":"hello \u003cb\u003e"}]`)
	if got := a1.read(); got != `[0,1]` {
		t.Fatalf("say reply %s, want a bare ack (the view changes when it hears itself)", got)
	}
	for name, c := range map[string]*client{"a1": a1, "a2": a2, "b": b} {
		if got, want := c.read(), `[1,[[3,"heard",[],0,"<li>hello &lt;b&gt;</li>"]]]`; got != want {
			t.Errorf("%s got %s, want %s", name, got, want)
		}
	}

	// From outside any view: a background job.
	if err := lobby.Publish(context.Background(), ps, note{Text: "from a job"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client{a1, a2, b} {
		c.readUntil("from a job")
	}
}

func TestMessagesReachAViewWhileItsPageIsAway(t *testing.T) {
	ps := live.NewLocalPubSub()
	s, _ := newRoomServer(t, &live.Options{PubSub: ps}, nil)
	_, tok := s.page(t, "/a")
	c, _ := s.join(t, "/a", tok, 0)
	c.ws.CloseNow() // the network drops; the view waits to be resumed
	lobby.Publish(context.Background(), ps, note{Text: "while away"})
	// The page comes back: the view heard the note meanwhile, and the
	// resumed page is brought up to date.
	_, reply := s.join(t, "/a", tok, 0)
	if !strings.Contains(reply, "<li>while away</li>") {
		t.Fatalf("resume reply %s lacks the note published while away", reply)
	}
}

func TestHandlersWithoutSharedPubSubDoNotHear(t *testing.T) {
	s, _ := newRoomServer(t, nil, nil) // each handler gets its own PubSub
	a, b := s.open(t, "/a"), s.open(t, "/b")
	a.send(`[1,1,"say",{"text":"only a"}]`)
	a.read()
	a.readUntil("only a")
	// Were the PubSub shared, b would have "only a" in its mailbox before
	// anything it says itself.
	b.send(`[1,1,"say",{"text":"only b"}]`)
	b.read()
	if got := b.read(); strings.Contains(got, "only a") || !strings.Contains(got, "only b") {
		t.Fatalf("b heard %s, want only its own note", got)
	}
}

func TestMessagesFromOneSenderArriveInOrder(t *testing.T) {
	ps := live.NewLocalPubSub()
	s, _ := newRoomServer(t, &live.Options{PubSub: ps, MailboxSize: 256}, nil)
	c := s.open(t, "/a")
	var wg sync.WaitGroup
	for _, from := range []string{"x", "y", "z"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= 40; i++ {
				if err := lobby.Publish(context.Background(), ps, note{From: from, Seq: i, Text: fmt.Sprint(from, i)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	lobby.Publish(context.Background(), ps, note{Text: "end"})
	c.readUntil("end")
	c.send(`[3]`) // a resync shows the whole view
	got := c.read()
	if !strings.Contains(got, `<p id=\"order\">true</p>`) || strings.Count(got, "<li>") != 121 {
		t.Fatalf("view after 3×40 notes and an end: %s", got)
	}
}

func TestSubscriptionsEndWithTheView(t *testing.T) {
	ps := &countingPubSub{PubSub: live.NewLocalPubSub()}
	s, _ := newRoomServer(t, &live.Options{PubSub: ps, ResumeTimeout: 50 * time.Millisecond}, nil)
	active := func() int32 { return ps.active.Load() }

	_, tok := s.page(t, "/a")
	if active() != 0 {
		t.Fatal("the plain GET subscribed")
	}
	c, _ := s.join(t, "/a", tok, 0)
	waitCount(t, "subscriptions once live", active, 1)
	c.send(`[1,1,"subscribe"]`) // the same topic again: no second subscription
	c.read()
	if active() != 1 {
		t.Fatalf("subscriptions after subscribing twice = %d, want 1", active())
	}

	t.Run("Unsubscribe", func(t *testing.T) {
		c.send(`[1,2,"leave"]`)
		c.read()
		waitCount(t, "subscriptions after leave", active, 0)
		c.send(`[1,3,"subscribe"]`)
		c.read()
		waitCount(t, "subscriptions after subscribing again", active, 1)
	})
	t.Run("connection gone for good", func(t *testing.T) {
		c.ws.CloseNow()
		waitCount(t, "subscriptions after the resume timeout", active, 0)
	})
	t.Run("view crashed", func(t *testing.T) {
		c := s.open(t, "/a")
		waitCount(t, "subscriptions", active, 1)
		c.send(`[1,1,"panic"]`)
		c.readErr()
		waitCount(t, "subscriptions after the crash", active, 0)
	})
}

func TestHandlerCloseEndsSubscriptions(t *testing.T) {
	ps := &countingPubSub{PubSub: live.NewLocalPubSub()}
	h := live.NewHandler(func() live.View { return &roomView{room: lobby} }, &live.Options{PubSub: ps, Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(h)
	defer srv.Close()
	s := &server{Server: srv, logs: &logBuffer{}}
	s.open(t, "/")
	s.open(t, "/")
	waitCount(t, "subscriptions", ps.active.Load, 2)
	h.Close()
	waitCount(t, "subscriptions after Handler.Close", ps.active.Load, 0)
}

// picky refuses to decode the word "boom", with a panic.
type picky struct{ Text string }

func (p *picky) UnmarshalJSON(b []byte) error {
	if strings.Contains(string(b), "boom") {
		panic("picky: boom")
	}
	var v struct{ Text string }
	err := json.Unmarshal(b, &v)
	p.Text = v.Text
	return err
}

// pickyView hears picky messages.
type pickyView struct{ heard []string }

func (v *pickyView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	if err := lobby.Subscribe(c); err != nil {
		return err
	}
	return live.NewTopic[picky]("picky").Subscribe(c)
}

func (v *pickyView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="heard">%s</p>`, templ.EscapeString(strings.Join(v.heard, ",")))
		return err
	})
}

func (v *pickyView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	switch m := msg.(type) {
	case note:
		v.heard = append(v.heard, m.Text)
	case picky:
		v.heard = append(v.heard, "picky "+m.Text)
	}
	return nil
}

func TestUndecodableMessageIsLoggedAndDropped(t *testing.T) {
	ps := live.NewLocalPubSub()
	logs := &logBuffer{}
	h := live.NewHandler(func() live.View { return &pickyView{} }, &live.Options{PubSub: ps, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	s := &server{Server: srv, logs: logs}
	c := s.open(t, "/")
	ctx := context.Background()

	tests := []struct {
		name, topic, payload, log string
	}{
		{"not JSON", "room:lobby", `{"Text":`, "unexpected end of JSON input"},
		{"wrong type", "room:lobby", `{"Text":42}`, "cannot unmarshal number"},
		{"not an object", "room:lobby", `"hi"`, "cannot unmarshal string"},
		{"decoder panics", "picky", `{"Text":"boom"}`, "picky: boom"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ps.Publish(ctx, tt.topic, []byte(tt.payload)); err != nil {
				t.Fatal(err)
			}
			// The next good message still arrives, and the view has
			// heard nothing else.
			good := fmt.Sprint("good", i)
			lobby.Publish(ctx, ps, note{Text: good})
			if got := c.readUntil(good); strings.Contains(got, tt.payload) {
				t.Fatalf("frame %s shows the bad message", got)
			}
			if !strings.Contains(logs.String(), "pubsub message dropped") || !strings.Contains(logs.String(), tt.log) {
				t.Fatalf("no log line with %q:\n%s", tt.log, logs)
			}
		})
	}
	live.NewTopic[picky]("picky").Publish(ctx, ps, picky{Text: "fine"})
	c.readUntil("picky fine")
}

func TestMailboxFullDropsAndLogs(t *testing.T) {
	ps := live.NewLocalPubSub()
	block := make(chan struct{})
	s, blocked := newRoomServer(t, &live.Options{PubSub: ps, MailboxSize: 1}, block)
	c := s.open(t, "/a")
	ctx := context.Background()
	lobby.Publish(ctx, ps, note{Text: "block"})
	<-blocked // the view is busy
	lobby.Publish(ctx, ps, note{Text: "kept"})
	lobby.Publish(ctx, ps, note{Text: "dropped"}) // must not wait for the view
	close(block)
	if got := c.readUntil("kept"); strings.Contains(got, "dropped") {
		t.Fatalf("frame %s: the message that found the mailbox full arrived", got)
	}
	if !strings.Contains(s.logs.String(), "pubsub message dropped: mailbox full") {
		t.Fatalf("no log line for the dropped message:\n%s", s.logs)
	}
}

func TestTopicErrors(t *testing.T) {
	ps := live.NewLocalPubSub()
	ctx := context.Background()
	var zero live.Topic[note]
	if err := zero.Publish(ctx, ps, note{}); err == nil {
		t.Error("publishing on the zero Topic succeeded")
	}
	if err := lobby.Publish(ctx, nil, note{}); err == nil {
		t.Error("publishing on a nil PubSub succeeded")
	}
	bad := live.NewTopic[func()]("funcs")
	if err := bad.Publish(ctx, ps, func() {}); err == nil || !strings.Contains(err.Error(), `live: topic "funcs"`) {
		t.Errorf("publishing a func: %v, want a live: topic error", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := lobby.Publish(cancelled, ps, note{}); !errors.Is(err, context.Canceled) {
		t.Errorf("publishing with a cancelled context: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewTopic with an empty name did not panic")
		}
	}()
	live.NewTopic[note]("")
}

func TestLocalPubSub(t *testing.T) {
	ps := live.NewLocalPubSub()
	ctx := context.Background()
	var got []string
	unsubA, _ := ps.Subscribe("t", func(m []byte) { got = append(got, "a:"+string(m)) })
	unsubB, _ := ps.Subscribe("t", func(m []byte) { got = append(got, "b:"+string(m)) })
	ps.Subscribe("other", func(m []byte) { got = append(got, "other:"+string(m)) })
	buf := []byte("1")
	ps.Publish(ctx, "t", buf)
	buf[0] = 'X' // the publisher may reuse its buffer
	unsubA()
	unsubA() // twice is fine
	ps.Publish(ctx, "t", []byte("2"))
	unsubB()
	ps.Publish(ctx, "t", []byte("3"))
	if want := "a:1 b:1 b:2"; strings.Join(got, " ") != want {
		t.Fatalf("delivered %q, want %q", strings.Join(got, " "), want)
	}
}

func BenchmarkLocalBroadcast(b *testing.B) {
	for _, n := range []int{1, 100, 10_000} {
		b.Run(fmt.Sprint(n, " subscribers"), func(b *testing.B) {
			ps := live.NewLocalPubSub()
			var got atomic.Int64
			for range n {
				unsub, _ := ps.Subscribe(lobby.Name(), func(m []byte) {
					var v note
					json.Unmarshal(m, &v)
					got.Add(1)
				})
				defer unsub()
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				lobby.Publish(ctx, ps, note{From: "x", Seq: 1, Text: "hello"})
			}
		})
	}
}
