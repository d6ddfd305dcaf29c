package livetest_test

import (
	"context"
	"sync"
	"testing"

	"github.com/templive/templive/examples/counter"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// memStore is a live.Store in memory, shared by a test's "instances".
type memStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memStore) Put(ctx context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[key] = value
	return nil
}

func (s *memStore) Take(ctx context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.m[key]
	delete(s.m, key)
	return v, nil
}

// TestDeployRestoresViews: a graceful restart with a shared Store keeps
// the counter's count, which is in no form; a crash (Restart, with a new
// Store) does not.
func TestDeployRestoresViews(t *testing.T) {
	store := &memStore{}
	newCounter := func(st live.Store) *live.Handler {
		return live.NewHandler(counter.New, &live.Options{Store: st, Secrets: [][]byte{[]byte("one secret for every instance of the app")}})
	}
	s := livetest.NewServer(t, newCounter(store))
	p := s.Open("/counter")
	for range 3 {
		p.Click("#inc")
	}
	s.Deploy(newCounter(store))
	if p.Connected() {
		t.Fatal("the page is connected to a server that closed")
	}
	p.Reconnect()
	if got := p.Text("#count"); got != "3" {
		t.Fatalf("count after the deploy %q, want 3", got)
	}
	p.Click("#inc")
	if got := p.Text("#count"); got != "4" {
		t.Fatalf("count after a click on the new instance %q, want 4", got)
	}

	s.Restart(newCounter(&memStore{})) // a crash: what the old one saves, the new one never sees
	p.Reconnect()
	if got := p.Text("#count"); got != "0" {
		t.Fatalf("count after a crash %q, want 0: only a graceful close saves", got)
	}
}

// A graceful restart with a Store shared by the old handler and the new
// one: the page gets its whole view back, not only its forms.
func ExampleServer_Deploy() {
	var store live.Store // natspubsub.NewStore in production; a map in memory in a test
	opts := &live.Options{Store: store, Secrets: [][]byte{[]byte("the same secret on every instance!")}}
	s := livetest.NewServer(t, live.NewHandler(counter.New, opts))
	p := s.Open("/counter")
	p.Click("#inc")

	s.Deploy(live.NewHandler(counter.New, opts)) // the old handler saves the counter
	p.Reconnect()                                // the new one restores it

	if got := p.Text("#count"); got != "1" {
		t.Errorf("count %q after the deploy, want 1", got)
	}
}
