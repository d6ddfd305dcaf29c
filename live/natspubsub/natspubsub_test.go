package natspubsub_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/coder/websocket"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/templive/templive/internal/leakcheck"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/natspubsub"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

var _ live.PubSub = (*natspubsub.PubSub)(nil)

// startNATS runs an embedded NATS server on 127.0.0.1:port (-1: any port)
// until the test ends or it is shut down.
func startNATS(t *testing.T, port int) *server.Server {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(5 * time.Second) {
		t.Fatal("NATS server not ready")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns
}

func natsPort(t *testing.T, ns *server.Server) int {
	t.Helper()
	return ns.Addr().(*net.TCPAddr).Port
}

// logBuffer collects logs from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// dialNATS connects to url the way a node would, reconnecting quickly.
func dialNATS(t *testing.T, url string) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond), nats.ReconnectJitter(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// line is what the test views say to each other.
type line struct {
	From string `json:"from"`
	Seq  int    `json:"seq"`
	Text string `json:"text"`
}

var room = live.NewTopic[line]("room:lobby")

// roomView joins the room, says what it is told to, and lists what it
// hears; it notes any sender whose lines arrive out of order.
type roomView struct {
	name     string
	seq      int
	heard    []string
	last     map[string]int
	disorder bool
}

func (v *roomView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.name = r.URL.Query().Get("name")
	return room.Subscribe(c)
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
	if e.Name != "say" {
		return live.ErrUnknownEvent
	}
	n, _ := e.Int("n")
	for range max(n, 1) {
		v.seq++
		if err := room.Publish(ctx, c.PubSub(), line{From: v.name, Seq: v.seq, Text: fmt.Sprintf("%s%d %s", v.name, v.seq, e.Get("text"))}); err != nil {
			return err
		}
	}
	return nil
}

func (v *roomView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	l := msg.(line)
	if v.last == nil {
		v.last = map[string]int{}
	}
	if l.Seq != v.last[l.From]+1 {
		v.disorder = true
	}
	v.last[l.From] = l.Seq
	v.heard = append(v.heard, l.Text)
	return nil
}

// node is one live server with its own NATS connection.
type node struct {
	*httptest.Server
	h    *live.Handler
	ps   *natspubsub.PubSub
	logs *logBuffer
}

func startNode(t *testing.T, nc *nats.Conn, opts *live.Options) *node {
	t.Helper()
	n := &node{logs: &logBuffer{}}
	log := slog.New(slog.NewTextHandler(n.logs, nil))
	n.ps = natspubsub.New(nc, &natspubsub.Options{Logger: log})
	if opts == nil {
		opts = &live.Options{}
	}
	opts.PubSub, opts.Logger = n.ps, log
	n.h = live.NewHandler(func() live.View { return &roomView{} }, opts)
	n.Server = httptest.NewServer(n.h)
	t.Cleanup(func() { n.h.Close(); n.Close(); n.ps.Close() })
	return n
}

var tokenRE = regexp.MustCompile(`live-token="([^"]+)"`)

type client struct {
	t  *testing.T
	ws *websocket.Conn
}

// open loads the room page as name and joins it live.
func (n *node) open(t *testing.T, name string) *client {
	t.Helper()
	path := "/room?name=" + name
	resp, err := n.Client().Get(n.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := tokenRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no token in page:\n%s", body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(n.URL, "http")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	c := &client{t: t, ws: ws}
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s%s"}]`, m[1], n.URL, path))
	if got := c.read(); got != `[0,0]` {
		t.Fatalf("join: %s", got)
	}
	return c
}

func (c *client) send(frame string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		c.t.Fatalf("write %s: %v", frame, err)
	}
}

func (c *client) read() string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return string(data)
}

// hear reads frames until one contains want.
func (c *client) hear(want string) string {
	c.t.Helper()
	for {
		if f := c.read(); strings.Contains(f, want) {
			return f
		}
	}
}

// say makes the view publish text, and checks the event succeeded.
func (c *client) say(ref int, text string) {
	c.t.Helper()
	c.send(fmt.Sprintf(`[1,%d,"say",{"text":%q}]`, ref, text))
	// The reply may carry a patch: an update put off while a burst of
	// messages was handled (a line buffered during an outage, say) goes
	// out with it.
	bare, patched := fmt.Sprintf(`[0,%d]`, ref), fmt.Sprintf(`[0,%d,`, ref)
	for {
		f := c.read()
		if f == bare || strings.HasPrefix(f, patched) {
			return
		}
		if strings.HasPrefix(f, "[3,") {
			c.t.Fatalf("say %q: %s", text, f)
		}
	}
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBroadcastAcrossNodes(t *testing.T) {
	ns := startNATS(t, server.RANDOM_PORT)
	a := startNode(t, dialNATS(t, ns.ClientURL()), nil)
	b := startNode(t, dialNATS(t, ns.ClientURL()), &live.Options{MailboxSize: 256})
	if a.URL == b.URL {
		t.Fatal("the two nodes share an address")
	}
	ann, bob, bea := a.open(t, "ann"), b.open(t, "bob"), b.open(t, "bea")

	ann.say(1, "hello from A")
	for name, c := range map[string]*client{"ann": ann, "bob": bob, "bea": bea} {
		if got := c.hear("hello from A"); !strings.Contains(got, "<li>ann1 hello from A</li>") {
			t.Errorf("%s heard %s", name, got)
		}
	}
	bob.say(1, "hello from B")
	for _, c := range []*client{ann, bob, bea} {
		c.hear("bob1 hello from B")
	}

	// 50 lines in a row from one sender arrive in order on the other node.
	ann.send(`[1,2,"say",{"n":"50","text":"burst"}]`)
	bea.hear("ann51 burst")
	bea.send(`[3]`) // resync: the whole view
	if got := bea.hear(`id=\"order\"`); !strings.Contains(got, `<p id=\"order\">true</p>`) {
		t.Fatalf("bea heard ann's burst out of order: %s", got)
	}
}

func TestSubscriptionsEndWithViews(t *testing.T) {
	ns := startNATS(t, server.RANDOM_PORT)
	base := ns.NumSubscriptions()
	subs := func() bool { return ns.NumSubscriptions() == base }
	a := startNode(t, dialNATS(t, ns.ClientURL()), &live.Options{ResumeTimeout: 50 * time.Millisecond})
	b := startNode(t, dialNATS(t, ns.ClientURL()), nil)

	// A page load that never connects subscribes to nothing.
	resp, err := a.Client().Get(a.URL + "/room?name=ghost")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := ns.NumSubscriptions(); got != base {
		t.Fatalf("NATS subscriptions after a plain GET: %d, want %d", got, base)
	}

	// One NATS subscription per node and topic, however many views.
	a1, a2 := a.open(t, "a1"), a.open(t, "a2")
	b.open(t, "b1")
	waitFor(t, "two NATS subscriptions", func() bool { return ns.NumSubscriptions() == base+2 })

	a1.ws.CloseNow()
	a2.ws.CloseNow() // both views on A end after the resume timeout
	waitFor(t, "node A's subscription to end with its views", func() bool { return ns.NumSubscriptions() == base+1 })

	b.h.Close() // the server shuts down: its views end
	waitFor(t, "node B's subscription to end with its views", subs)
}

func TestRecoversWhenNATSComesBack(t *testing.T) {
	ns := startNATS(t, server.RANDOM_PORT)
	port, url := natsPort(t, ns), ns.ClientURL()
	ncA, ncB := dialNATS(t, url), dialNATS(t, url)
	a, b := startNode(t, ncA, nil), startNode(t, ncB, nil)
	ann, bob := a.open(t, "ann"), b.open(t, "bob")
	ann.say(1, "before")
	bob.hear("ann1 before")

	ns.Shutdown()
	ns.WaitForShutdown()
	waitFor(t, "both nodes to lose NATS", func() bool { return !ncA.IsConnected() && !ncB.IsConnected() })

	// Pages keep working, and publishing neither fails nor panics: the
	// line is buffered (whether bob gets it depends on who reconnects
	// first; see the package documentation).
	ann.say(2, "during")

	startNATS(t, port) // NATS comes back on the same address
	for _, nc := range []*nats.Conn{ncA, ncB} {
		waitFor(t, "reconnection", nc.IsConnected)
		if err := nc.FlushTimeout(5 * time.Second); err != nil { // the server has our subscriptions again
			t.Fatal(err)
		}
	}
	ann.say(3, "after")
	bob.hear("ann3 after")
	bob.say(1, "back")
	ann.hear("bob1 back")
	if logs := a.logs.String() + b.logs.String(); strings.Contains(logs, "panic") {
		t.Fatalf("a panic was logged:\n%s", logs)
	}
}

func TestUndecodableMessageIsDropped(t *testing.T) {
	ns := startNATS(t, server.RANDOM_PORT)
	raw := dialNATS(t, ns.ClientURL())
	b := startNode(t, dialNATS(t, ns.ClientURL()), nil)
	bob := b.open(t, "bob")
	for _, payload := range []string{`{"text":`, `{"seq":"one"}`, "\xff\xfe", ``} {
		if err := raw.Publish("templive.room:lobby", []byte(payload)); err != nil {
			t.Fatal(err)
		}
	}
	raw.Publish("templive.room:lobby", []byte(`{"from":"raw","seq":1,"text":"fine"}`))
	raw.Flush()
	got := bob.hear("fine")
	if !strings.Contains(got, `[1,[[3,"heard",[],0,"<li>fine</li>"]]]`) {
		t.Fatalf("bob heard %s, want only the good line", got)
	}
	if n := strings.Count(b.logs.String(), "cannot decode"); n != 4 {
		t.Fatalf("%d decode failures logged, want 4:\n%s", n, b.logs)
	}
}

func TestEncoding(t *testing.T) {
	ns := startNATS(t, server.RANDOM_PORT)
	nc := dialNATS(t, ns.ClientURL())
	ps := natspubsub.New(nc, &natspubsub.Options{Prefix: "app.live"})
	defer ps.Close()
	spy, err := nc.SubscribeSync("app.live.>")
	if err != nil {
		t.Fatal(err)
	}
	nc.Flush()
	ctx := context.Background()
	tests := []struct{ topic, subject string }{
		{"chat:lobby", "app.live.chat:lobby"},
		{"a.b", "app.live.a%2Eb"},
		{"*", "app.live.%2A"},
		{">", "app.live.%3E"},
		{"a b\tc", "app.live.a%20b%09c"},
		{"100%", "app.live.100%25"},
		{"héllo", "app.live.héllo"},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			if err := live.NewTopic[line](tt.topic).Publish(ctx, ps, line{Text: "x"}); err != nil {
				t.Fatal(err)
			}
			m, err := spy.NextMsg(5 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.subject || string(m.Data) != `{"from":"","seq":0,"text":"x"}` || len(m.Header) != 0 {
				t.Fatalf("got %s %q %v, want %s and the JSON of the line", m.Subject, m.Data, m.Header, tt.subject)
			}
		})
	}

	// A topic called "*" is no wildcard.
	var heard []string
	var mu sync.Mutex
	unsub, _ := ps.Subscribe("*", func(b []byte) { mu.Lock(); heard = append(heard, string(b)); mu.Unlock() })
	defer unsub()
	ps.Publish(ctx, "x", []byte("to x"))
	ps.Publish(ctx, "*", []byte("to star"))
	waitFor(t, "the message to *", func() bool { mu.Lock(); defer mu.Unlock(); return len(heard) > 0 })
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(heard, ",") != "to star" {
		t.Fatalf("subscriber of \"*\" heard %q", heard)
	}
}

func TestBadUse(t *testing.T) {
	ns := startNATS(t, server.RANDOM_PORT)
	nc := dialNATS(t, ns.ClientURL())
	ctx := context.Background()
	ps := natspubsub.New(nc, nil)
	if err := ps.Publish(ctx, "", []byte("x")); err == nil {
		t.Error("publishing to an empty topic succeeded")
	}
	if _, err := ps.Subscribe("", func([]byte) {}); err == nil {
		t.Error("subscribing to an empty topic succeeded")
	}
	big := make([]byte, 2<<20)
	if err := ps.Publish(ctx, "t", big); !errors.Is(err, nats.ErrMaxPayload) {
		t.Errorf("publishing 2 MB: %v, want ErrMaxPayload", err)
	}
	ps.Close()
	if err := ps.Publish(ctx, "t", []byte("x")); !errors.Is(err, natspubsub.ErrClosed) {
		t.Errorf("publish after Close: %v", err)
	}
	if _, err := ps.Subscribe("t", func([]byte) {}); !errors.Is(err, natspubsub.ErrClosed) {
		t.Errorf("subscribe after Close: %v", err)
	}
	if !nc.IsConnected() {
		t.Error("Close closed a connection it does not own")
	}
	for _, prefix := range []string{"a..b", "a.*", ">", "has space", "."} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Prefix %q accepted", prefix)
				}
			}()
			natspubsub.New(nc, &natspubsub.Options{Prefix: prefix})
		}()
	}
	if _, err := natspubsub.Connect("nats://127.0.0.1:1", &natspubsub.Options{Logger: slog.New(slog.DiscardHandler)}); err == nil {
		t.Error("Connect to a closed port succeeded")
	}
}

func TestSubscriberPanicIsRecovered(t *testing.T) {
	ns := startNATS(t, server.RANDOM_PORT)
	logs := &logBuffer{}
	ps, err := natspubsub.Connect(ns.ClientURL(), &natspubsub.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	got := make(chan string, 10)
	unsub1, _ := ps.Subscribe("t", func(b []byte) {
		if string(b) == "bad" {
			panic("subscriber: bad")
		}
	})
	defer unsub1()
	unsub2, _ := ps.Subscribe("t", func(b []byte) { got <- string(b) })
	defer unsub2()
	ctx := context.Background()
	ps.Publish(ctx, "t", []byte("bad"))
	ps.Publish(ctx, "t", []byte("good"))
	for _, want := range []string{"bad", "good"} {
		select {
		case m := <-got:
			if m != want {
				t.Fatalf("got %q, want %q", m, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %q", want)
		}
	}
	if !strings.Contains(logs.String(), "subscriber panicked") {
		t.Fatalf("panic not logged:\n%s", logs)
	}
}

// BenchmarkAcrossNodes measures one message from a publisher on one node
// to a subscriber on another, through an embedded NATS server: the time
// from Publish to delivery, one message at a time.
func BenchmarkAcrossNodes(b *testing.B) {
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true})
	if err != nil {
		b.Fatal(err)
	}
	go ns.Start()
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	if !ns.ReadyForConnections(5 * time.Second) {
		b.Fatal("NATS server not ready")
	}
	quiet := &natspubsub.Options{Logger: slog.New(slog.DiscardHandler)}
	pub, err := natspubsub.Connect(ns.ClientURL(), quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()
	sub, err := natspubsub.Connect(ns.ClientURL(), quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	got := make(chan struct{}, 1)
	unsub, _ := sub.Subscribe("t", func([]byte) { got <- struct{}{} })
	defer unsub()
	msg := []byte(`{"id":"0123456789abcdef","from":"ann","text":"hello, room"}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		pub.Publish(ctx, "t", msg)
		<-got
	}
}
