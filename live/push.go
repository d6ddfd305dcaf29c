package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/templive/templive/internal/protocol"
)

// maxPushes bounds the pushed events a view keeps while its page is not
// connected. The oldest are dropped first, with a warning.
const maxPushes = 64

// A pushed is an event queued by Push for the page, already encoded.
type pushed struct {
	name    string
	payload []byte
	before  bool // delivered before the frame carrying the patch
}

// Push sends the page a named event with a JSON payload, delivered with the
// frame that carries the render following the current callback, after the
// page has applied its patch: hooks that handle it see the new DOM. The
// client hands it to every live-hook that registered for name with
// handleEvent, and dispatches it on window as a CustomEvent named
// "templive:"+name whose detail is the payload. When no hook handles it,
// the console warns in development (a page served from loopback).
//
// Names beginning with "live:" are reserved for templive. payload is
// encoded with encoding/json; an error is returned if it does not encode
// and the event is not sent. While the page is not connected (before its
// live connection joins, or during a reconnect) pushes are kept, up to 64,
// and delivered when it joins. Delivery is at most once: a push sent on a
// connection that drops is lost.
//
// Push must be called from the view's own callbacks; another goroutine
// sends the view a message (Conn.Send) and pushes from HandleInfo.
func (c *Conn) Push(name string, payload any) error {
	return c.s.pushApp(name, payload, false)
}

// PushBeforePatch is Push, but the event reaches the page before the patch
// of the same render is applied: a hook can save what the patch is about to
// change.
func (c *Conn) PushBeforePatch(name string, payload any) error {
	return c.s.pushApp(name, payload, true)
}

// Reply answers the browser event being handled with payload: the promise
// returned by the hook's pushEvent resolves with it, once the event's patch
// is applied. It may only be called from HandleEvent; a second call
// replaces the first. A payload that does not encode with encoding/json
// returns an error and leaves the answer as it was.
func (c *Conn) Reply(payload any) error {
	s := c.s
	if !s.answering {
		return errors.New("live: Reply called outside HandleEvent")
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("live: Reply: %w", err)
	}
	s.answer = b
	return nil
}

// PlaySound asks the page to play the sound declared as name by a
// live-sounds container, once the render following the current callback is
// applied. The browser's autoplay rules apply: a page the user has not
// interacted with yet may refuse it (see the package documentation,
// Sound). Like Push, it must be called from the view's callbacks.
func (c *Conn) PlaySound(name string) error {
	return c.s.push(protocol.PushSound, struct {
		Name string `json:"name"`
	}{name}, false)
}

// pushApp is push for the app's own events: the client's names are
// refused.
func (s *session) pushApp(name string, payload any, before bool) error {
	if strings.HasPrefix(name, protocol.PushReserved) {
		return fmt.Errorf("live: Push %q: names beginning with %q are reserved", name, protocol.PushReserved)
	}
	return s.push(name, payload, before)
}

func (s *session) push(name string, payload any, before bool) error {
	if name == "" {
		return errors.New("live: Push: empty event name")
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("live: Push %q: %w", name, err)
	}
	if len(s.pushes) >= maxPushes {
		s.h.log.WarnContext(s.ctx, "live: too many pushed events waiting for the page; the oldest is dropped", "event", s.pushes[0].name)
		s.pushes = append(s.pushes[:0], s.pushes[1:]...)
		s.h.opts.Observer.dropped(s.ctx, s.route, dropPush)
	}
	s.pushes = append(s.pushes, pushed{name: name, payload: b, before: before})
	return nil
}

// deliver sends frame, if any, between the pushes queued since the last
// delivery: those asked to come first, then the frame, then the others.
// carriesOps says whether frame holds patch ops (the page counts those).
// Without a connection, the frame is dropped (the page catches up when it
// joins) and the pushes wait for it.
func (s *session) deliver(frame []byte, carriesOps bool) {
	if s.cur == nil {
		return
	}
	if len(s.pushes) > 0 {
		if f := appendPushes(nil, s.pushes, true); f != nil {
			s.send(f)
		}
	}
	if frame != nil {
		if carriesOps {
			s.sent++
		}
		s.send(frame)
	}
	if len(s.pushes) > 0 {
		if f := appendPushes(nil, s.pushes, false); f != nil {
			s.send(f)
		}
		clear(s.pushes)
		s.pushes = s.pushes[:0]
	}
}

// appendPushes appends one push frame holding, in order, the pushes whose
// before field is before, or nothing (and returns nil for a nil dst) when
// there are none.
func appendPushes(dst []byte, ps []pushed, before bool) []byte {
	return protocol.AppendPushes(dst, func(yield func(string, []byte) bool) {
		for _, p := range ps {
			if p.before == before && !yield(p.name, p.payload) {
				return
			}
		}
	})
}

// callAnswering runs HandleEvent for e, letting it Reply, and returns its
// error and the reply's payload, or nil.
func (s *session) callAnswering(e Event) (answer []byte, err error) {
	s.answering, s.answer = true, nil
	defer func() { s.answering, s.answer = false, nil }()
	err = s.callEvent(e)
	return s.answer, err
}

// replyFrame encodes the reply to ref: [0, ref, ops?], or with an answer
// from Reply, [0, ref, ops or [], answer].
func replyFrame(ref uint64, ops, answer []byte) []byte {
	if answer == nil {
		return protocol.AppendReply(nil, ref, ops)
	}
	return protocol.AppendAnswer(nil, ref, ops, answer)
}

// update renders the view after a callback the server started (a message,
// a timer, a task) and sends the patch and the pushes, if any.
func (s *session) update() {
	if s.cur == nil {
		return // rendered when a connection attaches
	}
	// A burst of messages (a busy topic, a streaming task) renders once
	// when the burst is handled, not once per message: less work, fewer
	// frames, and no slow-client disconnect for a page that merely
	// follows a busy topic. A render still goes out every maxCoalesce
	// messages so a steady stream keeps the page moving.
	if s.waiting() > 0 && s.coalesced < maxCoalesce {
		s.coalesced++
		return
	}
	s.renderUpdate()
}

// renderUpdate renders the view and sends the patch and the pushes, if any.
func (s *session) renderUpdate() {
	ops, err := s.renderDiff()
	s.deliverUpdate(ops, err)
}

// deliverUpdate sends the ops of a render no event asked for (a message's,
// a component's update) as a patch, with the pushes, if any.
func (s *session) deliverUpdate(ops []byte, err error) {
	if err != nil {
		s.renderFailed(0, err)
		return
	}
	var frame []byte
	if ops != nil {
		frame = protocol.AppendPatch(nil, ops)
	}
	s.deliver(frame, ops != nil)
}
