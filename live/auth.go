package live

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

// A MountHook runs before a view's Mount, on the page's GET and on its live
// connection's join: r is that request, after the app's middleware, so the
// user it identified is in r.Context(). It may refuse the page (return
// ErrForbidden), send it elsewhere (c.Redirect; Mount then does not run),
// or tie the view to the user's session (c.SetSession). c.Connected()
// reports which request it is: false for the GET, true for the join.
//
// On a join, the hooks run whether the join adopts the view its GET mounted
// or mounts afresh, but not when a page resumes a view after a network blip
// (the view has been authorized and DisconnectSession ends it). They run in
// order, on the view's goroutine, and the first error stops them.
type MountHook func(ctx context.Context, c *Conn, r *http.Request) error

// An EventHook runs before HandleEvent for every event of the page,
// recovered forms included: one place to authorize them. v is the page's
// view, from which the hook learns who the user is (through a method of the
// app's own, found by type assertion, say), as Mount recorded it. An error refuses
// the event: HandleEvent does not run, the page's console shows the error
// ("live: event "delete" refused: " and the hook's error text, which the
// page sees), the server logs it, and the view carries on. Hooks run in
// order, on the view's goroutine, and the first error stops them.
type EventHook func(ctx context.Context, c *Conn, v View, e Event) error

// runMountHooks runs the handler's OnMount hooks for r.
func (s *session) runMountHooks(r *http.Request) (err error) {
	if len(s.h.opts.OnMount) == 0 {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("live: OnMount hook panicked: %v\n%s", p, debug.Stack())
		}
	}()
	ctx := context.WithValue(r.Context(), sessionKey{}, s)
	for _, hook := range s.h.opts.OnMount {
		if err := hook(ctx, s.conn, r); err != nil {
			return err
		}
		if s.redirect != "" {
			return nil // the page goes elsewhere: nothing more to decide
		}
	}
	return nil
}

// authorizeEvent runs the handler's OnEvent hooks for e.
func (s *session) authorizeEvent(e Event) error {
	for _, hook := range s.h.opts.OnEvent {
		if err := hook(s.ctx, s.conn, s.view, e); err != nil {
			return fmt.Errorf("live: event %q refused: %w", e.Name, err)
		}
	}
	return nil
}

// refuseJoin answers a join that a hook or Mount sent elsewhere: the page
// follows the redirect. It reports false for any other error.
func refuseJoin(c *wsConn, err error) bool {
	var redir redirectError
	if !errors.As(err, &redir) {
		return false
	}
	c.sendNow(protocol.AppendRedirect(nil, "redirect", redir.url))
	c.fail(websocket.StatusNormalClosure, "redirect")
	return true
}

// SetSession ties the view to the session key, so that DisconnectSession
// with the same key ends it, on whichever node of the app it runs. Call it
// from an OnMount hook (one place for every route) or from Mount, with a
// value that names the user's login session: the session's ID, not a
// secret the page could learn (only a hash of it travels on the PubSub).
//
// Like Topic.Subscribe, it uses the Handler's PubSub (Options.PubSub: set
// one shared value, a distributed one across nodes), and during the plain
// GET it waits until the page connects. Calling it again with another key
// ties the view to both. It returns an error for an empty key, and
// ErrNotConnected once the view has ended.
func (c *Conn) SetSession(key string) error {
	if key == "" {
		return errors.New("live: SetSession: empty key")
	}
	s := c.s
	return s.subscribe(sessionTopic(key), func([]byte) {
		// The end of a session must not be lost to a full mailbox.
		if _, err := s.tryPost(sessionEndMsg{}); errors.Is(err, ErrMailboxFull) {
			go s.post(s.ctx, sessionEndMsg{})
		}
	})
}

// DisconnectSession ends every live view tied to the session key
// (Conn.SetSession) on every node that shares ps: call it when the user
// logs out, with the app's PubSub (Options.PubSub). Each page is sent a
// frame that loads it again, at once, so the app's middleware sees the
// ended session (and sends it to the login page, say); views whose page is
// not connected end too. It returns once the message is on its way (see
// PubSub.Publish); a view ends within the time a message takes to reach its
// node. Safe for concurrent use.
func DisconnectSession(ctx context.Context, ps PubSub, key string) error {
	if key == "" {
		return errors.New("live: DisconnectSession: empty key")
	}
	if ps == nil {
		return errors.New("live: DisconnectSession: nil PubSub")
	}
	if err := ps.Publish(ctx, sessionTopic(key), []byte("{}")); err != nil {
		return fmt.Errorf("live: DisconnectSession: %w", err)
	}
	return nil
}

// sessionTopic is the PubSub topic of a session key: a hash, so that the
// key itself never travels between nodes nor shows in a NATS subject.
func sessionTopic(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "live:session:" + hex.EncodeToString(sum[:16])
}

// sessionEndMsg tells a view that its session ended (DisconnectSession).
type sessionEndMsg struct{}

// endSession handles sessionEndMsg: the page is sent to its own URL, a
// full load that goes through the app's middleware again, and the view
// ends when the page has gone, or at once if no page is connected. It
// reports whether the view carries on (until then).
func (s *session) endSession() bool {
	if s.cur == nil {
		return false
	}
	if s.left {
		return true
	}
	target := s.pageURL
	if s.nav.url != nil { // where live patches have taken the page since
		target = s.nav.url.RequestURI()
	}
	if checkRedirect(target) != nil {
		target = "" // the client reloads
	}
	if target == "" {
		s.send(protocol.AppendReload(nil, "session ended"))
	} else {
		s.send(protocol.AppendRedirect(nil, "session ended", target))
	}
	s.left = true
	return true
}
