package live

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync"
	"time"
)

// A Snapshotter is a View whose state survives a deploy. When its Handler
// closes (Handler.Close) with [Options.Store] set, Snapshot saves the
// view's state; when its page reconnects, to this instance once it is back
// or to another, the view is created with the Handler's constructor and
// Restore gives it that state back: the page carries on as it was, with no
// Mount and no form replay.
//
// Snapshot runs on the view's goroutine, like HandleEvent, as its last
// callback: the view ends once the state is saved. It returns the bytes
// Restore reads (encoding/json of the view's state is the usual choice):
// only what is the page's own, never a secret a page could learn that it
// did not already show. An error, or bytes over [Options.MaxSnapshot],
// saves nothing; the page then mounts afresh and recovers its forms.
//
// Restore runs in place of Mount, on the join, with the join's request:
// the [Options.OnMount] hooks have run before it for that request, as for
// any join, so the user is authorized again. It must do what Mount does
// besides setting the state: subscribe to topics, call SetSession, start
// timers. HandleParams then runs with the page's URL, as after Mount. A
// state is restored at most once. If Restore returns an error (data from
// another version of the view, say: put a version in it) or panics, the
// view is dropped and a fresh one is mounted, which recovers the page's
// forms; the error is logged. Stateful components and uploads are not part
// of the snapshot: components mount afresh on the first render.
type Snapshotter interface {
	Snapshot() ([]byte, error)
	Restore(ctx context.Context, c *Conn, data []byte) error
}

// A Store keeps the views' snapshots between the instance that saves them
// and the one their pages rejoin (see Snapshotter and [Options.Store]).
// Keys are a view's random id, in hex, unique across handlers; values
// are at most [Options.MaxSnapshot] bytes.
//
// Put stores value under key, replacing any. Take returns the value under
// key and deletes it, atomically: of two Takes of one key, at most one
// gets the value (that is what makes a state restore at most once); it
// returns nil and no error when there is none. A Store should forget values
// after a while (a TTL a little longer than the time a deploy takes): a
// page that never comes back leaves its snapshot behind. Both methods are
// called concurrently, and must return once ctx is done.
//
// What a Store holds is trusted as the app's own state: keep it where only
// the app's instances reach it.
type Store interface {
	Put(ctx context.Context, key string, value []byte) error
	Take(ctx context.Context, key string) ([]byte, error)
}

// errSnapshot is wrapped by the errors of a snapshot that cannot be
// restored: corrupt, too large, or from another route or view type.
var errSnapshot = errors.New("live: bad snapshot")

// assetsSum identifies the static assets a page loaded: the app's
// AssetVersion and templive's client script.
type assetsSum [8]byte

func assetsOf(version string) assetsSum {
	h := sha256.New()
	h.Write([]byte(loadClient().name))
	h.Write([]byte{0})
	h.Write([]byte(version))
	var a assetsSum
	copy(a[:], h.Sum(nil))
	return a
}

// key is the view's key in the Store.
func (id viewID) key() string { return hex.EncodeToString(id[:]) }

// snapshotMsg asks a view to save its state and end (Handler.Close).
type snapshotMsg struct {
	ctx  context.Context
	sem  chan struct{} // bounds the Puts in flight
	done chan int      // the bytes saved, 0 for none; buffered
}

// maxPuts bounds the Puts in flight while a Handler closes, so that
// thousands of views do not all wait on the Store at once.
const maxPuts = 64

// saveViews saves the state of every Snapshotter among views to the Store,
// waiting at most StoreTimeout. Each view ends once saved, so its page
// reconnects only when its state is in the Store.
func (h *Handler) saveViews(views []*session) {
	if h.opts.Store == nil || len(views) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.opts.StoreTimeout)
	defer cancel()
	start := time.Now()
	sem := make(chan struct{}, maxPuts)
	var (
		wg           sync.WaitGroup
		mu           sync.Mutex
		saved, bytes int
	)
	for _, s := range views {
		if _, ok := s.view.(Snapshotter); !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := snapshotMsg{ctx: ctx, sem: sem, done: make(chan int, 1)}
			if !s.post(ctx, m) {
				return
			}
			var n int
			select {
			case n = <-m.done:
			case <-s.done: // ended before it got to the message, or right after saving
				select {
				case n = <-m.done:
				default:
				}
			case <-ctx.Done():
			}
			if n > 0 {
				mu.Lock()
				saved, bytes = saved+1, bytes+n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		h.log.Warn("live: StoreTimeout passed while saving views; the rest mount afresh", "saved", saved, "views", len(views))
	}
	h.log.Info("live: views saved for their pages to resume", "saved", saved, "views", len(views), "bytes", bytes, "took", time.Since(start))
}

// save handles snapshotMsg: it saves the view's state and ends the view,
// which sends its page to reconnect.
func (s *session) save(m snapshotMsg) bool {
	n := 0
	defer func() { m.done <- n }()
	data, err := s.snapshot()
	if err != nil {
		s.h.log.WarnContext(s.ctx, "live: view not saved", "err", err)
		return false
	}
	if len(data) > s.h.opts.MaxSnapshot {
		s.h.log.WarnContext(s.ctx, "live: view not saved: snapshot over Options.MaxSnapshot", "bytes", len(data), "max", s.h.opts.MaxSnapshot)
		return false
	}
	select {
	case m.sem <- struct{}{}:
	case <-m.ctx.Done():
		return false
	}
	err = s.h.opts.Store.Put(m.ctx, s.id.key(), data)
	<-m.sem
	if err != nil {
		s.h.log.WarnContext(s.ctx, "live: view not saved", "err", fmt.Errorf("live: Store.Put: %w", err))
		return false
	}
	n = len(data)
	return false
}

// snapshot returns the view's state in its envelope, turning a panic in
// Snapshot into an error.
func (s *session) snapshot() (data []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("live: Snapshot panicked: %v\n%s", p, debug.Stack())
		}
	}()
	state, err := s.view.(Snapshotter).Snapshot()
	if err != nil {
		return nil, fmt.Errorf("live: Snapshot: %w", err)
	}
	return snapshot{ref: s.lastRef, path: s.path, view: viewType(s.view), state: state}.encode(), nil
}

// A snapshot is what the Store holds for a view: its state and what the
// restoring instance checks it against.
//
// Layout: version(1) uvarint(lastRef) uvarint(len) path uvarint(len) view state.
type snapshot struct {
	ref   uint64 // the newest event handled: a resent one is not applied twice
	path  string // the route, as in the token
	view  string // the view's Go type: another view's state is refused
	state []byte // Snapshot's bytes
}

const snapshotVersion = 1

func (sn snapshot) encode() []byte {
	b := make([]byte, 0, 1+3*binary.MaxVarintLen64+len(sn.path)+len(sn.view)+len(sn.state))
	b = append(b, snapshotVersion)
	b = binary.AppendUvarint(b, sn.ref)
	b = binary.AppendUvarint(b, uint64(len(sn.path)))
	b = append(b, sn.path...)
	b = binary.AppendUvarint(b, uint64(len(sn.view)))
	b = append(b, sn.view...)
	return append(b, sn.state...)
}

func parseSnapshot(b []byte) (snapshot, error) {
	var sn snapshot
	if len(b) == 0 || b[0] != snapshotVersion {
		return sn, fmt.Errorf("%w: unknown format", errSnapshot)
	}
	b = b[1:]
	ref, n := binary.Uvarint(b)
	if n <= 0 {
		return sn, fmt.Errorf("%w: truncated", errSnapshot)
	}
	sn.ref, b = ref, b[n:]
	for _, field := range []*string{&sn.path, &sn.view} {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return sn, fmt.Errorf("%w: truncated", errSnapshot)
		}
		*field, b = string(b[n:n+int(l)]), b[n+int(l):]
	}
	sn.state = b
	return sn, nil
}

func viewType(v View) string { return fmt.Sprintf("%T", v) }

// restoreSession takes the snapshot of the token's view from the Store and
// restores it into a new view. It returns nil and no error when there is
// nothing to restore or the restore failed (logged): the join then mounts
// afresh. An error is the OnMount hooks' refusal.
func (h *Handler) restoreSession(r *http.Request, tok token) (*session, error) {
	if h.opts.Store == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.StoreTimeout)
	data, err := h.opts.Store.Take(ctx, tok.id.key())
	cancel()
	if err != nil {
		h.log.WarnContext(r.Context(), "live: snapshot lookup failed; mounting afresh", "path", r.URL.Path, "err", fmt.Errorf("live: Store.Take: %w", err))
		return nil, nil
	}
	if data == nil {
		return nil, nil
	}
	s := h.newSession()
	s.id = tok.id
	ok, err := s.restore(r, tok, data)
	if err != nil || s.redirect != "" {
		s.end()
		return nil, h.joinRefusal(r, s, err)
	}
	if !ok {
		s.end() // and what a half-done Restore started
		return nil, nil
	}
	return s, nil
}

// restore runs the OnMount hooks for r, then Restore with the snapshot in
// data. It reports false, having logged why, if the state cannot be
// restored; an error is the hooks'.
func (s *session) restore(r *http.Request, tok token, data []byte) (ok bool, err error) {
	log := func(err error) {
		s.h.log.WarnContext(r.Context(), "live: snapshot not restored; mounting afresh", "path", r.URL.Path, "err", err)
	}
	sn, err := parseSnapshot(data)
	switch {
	case len(data) > s.h.opts.MaxSnapshot:
		err = fmt.Errorf("%w: %d bytes, over Options.MaxSnapshot", errSnapshot, len(data))
	case err != nil:
	case sn.path != tok.path:
		err = fmt.Errorf("%w: for route %q, not %q", errSnapshot, sn.path, tok.path)
	case sn.view != viewType(s.view):
		err = fmt.Errorf("%w: of a %s, not a %s", errSnapshot, sn.view, viewType(s.view))
	}
	sr, isSnapshotter := s.view.(Snapshotter)
	if err == nil && !isSnapshotter {
		err = fmt.Errorf("%w: %s is not a Snapshotter", errSnapshot, sn.view)
	}
	if err != nil {
		log(err)
		return false, nil
	}
	s.connected = true
	s.route, s.path = routeOf(r), r.URL.Path
	if err := s.runMountHooks(r); err != nil || s.redirect != "" {
		return false, err // refused, or sent elsewhere (auth.go)
	}
	ctx := context.WithValue(r.Context(), sessionKey{}, s)
	if err := s.callRestore(ctx, sr, sn.state); err != nil {
		log(err)
		return false, nil
	}
	if err := s.params(ctx, &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}); err != nil {
		log(fmt.Errorf("live: HandleParams: %w", err))
		return false, nil
	}
	s.lastRef = sn.ref
	s.restored = true
	return true, nil
}

// callRestore calls Restore, turning a panic into an error.
func (s *session) callRestore(ctx context.Context, sr Snapshotter, state []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("live: Restore panicked: %v\n%s", p, debug.Stack())
		}
	}()
	if err := sr.Restore(ctx, s.conn, state); err != nil {
		return fmt.Errorf("live: Restore: %w", err)
	}
	return nil
}
