package natspubsub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/coder/websocket"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/natspubsub"
)

var _ live.Store = (*natspubsub.Store)(nil)

// startJetStream runs an embedded NATS server with JetStream, its files in
// a folder of the test's.
func startJetStream(t *testing.T) *server.Server {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true, JetStream: true, StoreDir: t.TempDir()})
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

func newStore(t *testing.T, nc *nats.Conn, opts *natspubsub.StoreOptions) *natspubsub.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := natspubsub.NewStore(ctx, nc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStorePutTake(t *testing.T) {
	ns := startJetStream(t)
	st := newStore(t, dialNATS(t, ns.ClientURL()), nil)
	other := newStore(t, dialNATS(t, ns.ClientURL()), nil) // another node, the same bucket
	ctx := context.Background()
	if err := st.Put(ctx, "0a1b", []byte("state")); err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "0a1b", []byte("newer state")); err != nil {
		t.Fatal(err)
	}
	got, err := other.Take(ctx, "0a1b")
	if err != nil || string(got) != "newer state" {
		t.Fatalf("Take on another node: %q, %v; want the newer state", got, err)
	}
	for _, key := range []string{"0a1b", "never-put"} {
		if got, err := st.Take(ctx, key); got != nil || err != nil {
			t.Fatalf("Take(%q) of nothing: %q, %v; want nil, nil", key, got, err)
		}
	}
	if err := st.Put(ctx, "bad key!", []byte("x")); err == nil || !strings.HasPrefix(err.Error(), "natspubsub: Store.Put: ") {
		t.Fatalf("Put with an invalid key: %v, want a natspubsub error", err)
	}
}

func TestStoreTakeIsOnce(t *testing.T) {
	ns := startJetStream(t)
	var stores []*natspubsub.Store
	for range 4 {
		stores = append(stores, newStore(t, dialNATS(t, ns.ClientURL()), nil))
	}
	ctx := context.Background()
	for round := range 20 {
		key := fmt.Sprintf("k%d", round)
		if err := stores[0].Put(ctx, key, []byte("v")); err != nil {
			t.Fatal(err)
		}
		var got atomic.Int32
		var wg sync.WaitGroup
		for _, st := range stores {
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := st.Take(ctx, key)
					if err != nil {
						t.Error(err)
					}
					if v != nil {
						got.Add(1)
					}
				}()
			}
		}
		wg.Wait()
		if got.Load() != 1 {
			t.Fatalf("round %d: %d of 16 concurrent Takes got the value, want exactly 1", round, got.Load())
		}
	}
}

func TestStoreForgetsAfterTTL(t *testing.T) {
	ns := startJetStream(t)
	nc := dialNATS(t, ns.ClientURL())
	st := newStore(t, nc, &natspubsub.StoreOptions{Bucket: "short", TTL: 200 * time.Millisecond, Memory: true})
	ctx := context.Background()
	if err := st.Put(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// Look without taking, through the bucket itself.
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(ctx, "short")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Get(ctx, "k"); err != nil {
		t.Fatalf("the snapshot is not in the bucket: %v", err)
	}
	waitFor(t, "the snapshot to expire", func() bool {
		_, err := kv.Get(ctx, "k")
		return errors.Is(err, jetstream.ErrKeyNotFound)
	})
	if v, err := st.Take(ctx, "k"); v != nil || err != nil {
		t.Fatalf("Take after the TTL: %q, %v; want nil, nil", v, err)
	}
}

func TestStoreNeedsJetStream(t *testing.T) {
	ns := startNATS(t, -1) // no JetStream
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := natspubsub.NewStore(ctx, dialNATS(t, ns.ClientURL()), nil); err == nil || !strings.HasPrefix(err.Error(), "natspubsub: NewStore: ") {
		t.Fatalf("NewStore without JetStream: %v, want an error", err)
	}
}

// tally is a view with state in no form: a count of clicks.
type tally struct{ N int }

func (v *tally) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="n">%d</p>`, v.N)
		return err
	})
}

func (v *tally) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	v.N++
	return nil
}

func (v *tally) Snapshot() ([]byte, error) { return json.Marshal(v) }

func (v *tally) Restore(ctx context.Context, c *live.Conn, data []byte) error {
	return json.Unmarshal(data, v)
}

func TestViewMovesBetweenNodesThroughJetStream(t *testing.T) {
	ns := startJetStream(t)
	secret := [][]byte{[]byte("the secret every node of the app shares")}
	startTally := func() (*live.Handler, *httptest.Server) {
		nc := dialNATS(t, ns.ClientURL())
		ps := natspubsub.New(nc, nil)
		st := newStore(t, ps.Conn(), nil)
		h := live.NewHandler(func() live.View { return &tally{} }, &live.Options{PubSub: ps, Store: st, Secrets: secret, Logger: slog.New(slog.DiscardHandler)})
		srv := httptest.NewServer(h)
		t.Cleanup(func() { h.Close(); srv.Close(); ps.Close() })
		return h, srv
	}
	ha, a := startTally()
	_, b := startTally()

	resp, err := http.Get(a.URL + "/t")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok := tokenRE.FindSubmatch(body)[1]
	join := func(base string) *client {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/t", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.CloseNow() })
		c := &client{t: t, ws: ws}
		c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/t"}]`, tok, base))
		return c
	}
	c := join(a.URL)
	c.read()
	for ref := 1; ref <= 7; ref++ {
		c.send(fmt.Sprintf(`[1,%d,"inc"]`, ref))
		c.read()
	}
	ha.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		if _, _, err := c.ws.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusServiceRestart {
				t.Fatalf("the page's connection ended with %v, want 1012", err)
			}
			break
		}
	}
	c2 := join(b.URL)
	if got := c2.read(); got != `[0,0,[[9,"",[],"<p id=\"n\">7</p>"]]]` {
		t.Fatalf("join on node b: %s, want the count of 7 restored", got)
	}
}

// BenchmarkStorePutTake is one view saved and restored through JetStream
// (file storage), as a counter's 36-byte snapshot.
func BenchmarkStorePutTake(b *testing.B) {
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true, JetStream: true, StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	go ns.Start()
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	if !ns.ReadyForConnections(5 * time.Second) {
		b.Fatal("NATS server not ready")
	}
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	ctx := context.Background()
	st, err := natspubsub.NewStore(ctx, nc, nil)
	if err != nil {
		b.Fatal(err)
	}
	value := make([]byte, 36)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		key := strconv.Itoa(i)
		if err := st.Put(ctx, key, value); err != nil {
			b.Fatal(err)
		}
		if v, err := st.Take(ctx, key); err != nil || len(v) != len(value) {
			b.Fatalf("Take: %d bytes, %v", len(v), err)
		}
	}
}
