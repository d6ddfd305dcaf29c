package live

import (
	"errors"
	"fmt"
	"time"

	"github.com/coder/websocket"
	"github.com/templive/templive/internal/protocol"
)

// The view's callbacks for what its page sends: the join that attaches
// the page, events, and messages for HandleInfo.

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
	if s.joins == 1 {
		// The page has just loaded: the tree this diff needed (a
		// stream's batch, a message since the GET) waits for the first
		// change, as the GET's did, rather than for HibernateAfter.
		s.doc.Compact()
	}
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
