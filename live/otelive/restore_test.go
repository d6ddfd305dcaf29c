package otelive_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// savedNote is a noteView that a closing instance saves.
type savedNote struct{ noteView }

func (v *savedNote) Snapshot() ([]byte, error) { return []byte("{}"), nil }

func (v *savedNote) Restore(ctx context.Context, c *live.Conn, data []byte) error { return nil }

// mapStore is a live.Store in memory.
type mapStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *mapStore) Put(ctx context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[key] = value
	return nil
}

func (s *mapStore) Take(ctx context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.m[key]
	delete(s.m, key)
	return v, nil
}

// A view restored on the instance its page rejoined after a deploy is
// counted in templive.restores.
func TestRestoresCounted(t *testing.T) {
	tel := newTelemetry(t)
	store := &mapStore{}
	serve := func() http.Handler {
		h := live.NewHandler(func() live.View { return &savedNote{} }, &live.Options{
			Observer: tel.obs,
			Store:    store,
			Secrets:  [][]byte{[]byte("one secret for the test's instances")},
			Logger:   slog.New(slog.DiscardHandler),
		})
		t.Cleanup(func() { h.Close() })
		mux := http.NewServeMux()
		mux.Handle("/notes/{id}", h)
		return closingMux{mux, h}
	}
	srv := livetest.NewServer(t, serve())
	p := srv.Open("/notes/7")
	srv.Deploy(serve()) // the old handler saves the view
	p.Reconnect()
	waitSum(t, tel, "templive.restores", 1)
}

// closingMux is a mux whose Close closes its live handler, as
// livetest.Server.Deploy expects of an app.
type closingMux struct {
	*http.ServeMux
	h *live.Handler
}

func (m closingMux) Close() error { return m.h.Close() }
