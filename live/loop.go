package live

import (
	"fmt"
	"runtime/debug"
	"time"

	"github.com/coder/websocket"
)

// The view's loop. A view is an actor: one goroutine at a time runs its
// callbacks, one message at a time, in order. That goroutine lives while
// there is work: drain handles what is in the mailbox, then ends, and the
// next post starts another. A view that waits (the usual state of a page)
// costs no goroutine and no stack; its state stays where it was.
//
// Handing over is race free: the holder of running drains; to end, it lets
// running go and looks once more, so a message posted meanwhile is taken
// either by it or by the goroutine the post started (wake).

// maxCoalesce bounds how many message updates one render may stand for.
const maxCoalesce = 32

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
	if s.rest != nil {
		s.rest.Stop() // it has fired: a view at rest need not keep it
		s.rest = nil
	}
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
