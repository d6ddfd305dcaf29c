package live

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/htmldiff"
	"github.com/templive/templive/internal/protocol"
)

// A session is one live view: the actor that owns it. Exactly one goroutine
// (loop) runs the view's callbacks, one message at a time; everything else
// reaches the view through its bounded mailbox. A session outlives the
// connections that attach to it only as long as the handler allows.
type session struct {
	h         *Handler
	id        viewID
	view      View
	route     string // for the Observer (routeOf), set by mount
	path      string // the page's URL path, set by mount
	conn      *Conn
	mailboxMu sync.Mutex
	mailbox   fifo[message]   // at most Options.MailboxSize
	ctx       context.Context // the view's own: cancelled when the view ends
	cancel    context.CancelFunc
	done      chan struct{}
	endOnce   sync.Once
	crashed   atomic.Bool // a callback panicked: pages hear 1011 (endStatus)
	start     sync.Once
	// running is held by whoever runs the view's callbacks: the mounting
	// request, then the goroutine draining the mailbox (drain). Only its
	// holder touches the fields below marked as the loop's.
	running atomic.Bool

	liveMu   sync.Mutex
	deferred []func() // whenLive work waiting for live (below)

	cleanupMu sync.Mutex
	cleanups  []func() // run once when the view ends: timers, tasks, subscriptions
	page      *wsConn  // the connection serving the view, told when the view ends
	subs      viewSubs // the view's PubSub topics (pubsub.go)
	work      workers  // the view's async tasks and timers (async.go)
	upOnce    sync.Once
	resting   atomic.Bool             // the loop's (here to fill upOnce's word): at rest, its Doc compacted
	ups       *uploads                // the view's file uploads (upload_state.go)
	upsReady  atomic.Pointer[uploads] // ups, for the connection's reader

	// The loop's: owned by the holder of running.
	doc       *htmldiff.Doc // the last render, as the client has it
	connected bool
	recovered bool // mounted on join: the page's DOM is from another life
	restored  bool // restored on join from a snapshot (snapshot.go)
	answering bool // HandleEvent runs: Reply may set answer
	left      bool // the page was sent away: its connection's end ends the view
	counted   bool // Observer.Views heard of the view (run)
	// liveMu's, beside the loop's flags so that the struct has no holes
	// and, with its 8-byte malloc header, fits the 640-byte size class
	// (idle memory, BenchmarkIdleMemory).
	live      bool            // the loop runs: the view was adopted or mounted on join
	cur       *wsConn         // the attached connection, or nil
	sent      uint64          // patch-carrying frames sent since the page loaded
	lastRef   uint64          // the newest event ref handled
	coalesced int32           // message updates put off while a burst is handled
	joins     int32           // connections attached so far: after the first, a resume
	expiry    *time.Timer     // ends the view if no connection resumes it
	rest      *time.Timer     // puts the view at rest after HibernateAfter of quiet
	ops       []protocol.Op   // reused by every diff
	pushes    []pushed        // events for the page, sent with the next frame (push.go)
	answer    []byte          // the Reply to the event being handled
	redirect  string          // where a callback sends the page (redirect.go)
	pageURL   string          // the page's URL, from its join (auth.go)
	octx      context.Context // the Observer's context for the event handled, or nil
	comps     components      // the view's stateful components (component.go)
	nav       navState        // the page's URL, title and flash (navigate.go)
}

type message interface{}

type (
	eventMsg struct {
		c  *wsConn
		e  *protocol.Event
		at time.Time // when it was read, if the Observer wants it
	}
	resyncMsg struct{ c *wsConn }
	infoMsg   struct{ msg any }
	attachMsg struct {
		c     *wsConn
		join  *protocol.Join
		flash map[string]string // handed over by the view the page navigated from
	}
	detachMsg struct{ c *wsConn }
	expireMsg struct{}
	restMsg   struct{} // the view has been quiet for HibernateAfter
)

func (h *Handler) newSession() *session {
	s := &session{
		h:    h,
		id:   newViewID(),
		view: h.newView(),
		done: make(chan struct{}),
	}
	// The view's context names it, so that what its callbacks log is
	// attributed to its page (console.go).
	s.ctx, s.cancel = context.WithCancel(context.WithValue(context.Background(), sessionKey{}, s))
	s.conn = &Conn{s: s}
	s.running.Store(true) // the mounting request's, until run
	return s
}

// mount runs the view's Mount, if it has one, turning a panic into an
// error.
func (s *session) mount(r *http.Request) (err error) {
	s.connected = isUpgrade(r) || isStream(r)
	s.route, s.path = routeOf(r), r.URL.Path
	if err := s.runMountHooks(r); err != nil || s.redirect != "" {
		return err // refused, or sent elsewhere: Mount need not run (auth.go)
	}
	ctx, end := s.h.opts.Observer.mount(r.Context(), s.route)
	defer func() {
		if p := recover(); p != nil {
			stack := debug.Stack()
			err = fmt.Errorf("live: Mount or HandleParams panicked: %v\n%s", p, stack)
			s.h.reportCrash(r.Context(), s, "mount", "", p, stack)
		}
		if end != nil {
			end(err)
		}
	}()
	ctx = context.WithValue(ctx, sessionKey{}, s)
	if m, ok := s.view.(Mounter); ok {
		if err := m.Mount(ctx, s.conn, r); err != nil || s.redirect != "" {
			return err
		}
	}
	if err := s.params(ctx, &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}); err != nil {
		return fmt.Errorf("live: HandleParams: %w", err)
	}
	return nil
}

// end ends the view: its context is cancelled, its mailbox refuses
// messages, and its cleanups run, newest first. Safe from any goroutine;
// idempotent.
func (s *session) end() {
	s.endOnce.Do(func() {
		close(s.done)
		s.cancel()
		s.cleanupMu.Lock()
		fns := s.cleanups
		s.cleanups = nil
		page := s.page
		s.cleanupMu.Unlock()
		if page != nil {
			page.fail(s.endStatus())
		}
		for i := len(fns) - 1; i >= 0; i-- {
			fns[i]()
		}
		s.wake() // the loop finishes the view, if it runs (drain)
	})
}

// serving makes c the connection that hears when the view ends (with the
// status of endStatus), or tells it now if the view has ended. However the
// view ends, its page hears of it, even when the view ended before it took
// c's join (a crash on a message it had waiting): a join must never go
// unanswered.
func (s *session) serving(c *wsConn) {
	s.cleanupMu.Lock()
	select {
	case <-s.done:
		s.cleanupMu.Unlock()
		c.fail(s.endStatus())
		return
	default:
	}
	s.page = c
	s.cleanupMu.Unlock()
}

// served forgets c, if it is still the connection serving the view.
func (s *session) served(c *wsConn) {
	s.cleanupMu.Lock()
	if s.page == c {
		s.page = nil
	}
	s.cleanupMu.Unlock()
}

// onEnd registers fn to run when the view ends, or runs it now if the view
// has ended already. Everything a view starts that could outlive it
// (timers, async tasks, subscriptions) registers its stop here.
func (s *session) onEnd(fn func()) {
	s.cleanupMu.Lock()
	select {
	case <-s.done:
		s.cleanupMu.Unlock()
		fn()
		return
	default:
	}
	s.cleanups = append(s.cleanups, fn)
	s.cleanupMu.Unlock()
}

// endStatus is the close status for a page whose view ended.
func (s *session) endStatus() (websocket.StatusCode, string) {
	if s.crashed.Load() {
		return statusViewCrashed, "view crashed"
	}
	return websocket.StatusServiceRestart, "view ended"
}

func (s *session) run() {
	s.start.Do(func() {
		s.h.views.add(s)
		s.counted = true
		s.h.opts.Observer.views(s.route, +1)
		s.startSubs() // those Mount asked for during the GET (pubsub.go)
		s.liveMu.Lock()
		s.live = true
		deferred := s.deferred
		s.deferred = nil
		s.liveMu.Unlock()
		for _, fn := range deferred {
			fn()
		}
		go s.drain() // with running, from the mounting request
	})
}

// whenLive runs fn now if the view runs live, or else when the page's live
// connection adopts it: work a view starts while it is mounted for the
// plain GET (async tasks) is not done for a page that never connects.
func (s *session) whenLive(fn func()) {
	s.liveMu.Lock()
	if !s.live {
		s.deferred = append(s.deferred, fn)
		s.liveMu.Unlock()
		return
	}
	s.liveMu.Unlock()
	fn()
}
