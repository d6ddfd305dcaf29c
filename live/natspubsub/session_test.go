package natspubsub_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/natspubsub"
)

// bySession ties each room page to the session named by its ?name=.
var bySession = []live.MountHook{func(ctx context.Context, c *live.Conn, r *http.Request) error {
	return c.SetSession("session-of-" + r.URL.Query().Get("name"))
}}

// TestDisconnectSessionAcrossNodes: logging out on node A ends the user's
// pages on A and on B, and no one else's.
func TestDisconnectSessionAcrossNodes(t *testing.T) {
	ns := startNATS(t, server.RANDOM_PORT)
	a := startNode(t, dialNATS(t, ns.ClientURL()), &live.Options{OnMount: bySession})
	b := startNode(t, dialNATS(t, ns.ClientURL()), &live.Options{OnMount: bySession})
	annA, annB, bob := a.open(t, "ann"), b.open(t, "ann"), b.open(t, "bob")

	if err := live.DisconnectSession(context.Background(), a.ps, "session-of-ann"); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*client{"A": annA, "B": annB} {
		if got := c.read(); got != `[4,"session ended","/room?name=ann"]` {
			t.Fatalf("ann's page on node %s: %s, want the frame that loads it again", name, got)
		}
	}
	bob.say(1, "still here")
	bob.hear("bob1 still here")
}

// BenchmarkDisconnectSessionAcrossNodes measures the time from
// DisconnectSession on node A to the frame that ends the page reaching a
// client of node B, through an embedded NATS server over loopback TCP.
// Page loads, joins and closes are not timed.
func BenchmarkDisconnectSessionAcrossNodes(b *testing.B) {
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true})
	if err != nil {
		b.Fatal(err)
	}
	go ns.Start()
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	if !ns.ReadyForConnections(5 * time.Second) {
		b.Fatal("NATS server not ready")
	}
	quiet := slog.New(slog.DiscardHandler)
	psA, err := natspubsub.Connect(ns.ClientURL(), &natspubsub.Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer psA.Close()
	psB, err := natspubsub.Connect(ns.ClientURL(), &natspubsub.Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer psB.Close()
	h := live.NewHandler(func() live.View { return &roomView{} }, &live.Options{PubSub: psB, Logger: quiet, OnMount: bySession})
	srv := httptest.NewServer(h)
	defer func() { h.Close(); srv.Close() }()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ws := joinRoom(b, srv.URL, "ann")
		b.StartTimer()
		if err := live.DisconnectSession(ctx, psA, "session-of-ann"); err != nil {
			b.Fatal(err)
		}
		_, data, err := ws.Read(ctx)
		if err != nil || !strings.HasPrefix(string(data), `[4,"session ended"`) {
			b.Fatalf("read %s, %v: want the session-ended frame", data, err)
		}
		b.StopTimer()
		ws.Close(websocket.StatusGoingAway, "")
		b.StartTimer()
	}
}

// joinRoom loads the room page on base as name and joins it live.
func joinRoom(tb testing.TB, base, name string) *websocket.Conn {
	path := "/room?name=" + name
	resp, err := http.Get(base + path)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := tokenRE.FindSubmatch(body)
	if m == nil {
		tb.Fatalf("no token in page:\n%s", body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ws.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s%s"}]`, m[1], base, path)))
	if _, data, err := ws.Read(ctx); err != nil || string(data) != `[0,0]` {
		tb.Fatalf("join: %s, %v", data, err)
	}
	return ws
}
