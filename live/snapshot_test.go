package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// snapView is formView with a state that survives a deploy: its count is
// in no form, so only a snapshot brings it back.
type snapView struct {
	formView
}

type snapState struct {
	V     int    `json:"v"` // the state's version: another is refused
	Query string `json:"query"`
	Count int    `json:"count"`
	Panic bool   `json:"panic,omitempty"` // makes Restore panic (tests)
	Pad   string `json:"pad,omitempty"`   // makes the snapshot large (tests)
}

func (v *snapView) Snapshot() ([]byte, error) {
	switch v.query {
	case "fail":
		return nil, errors.New("cannot encode")
	case "panic":
		panic("snapshot panics")
	}
	pad := ""
	if v.query == "big" {
		pad = strings.Repeat("x", 2000)
	}
	return json.Marshal(snapState{V: 1, Query: v.query, Count: v.count, Pad: pad})
}

func (v *snapView) Restore(ctx context.Context, c *live.Conn, data []byte) error {
	var st snapState
	if err := json.Unmarshal(data, &st); err != nil {
		return err
	}
	if st.V != 1 {
		return fmt.Errorf("state version %d, want 1", st.V)
	}
	if st.Panic {
		panic("restore panics")
	}
	v.query, v.count = st.Query, st.Count
	return nil
}

// mapStore is a Store in memory, shared by the "instances" of a test.
type mapStore struct {
	mu   sync.Mutex
	m    map[string][]byte
	puts int
}

func newMapStore() *mapStore { return &mapStore{m: map[string][]byte{}} }

func (s *mapStore) Put(ctx context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = append([]byte(nil), value...)
	s.puts++
	return nil
}

func (s *mapStore) Take(ctx context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	delete(s.m, key)
	if !ok {
		return nil, nil
	}
	return v, nil
}

func (s *mapStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// only returns the one key and value the store holds.
func (s *mapStore) only(t *testing.T) (string, []byte) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) != 1 {
		t.Fatalf("the store holds %d snapshots, want 1", len(s.m))
	}
	for k, v := range s.m {
		return k, v
	}
	return "", nil
}

// snapServer is one instance of the snapView app on /form.
type snapServer struct {
	*server
	h     *live.Handler
	stats *viewStats
}

func newSnapServer(t *testing.T, opts live.Options) *snapServer {
	t.Helper()
	s := &snapServer{server: &server{logs: &logBuffer{}}, stats: &viewStats{}}
	opts.Secrets = formSecret
	opts.Logger = slog.New(slog.NewTextHandler(s.logs, nil))
	s.h = live.NewHandler(func() live.View { return &snapView{formView{stats: s.stats}} }, &opts)
	mux := http.NewServeMux()
	mux.Handle("/form", s.h)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(func() { s.h.Close(); s.Close() })
	return s
}

// clicked opens a page of srv, sets its query and clicks inc n times.
func (srv *snapServer) clicked(t *testing.T, query string, n int) (*client, string) {
	t.Helper()
	_, tok := srv.page(t, "/form")
	c, _ := srv.joinForms(t, tok, 0, `[]`)
	c.send(fmt.Sprintf(`[1,1,"validate",{"query":%q}]`, query))
	c.read()
	for i := range n {
		c.send(fmt.Sprintf(`[1,%d,"inc"]`, i+2))
		c.read()
	}
	return c, tok
}

// closeStatus reads until the connection ends and returns its status.
func closeStatus(c *client) websocket.StatusCode {
	return websocket.CloseStatus(c.readErr())
}

func TestSnapshotSavedOnCloseRestoredElsewhere(t *testing.T) {
	store := newMapStore()
	var restored []string // what b's Observer heard
	var mu sync.Mutex
	obs := &live.Observer{Restored: func(ctx context.Context, route string) {
		mu.Lock()
		restored = append(restored, route)
		mu.Unlock()
	}}
	a := newSnapServer(t, live.Options{Store: store})
	b := newSnapServer(t, live.Options{Store: store, Observer: obs})
	c, tok := a.clicked(t, "hi", 3)

	a.h.Close() // a deploy: the instance goes away gracefully
	if got := closeStatus(c); got != websocket.StatusServiceRestart {
		t.Fatalf("the page's connection ended with %v, want 1012 (service restart)", got)
	}
	key, _ := store.only(t)
	if !strings.Contains(a.logs.String(), "views saved") || !strings.Contains(a.logs.String(), "saved=1") {
		t.Errorf("Close logged no save:\n%s", a.logs)
	}

	// The page rejoins the other instance, which has never seen it; its
	// forms say "typed", which must not be replayed: the state is whole.
	c2, reply := b.joinForms(t, tok, 4, `[["form","validate",{"query":"typed"}]]`)
	want := `[0,0,[[9,"",[],"<form id=\"form\" live-change=\"validate\"><input name=\"query\" value=\"hi\"></form><p id=\"server-query\">hi</p><p id=\"count\">3</p>"]]]`
	if reply != want {
		t.Fatalf("join on the other instance:\n got %s\nwant %s", reply, want)
	}
	if got := b.stats.mounts.Load(); got != 0 {
		t.Errorf("Mount ran %d times on the restoring instance, want 0", got)
	}
	if store.len() != 0 {
		t.Errorf("the snapshot %s is still in the store after its restore", key)
	}
	mu.Lock()
	if len(restored) != 1 || restored[0] != "/form" {
		t.Errorf("Observer.Restored heard %q, want one restore of /form", restored)
	}
	mu.Unlock()
	// An event the page re-sends because its reply was lost is not
	// applied twice; a new one is applied to the restored state.
	c2.send(`[1,4,"inc"]`)
	if got := c2.read(); got != `[0,4]` {
		t.Fatalf("re-sent inc 4: %s, want an ack only", got)
	}
	c2.send(`[1,5,"inc"]`)
	if got := c2.read(); got != `[0,5,[[0,"count",[0],"4"]]]` {
		t.Fatalf("inc after the restore: %s, want count 4", got)
	}

	// At most once: the same page on a third instance mounts afresh.
	c3 := newSnapServer(t, live.Options{Store: store})
	_, reply = c3.joinForms(t, tok, 5, `[]`)
	if !strings.Contains(reply, `<p id=\"count\">0</p>`) || c3.stats.mounts.Load() != 1 {
		t.Fatalf("second restore of the same snapshot: %s (mounts %d), want a fresh mount", reply, c3.stats.mounts.Load())
	}
}

func TestSnapshotOfDetachedView(t *testing.T) {
	store := newMapStore()
	a := newSnapServer(t, live.Options{Store: store})
	c, tok := a.clicked(t, "off", 2)
	c.ws.CloseNow() // the page is offline when the instance closes
	a.h.Close()
	b := newSnapServer(t, live.Options{Store: store})
	_, reply := b.joinForms(t, tok, 3, `[]`)
	if !strings.Contains(reply, `<p id=\"count\">2</p>`) {
		t.Fatalf("join after the close: %s, want the count of 2 saved while the page was away", reply)
	}
}

func TestBadSnapshotMountsAfresh(t *testing.T) {
	// good is a snapshot the app saved, of "hi" and a count of 3.
	store := newMapStore()
	a := newSnapServer(t, live.Options{Store: store})
	c, _ := a.clicked(t, "hi", 3)
	a.h.Close()
	closeStatus(c)
	_, good := store.only(t)

	tests := []struct {
		name  string
		data  func() []byte
		store live.Options
		want  string // in the log
	}{
		{"garbage", func() []byte { return []byte("\x00garbage") }, live.Options{}, "unknown format"},
		{"truncated", func() []byte { return good[:4] }, live.Options{}, "truncated"},
		{"another version of the state", func() []byte {
			return []byte(strings.Replace(string(good), `{"v":1`, `{"v":2`, 1))
		}, live.Options{}, "state version 2"},
		{"not JSON", func() []byte { return []byte(strings.Replace(string(good), `{"v":1`, `{"v":x`, 1)) }, live.Options{}, "live: Restore: invalid character"},
		{"Restore panics", func() []byte {
			return []byte(strings.Replace(string(good), `{"v":1`, `{"v":1,"panic":true`, 1))
		}, live.Options{}, "Restore panicked"},
		{"another route", func() []byte {
			return []byte(strings.Replace(string(good), "/form", "/fork", 1))
		}, live.Options{}, `for route \"/fork\"`},
		{"another view type", func() []byte {
			return []byte(strings.Replace(string(good), "snapView", "snapVie2", 1))
		}, live.Options{}, "of a *live_test.snapVie2"},
		{"over MaxSnapshot", func() []byte { return good }, live.Options{MaxSnapshot: 20}, "over Options.MaxSnapshot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMapStore()
			tt.store.Store = store
			b := newSnapServer(t, tt.store)
			_, tok := newSnapServer(t, live.Options{}).page(t, "/form") // a page of a gone instance
			key := live.SnapshotKey(t, tok)
			store.Put(context.Background(), key, tt.data())
			c, reply := b.joinForms(t, tok, 1, `[["form","validate",{"query":"typed"}]]`)
			// The page gets what it gets without a snapshot: its forms.
			want := `[0,0,[[9,"",[],"<form id=\"form\" live-change=\"validate\"><input name=\"query\" value=\"typed\"></form><p id=\"server-query\">typed</p><p id=\"count\">0</p>"]]]`
			if reply != want {
				t.Fatalf("join:\n got %s\nwant %s", reply, want)
			}
			if logs := b.logs.String(); !strings.Contains(logs, "snapshot not restored") || !strings.Contains(logs, tt.want) {
				t.Errorf("want a log line saying the snapshot was not restored, with %q:\n%s", tt.want, logs)
			}
			if store.len() != 0 {
				t.Error("a bad snapshot stayed in the store")
			}
			c.send(`[1,1,"inc"]`)
			if got := c.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
				t.Fatalf("the fresh view after a bad snapshot: %s", got)
			}
		})
	}
}

func TestSnapshotOverMaxSnapshotIsNotSaved(t *testing.T) {
	store := newMapStore()
	a := newSnapServer(t, live.Options{Store: store, MaxSnapshot: 1000})
	small, _ := a.clicked(t, "small", 1)
	big, bigTok := a.clicked(t, "big", 1) // 2,000 bytes of padding
	a.h.Close()
	closeStatus(small)
	closeStatus(big)
	if store.len() != 1 {
		t.Fatalf("the store holds %d snapshots, want the small page's only", store.len())
	}
	if logs := a.logs.String(); !strings.Contains(logs, "over Options.MaxSnapshot") || !strings.Contains(logs, "saved=1 views=2") {
		t.Errorf("want the oversize snapshot logged:\n%s", logs)
	}
	b := newSnapServer(t, live.Options{Store: store})
	_, reply := b.joinForms(t, bigTok, 2, `[["form","validate",{"query":"big"}]]`)
	if !strings.Contains(reply, `<p id=\"count\">0</p>`) || !strings.Contains(reply, `value=\"big\"`) {
		t.Fatalf("the big page's join: %s, want a fresh view with its form recovered", reply)
	}
}

// slowStore never answers before its caller gives up.
type slowStore struct{}

func (slowStore) Put(ctx context.Context, key string, value []byte) error {
	<-ctx.Done()
	return ctx.Err()
}

func (slowStore) Take(ctx context.Context, key string) ([]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestSlowStoreDoesNotHoldCloseOrJoins(t *testing.T) {
	opts := live.Options{Store: slowStore{}, StoreTimeout: 50_000_000} // 50 ms
	a := newSnapServer(t, opts)
	c, tok := a.clicked(t, "hi", 1)
	a.h.Close() // returns after StoreTimeout
	if got := closeStatus(c); got != websocket.StatusServiceRestart {
		t.Fatalf("page closed with %v, want 1012", got)
	}
	if logs := a.logs.String(); !strings.Contains(logs, "StoreTimeout passed") || !strings.Contains(logs, "context deadline exceeded") {
		t.Errorf("want the timeout logged:\n%s", logs)
	}
	b := newSnapServer(t, opts)
	_, reply := b.joinForms(t, tok, 2, `[["form","validate",{"query":"hi"}]]`)
	if !strings.Contains(reply, `value=\"hi\"`) || !strings.Contains(b.logs.String(), "snapshot lookup failed") {
		t.Fatalf("join with a slow store: %s, want a fresh mount with the form recovered\n%s", reply, b.logs)
	}
}

func TestRestoreRunsOnMountHooks(t *testing.T) {
	store := newMapStore()
	a := newSnapServer(t, live.Options{Store: store})
	c, tok := a.clicked(t, "hi", 1)
	a.h.Close()
	closeStatus(c)
	refuse := func(ctx context.Context, c *live.Conn, r *http.Request) error {
		if c.Connected() {
			return live.ErrForbidden // the user signed out meanwhile
		}
		return nil
	}
	b := newSnapServer(t, live.Options{Store: store, OnMount: []live.MountHook{refuse}})
	_, reply := b.joinForms(t, tok, 2, `[]`)
	if reply != `[4,"forbidden"]` {
		t.Fatalf("join refused by a hook: %s, want a reload frame", reply)
	}
	if b.stats.mounts.Load() != 0 {
		t.Error("Mount ran for a refused join")
	}
}

func TestChangedAssetsReloadThePage(t *testing.T) {
	store := newMapStore()
	a := newSnapServer(t, live.Options{Store: store, AssetVersion: "v1"})
	c, tok := a.clicked(t, "hi", 1)
	a.h.Close()
	closeStatus(c)
	same := newSnapServer(t, live.Options{Store: newMapStore(), AssetVersion: "v1"})
	_, reply := same.joinForms(t, tok, 2, `[]`)
	if !strings.HasPrefix(reply, `[0,0,[[9,`) {
		t.Fatalf("join with the same assets: %s, want a render", reply)
	}
	next := newSnapServer(t, live.Options{Store: store, AssetVersion: "v2"})
	_, reply = next.joinForms(t, tok, 2, `[]`)
	if reply != `[4,"static assets changed"]` {
		t.Fatalf("join with other assets: %s, want a reload frame", reply)
	}
	// The reloaded page is of the new version: it joins.
	_, tok = next.page(t, "/form")
	if _, reply = next.joinForms(t, tok, 0, `[]`); reply != `[0,0]` {
		t.Fatalf("join of the reloaded page: %s", reply)
	}
}

// TestStaleGETViewIsNotAdopted: a page whose GET went to one instance and
// whose live connection to another (a balancer without sticky sessions)
// later rejoins the first, which still keeps the view its GET mounted.
// That view never saw the page's clicks: the saved state wins.
func TestStaleGETViewIsNotAdopted(t *testing.T) {
	store := newMapStore()
	a := newSnapServer(t, live.Options{Store: store})
	b := newSnapServer(t, live.Options{Store: store})
	_, tok := a.page(t, "/form") // a keeps this view for its page to adopt
	c, reply := b.joinForms(t, tok, 0, `[]`)
	if !strings.HasPrefix(reply, `[0,0,[[9,`) {
		t.Fatalf("join on b: %s, want a fresh mount", reply)
	}
	c.send(`[1,1,"inc"]`)
	c.read()
	c.send(`[1,2,"inc"]`)
	c.read()
	b.h.Close()
	closeStatus(c)
	// The page has applied 3 patch frames: the join's and two clicks'.
	_, reply = a.joinForms(t, tok, 3, `[]`)
	if !strings.Contains(reply, `<p id=\"count\">2</p>`) {
		t.Fatalf("rejoin on a: %s, want the count of 2 the page shows, not the GET's view", reply)
	}
}

func TestFailedSnapshotIsNotSaved(t *testing.T) {
	for _, query := range []string{"fail", "panic"} {
		t.Run(query, func(t *testing.T) {
			store := newMapStore()
			a := newSnapServer(t, live.Options{Store: store})
			c, tok := a.clicked(t, query, 2)
			a.h.Close()
			if got := closeStatus(c); got != websocket.StatusServiceRestart {
				t.Fatalf("the page's connection ended with %v, want 1012: a failed snapshot is no crash", got)
			}
			if store.len() != 0 {
				t.Fatal("a failed snapshot was saved")
			}
			if logs := a.logs.String(); !strings.Contains(logs, "view not saved") || !strings.Contains(logs, "saved=0 views=1") {
				t.Errorf("want the failure logged:\n%s", logs)
			}
			b := newSnapServer(t, live.Options{Store: store})
			_, reply := b.joinForms(t, tok, 3, fmt.Sprintf(`[["form","validate",{"query":%q}]]`, query))
			if !strings.Contains(reply, `<p id=\"count\">0</p>`) || !strings.Contains(reply, fmt.Sprintf(`value=\"%s\"`, query)) {
				t.Fatalf("join after a failed snapshot: %s, want a fresh view with the form recovered", reply)
			}
		})
	}
}
