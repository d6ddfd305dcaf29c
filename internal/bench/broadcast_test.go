package bench_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/templive/templive/examples/chat"
	"github.com/templive/templive/internal/bench"
	"github.com/templive/templive/live"
)

// chatNodes starts n servers of the chat room, each its own handler as on
// its own node, sharing one PubSub (what NATS does between processes) and
// one token secret. close(i) ends node i's views and server.
func chatNodes(t *testing.T, n int) (urls []string, close func(i int)) {
	ps := live.NewLocalPubSub()
	var closers []func()
	for range n {
		h := live.NewHandler(chat.New, &live.Options{
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
			PubSub:  ps,
			Secrets: [][]byte{[]byte("bench test secret")},
		})
		mux := http.NewServeMux()
		mux.Handle("/chat", h)
		srv := httptest.NewServer(mux)
		var once sync.Once
		stop := func() { once.Do(func() { h.Close(); srv.Close() }) }
		t.Cleanup(stop)
		closers = append(closers, stop)
		urls = append(urls, srv.URL+"/chat")
	}
	return urls, func(i int) { closers[i]() }
}

// TestBroadcast: one message said in the room reaches every page, on
// every node, and each page times it.
func TestBroadcast(t *testing.T) {
	urls, _ := chatNodes(t, 2)
	res, err := bench.Run(context.Background(), bench.Config{
		URLs: urls, Clients: 30, Idle: true, Hold: time.Millisecond,
		Broadcast: "send", Values: url.Values{"message": {"hello all"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Connected != 30 || res.Errors != 0 {
		t.Fatalf("connected %d, errors %d (%s)", res.Connected, res.Errors, res.FirstError)
	}
	b := res.Broadcast
	if b == nil || b.Received != 30 {
		t.Fatalf("broadcast %+v, want all 30 pages to get the message", b)
	}
	if b.P50ms <= 0 || b.P99ms < b.P50ms || b.Maxms < b.P99ms {
		t.Errorf("latencies out of order: %+v", b)
	}
}

// TestBroadcastNobodyHears: an event that publishes nothing gives no
// patch: every page counts as not received, rather than timing some
// other frame.
func TestBroadcastNobodyHears(t *testing.T) {
	urls, _ := chatNodes(t, 1)
	res, err := bench.Run(context.Background(), bench.Config{
		URLs: urls, Clients: 5, Idle: true, Hold: time.Millisecond,
		Broadcast: "draft", Values: url.Values{"message": {"typing"}}, BroadcastWait: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Broadcast == nil || res.Broadcast.Received != 0 {
		t.Errorf("broadcast %+v, want none received", res.Broadcast)
	}
}

// TestReconnect: the pages of a node that goes away rejoin on the other
// one, each once, and the run says when.
func TestReconnect(t *testing.T) {
	urls, closeNode := chatNodes(t, 2)
	var once sync.Once
	res, err := bench.Run(context.Background(), bench.Config{
		URLs: urls, Clients: 20, Idle: true, Hold: 6 * time.Second, Reconnect: true,
		Progress: func(p bench.Progress) {
			if p.Phase == "hold" {
				once.Do(func() { closeNode(0) })
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	rc := res.Reconnect
	if rc == nil || rc.Dropped != 10 || rc.Rejoined != 10 {
		t.Fatalf("reconnect %+v (errors %d: %s), want the 10 pages of node 0 dropped and rejoined", rc, res.Errors, res.FirstError)
	}
	sum := 0
	for _, n := range rc.Per100ms {
		sum += n
	}
	if sum != 10 || rc.AllRejoinedS < rc.HalfRejoinedS {
		t.Errorf("reconnect curve %+v", rc)
	}
}

// TestArgs: a child process given cfg.Args() parses back the same
// configuration.
func TestArgs(t *testing.T) {
	want := bench.Config{
		URLs: []string{"http://127.0.0.1:1/a", "http://127.0.0.1:2/a"}, Clients: 7, First: 300,
		Rate: 12.5, Duration: 3 * time.Second, Event: "inc", Idle: true, Hold: time.Minute,
		Broadcast: "send", Values: url.Values{"message": {"a b&c"}}, BroadcastWait: 9 * time.Second, Reconnect: true,
		Procs: 1,
	}
	var got bench.Config
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	got.Flags(fs)
	if err := fs.Parse(want.Args()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsed %+v\nwant %+v", got, want)
	}
}
