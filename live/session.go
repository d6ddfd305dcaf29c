package live

import (
	"context"
	"errors"
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
	live     bool     // the loop runs: the view was adopted or mounted on join
	deferred []func() // whenLive work waiting for that

	cleanupMu sync.Mutex
	cleanups  []func() // run once when the view ends: timers, tasks, subscriptions
	page      *wsConn  // the connection serving the view, told when the view ends
	subs      viewSubs // the view's PubSub topics (pubsub.go)
	work      workers  // the view's async tasks and timers (async.go)
	upOnce    sync.Once
	ups       *uploads                // the view's file uploads (upload_state.go)
	upsReady  atomic.Pointer[uploads] // ups, for the connection's reader

	// The loop's: owned by the holder of running.
	doc       *htmldiff.Doc // the last render, as the client has it
	connected bool
	recovered bool            // mounted on join: the page's DOM is from another life
	restored  bool            // restored on join from a snapshot (snapshot.go)
	cur       *wsConn         // the attached connection, or nil
	sent      uint64          // patch-carrying frames sent since the page loaded
	lastRef   uint64          // the newest event ref handled
	coalesced int             // message updates put off while a burst is handled
	expiry    *time.Timer     // ends the view if no connection resumes it
	rest      *time.Timer     // puts the view at rest after HibernateAfter of quiet
	resting   atomic.Bool     // at rest: its Doc is compacted (read by tests)
	ops       []htmldiff.Op   // reused by every diff
	pushes    []pushed        // events for the page, sent with the next frame (push.go)
	answering bool            // HandleEvent runs: Reply may set answer
	answer    []byte          // the Reply to the event being handled
	redirect  string          // where a callback sends the page (redirect.go)
	left      bool            // the page was sent away: its connection's end ends the view
	pageURL   string          // the page's URL, from its join (auth.go)
	octx      context.Context // the Observer's context for the event handled, or nil
	joins     int             // connections attached so far: after the first, a resume
	counted   bool            // Observer.Views heard of the view (run)
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

// renderTree renders the view, keeps it as what the client will have, and
// returns the HTML.
func (s *session) renderTree(ctx context.Context) ([]byte, error) {
	body, err := s.renderBody(ctx)
	if err != nil {
		return nil, err
	}
	doc, err := parse(body)
	if err != nil {
		return nil, err
	}
	s.doc = doc
	return body, nil
}

// renderDiff renders the view and returns the encoded ops that turn the
// last render into this one, or nil when nothing changed.
func (s *session) renderDiff() (out []byte, err error) {
	ctx := s.opCtx()
	s.beforeRender()
	body, err := s.renderBody(ctx)
	if err != nil {
		return nil, err
	}
	s.afterRender()
	if end := s.h.opts.Observer.diff(ctx, s.route); end != nil {
		defer func() { end(len(out), err) }()
	}
	// Update parses and diffs again only what changed since the last render.
	if s.ops, err = s.doc.Update(s.ops[:0], body); err != nil {
		return nil, err
	}
	s.coalesced = 0 // this render shows every update put off
	if len(s.ops) == 0 {
		return nil, nil
	}
	return htmldiff.AppendJSON(nil, s.ops), nil
}

// renderAll renders the view and returns one op that morphs the whole root
// into it: what a client whose DOM is not the last render needs.
func (s *session) renderAll() ([]byte, error) {
	s.beforeRender()
	body, err := s.renderTree(s.ctx)
	if err != nil {
		return nil, err
	}
	s.afterRender()
	return htmldiff.AppendJSON(nil, []htmldiff.Op{{Kind: htmldiff.OpMorph, Path: []int{}, Data: string(body)}}), nil
}

// post delivers m to the view's mailbox, waiting for room. It reports false
// if the view ended or ctx was cancelled first.
func (s *session) post(ctx context.Context, m message) bool {
	for {
		switch room, err := s.tryPost(m); err {
		case nil:
			return true
		case ErrMailboxFull:
			select {
			case <-room:
			case <-s.done:
				return false
			case <-ctx.Done():
				return false
			}
		default:
			return false
		}
	}
}

// tryPost delivers m to the view's mailbox if it has room. If not, it
// returns ErrMailboxFull and a channel closed when there may be room.
func (s *session) tryPost(m message) (room <-chan struct{}, err error) {
	s.mailboxMu.Lock()
	select {
	case <-s.done:
		s.mailboxMu.Unlock()
		return nil, ErrNotConnected
	default:
	}
	if s.mailbox.len() >= s.h.opts.MailboxSize {
		room = s.mailbox.wait()
		s.mailboxMu.Unlock()
		return room, ErrMailboxFull
	}
	s.mailbox.push(m)
	s.mailboxMu.Unlock()
	s.wake()
	return nil, nil
}

// next takes the oldest message from the mailbox.
func (s *session) next() (message, bool) {
	s.mailboxMu.Lock()
	defer s.mailboxMu.Unlock()
	return s.mailbox.pop()
}

// waiting reports how many messages wait in the mailbox.
func (s *session) waiting() int {
	s.mailboxMu.Lock()
	defer s.mailboxMu.Unlock()
	return s.mailbox.len()
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

// maxCoalesce bounds how many message updates one render may stand for.
const maxCoalesce = 32

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

// The view's loop. A view is an actor: one goroutine at a time runs its
// callbacks, one message at a time, in order. That goroutine lives while
// there is work: drain handles what is in the mailbox, then ends, and the
// next post starts another. A view that waits (the usual state of a page)
// costs no goroutine and no stack; its state stays where it was.
//
// Handing over is race free: the holder of running drains; to end, it lets
// running go and looks once more, so a message posted meanwhile is taken
// either by it or by the goroutine the post started (wake).

// wake makes sure a goroutine drains the mailbox.
func (s *session) wake() {
	if s.running.CompareAndSwap(false, true) {
		go s.drain()
	}
}

// drain runs the view's messages until none is left, or until the view
// ends; then it finishes the view, and running is never let go.
func (s *session) drain() {
	for {
		if s.ctx.Err() != nil {
			s.finish()
			return
		}
		if m, ok := s.next(); ok {
			if !s.handle(m) {
				s.finish()
				return
			}
			if s.coalesced > 0 && s.waiting() == 0 {
				s.update() // the end of a burst: the update put off
			}
			continue
		}
		s.quiet()
		s.running.Store(false)
		if s.waiting() == 0 && s.ctx.Err() == nil {
			return
		}
		if !s.running.CompareAndSwap(false, true) {
			return // the goroutine a post started has it
		}
	}
}

// quiet arms the timer that puts the view at rest once it has had nothing
// to do for HibernateAfter, unless it rests already.
func (s *session) quiet() {
	d := s.h.opts.HibernateAfter
	switch {
	case d < 0 || s.resting.Load():
	case s.rest == nil:
		s.rest = time.AfterFunc(d, func() { s.tryPost(restMsg{}) })
	default:
		s.rest.Reset(d)
	}
}

// hibernate puts the view at rest: only its state and the bytes of its
// last render stay.
func (s *session) hibernate() {
	if s.waiting() > 0 || s.doc == nil {
		return // not quiet after all
	}
	s.doc.Compact()
	s.ops = nil
	s.resting.Store(true)
}

// finish ends the view from its loop.
func (s *session) finish() {
	if s.rest != nil {
		s.rest.Stop()
	}
	if s.expiry != nil {
		s.expiry.Stop()
		s.h.views.reattach() // no longer waiting
	}
	s.h.views.remove(s)
	if s.counted {
		s.counted = false
		s.h.opts.Observer.views(s.route, -1)
	}
	if s.cur != nil { // the view ended under its page: let it reconnect
		s.cur.fail(websocket.StatusServiceRestart, "view ended")
	}
	s.end()
}

// handle runs one message. It reports false when the view must end. A
// panic in any callback ends the view: it is logged with its stack and the
// client is disconnected, so it rejoins, mounts afresh and recovers its
// forms. The server and every other view carry on.
func (s *session) handle(m message) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			stack := debug.Stack()
			s.h.log.ErrorContext(s.ctx, "live: view panicked", "panic", fmt.Sprint(p), "stack", string(stack))
			during, event := crashDuring(m)
			s.h.reportCrash(s.ctx, s, during, event, p, stack)
			// Forget the view before the page hears of the crash: a
			// rejoin that still found it would post to a dead mailbox.
			s.h.views.remove(s)
			s.crashed.Store(true)
			if s.cur != nil {
				s.cur.fail(statusViewCrashed, "view crashed")
			}
			ok = false
		}
	}()
	if _, rest := m.(restMsg); !rest {
		s.resting.Store(false)
	}
	switch m := m.(type) {
	case restMsg:
		s.hibernate()
	case attachMsg:
		s.attach(m)
	case detachMsg:
		if m.c == s.cur {
			s.cur = nil
			if s.left {
				return false // the page went elsewhere (redirect.go)
			}
			// Keep the view so a page whose connection dropped can
			// resume it, state and all, for a while.
			if !s.h.views.detach(s.h.opts.MaxDetached) {
				return false
			}
			s.expiry = time.AfterFunc(s.h.opts.ResumeTimeout, func() { s.post(s.ctx, expireMsg{}) })
		}
	case expireMsg:
		if s.cur == nil {
			return false
		}
	case sessionEndMsg:
		return s.endSession()
	case snapshotMsg:
		return s.save(m) // the handler closes (snapshot.go)
	case leaveMsg:
		if m.c == s.cur {
			s.cur = nil
		}
		close(m.done)
		return false
	case eventMsg:
		if m.c == s.cur && !s.left {
			s.event(m.e, m.at)
		}
	case resyncMsg:
		if m.c == s.cur {
			s.resync(0)
		}
	case infoMsg:
		s.info(m.msg)
	case uploadMsg:
		s.update()
	case uploadFrameMsg:
		if m.c == s.cur {
			s.upload(m.up)
		}
	case progressMsg:
		if m.c == s.cur {
			s.progress(m.p)
		}
	case taskMsg:
		s.taskMessage(m)
	case doneMsg:
		s.taskDone(m)
	case updateMsg:
		s.componentUpdate(m) // component.go
	}
	s.leave() // if a callback asked for a redirect
	return true
}

func (s *session) attach(m attachMsg) {
	if s.expiry != nil {
		s.expiry.Stop()
		s.expiry = nil
		s.h.views.reattach()
	}
	if s.cur != nil && s.cur != m.c {
		// The page came back on a new connection before the old one
		// was seen to die.
		s.cur.fail(websocket.StatusNormalClosure, "replaced by a new connection")
	}
	s.cur = m.c
	s.connected = true
	s.pageURL = m.join.URL
	s.joins++
	for k, v := range m.flash {
		s.conn.PutFlash(k, v)
	}
	if s.restored {
		// The page's DOM is from another instance's copy of the same
		// state: send it all, replay no form.
		s.restored = false
		s.h.opts.Observer.restored(s.ctx, s.route)
		s.sent = m.join.Applied
		s.resync(0)
		return
	}
	if s.recovered {
		s.h.opts.Observer.recovered(s.ctx, s.route, len(m.join.Forms))
		// The page outlived the server's copy of its view: rebuild the
		// state from its forms, then send it all.
		s.recovered = false
		s.sent = m.join.Applied
		var failed [][]byte
		for _, f := range m.join.Forms {
			if err := s.recoverForm(f); err != nil { // component.go
				// As for any event: logged, told to the page (after
				// the render, so the join succeeds), the view goes on.
				s.h.log.WarnContext(s.ctx, "live: form recovery event failed", "form", f.ID, "event", f.Event, "err", err)
				failed = append(failed, protocol.AppendError(nil, 0, fmt.Sprintf("recovering form %q: %s", f.ID, eventErrorText(f.Event, err))))
			}
		}
		s.resync(0)
		for _, frame := range failed {
			s.send(frame)
		}
		return
	}
	if s.joins > 1 {
		s.h.opts.Observer.resumed(s.ctx, s.route)
	}
	if m.join.Applied != s.sent {
		s.resync(0)
		return
	}
	ops, err := s.renderDiff() // messages may have changed the view since the GET
	if err != nil {
		s.renderFailed(0, err)
		return
	}
	s.reply(0, ops)
}

func (s *session) resync(ref uint64) {
	ops, err := s.renderAll()
	if err != nil {
		s.renderFailed(ref, err)
		return
	}
	s.reply(ref, ops)
}

func (s *session) event(pe *protocol.Event, at time.Time) {
	if pe.Ref <= s.lastRef {
		// A resent event already handled: ack only. Its ack follows
		// every frame of what the view handled before it, the render of
		// updates put off in a burst included (livetest waits on it).
		if s.coalesced > 0 {
			s.renderUpdate()
		}
		s.reply(pe.Ref, nil)
		return
	}
	s.lastRef = pe.Ref
	if ctx, end := s.h.opts.Observer.event(s.ctx, s.route, pe.Name, at); end != nil {
		s.octx = ctx
		defer func() { s.octx = nil }()
		var err error
		defer ended(end, &err)
		err = s.handleEvent(pe)
		return
	}
	s.handleEvent(pe)
}

// handleEvent runs a browser event and sends its reply; it returns
// HandleEvent's error or the render's, for the Observer.
func (s *session) handleEvent(pe *protocol.Event) error {
	if pe.Component != "" {
		s.componentEvent(pe) // component.go
		return nil
	}
	var answer []byte
	e := Event{Name: pe.Name, Values: pe.Values}
	reserved, err := s.reservedEvent(e) // the client's own: navigate.go
	if !reserved {
		answer, err = s.callAnswering(e)
	}
	ops, rerr := s.renderDiff()
	if rerr != nil {
		s.renderFailed(pe.Ref, rerr)
		return rerr
	}
	if err != nil {
		s.h.log.WarnContext(s.ctx, "live: event failed", "event", pe.Name, "err", err)
		var patch []byte
		if ops != nil {
			patch = protocol.AppendPatch(nil, ops)
		}
		s.deliver(patch, ops != nil)
		s.send(protocol.AppendError(nil, pe.Ref, eventErrorText(pe.Name, err)))
		return err
	}
	s.deliver(replyFrame(pe.Ref, ops, answer), ops != nil)
	return nil
}

func eventErrorText(name string, err error) string {
	if errors.Is(err, ErrUnknownEvent) {
		return fmt.Sprintf("unknown event %q", name)
	}
	return err.Error()
}

func (s *session) callEvent(e Event) error {
	if err := s.authorizeEvent(e); err != nil {
		return err
	}
	eh, ok := s.view.(EventHandler)
	if !ok {
		return ErrUnknownEvent
	}
	return eh.HandleEvent(s.opCtx(), s.conn, e)
}

func (s *session) info(msg any) {
	ih, ok := s.view.(InfoHandler)
	if !ok {
		s.h.log.WarnContext(s.ctx, "live: message sent to a view without HandleInfo", "type", fmt.Sprintf("%T", msg))
		return
	}
	if err := ih.HandleInfo(s.ctx, s.conn, msg); err != nil {
		s.h.log.WarnContext(s.ctx, "live: HandleInfo failed", "type", fmt.Sprintf("%T", msg), "err", err)
	}
	s.update()
}

func (s *session) renderFailed(ref uint64, err error) {
	s.h.log.ErrorContext(s.ctx, "live: render failed", "err", err)
	s.send(protocol.AppendError(nil, ref, "render failed"))
}

func (s *session) reply(ref uint64, ops []byte) {
	s.deliver(protocol.AppendReply(nil, ref, ops), ops != nil)
}

func (s *session) send(frame []byte) {
	if s.cur != nil {
		s.cur.send(frame)
	}
}
