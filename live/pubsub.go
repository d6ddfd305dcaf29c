package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
)

// A PubSub carries messages between views: in this process (NewLocalPubSub)
// or across machines (the live/natspubsub adapter). Views use it through a
// Topic; other code may call it directly.
//
// Implementations must be safe for concurrent use. Messages from one
// publisher (one goroutine calling Publish in turn) reach each subscriber in
// the order they were published; messages from different publishers may
// interleave. Delivery is at most once: a message is lost, never repeated,
// when a subscriber cannot be reached (a network outage, a node that is
// down).
type PubSub interface {
	// Publish sends msg to every subscription to topic, in this process
	// and, for a distributed PubSub, on every node. It does not wait for
	// subscribers: it returns once the message is on its way, and an error
	// only when it could not be sent at all. Publish does not keep msg
	// after it returns.
	Publish(ctx context.Context, topic string, msg []byte) error

	// Subscribe calls fn with every message published to topic from the
	// time Subscribe returns until unsubscribe is called. (A distributed
	// PubSub can promise this across nodes only while it is connected.)
	//
	// fn runs on the publisher's or the PubSub's own goroutine, possibly
	// on several at once, so it must be safe for concurrent use, must
	// return quickly, must not modify msg and must copy it to keep it.
	// unsubscribe stops the deliveries and may be called more than once;
	// a call to fn under way when it is called may still finish after it
	// returns.
	Subscribe(topic string, fn func(msg []byte)) (unsubscribe func(), err error)
}

// NewLocalPubSub returns a PubSub that delivers messages within this
// process. Publish calls every subscriber's fn on the publisher's own
// goroutine before it returns.
//
// [Options.PubSub] defaults to a new local PubSub per Handler: share one value
// between the handlers of an app so that views on different routes reach
// each other.
func NewLocalPubSub() PubSub { return &localPubSub{topics: map[string][]*localSub{}} }

// A localPubSub keeps each topic's subscribers in a slice that Subscribe
// appends to and unsubscribe swaps the last one into, both in constant
// time: a room that thousands of pages join and leave costs no copy of
// its list per page (a copy on write made joining N pages allocate
// N²/2 pointers). Publish copies the list it delivers to, which costs no
// more than delivering.
type localPubSub struct {
	mu     sync.RWMutex
	topics map[string][]*localSub
	bufs   sync.Pool // *[]*localSub: Publish's copies, reused
}

type localSub struct {
	fn func([]byte)
	i  int // its index in its topic's slice, under mu
}

func (p *localPubSub) Publish(ctx context.Context, topic string, msg []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	buf, _ := p.bufs.Get().(*[]*localSub)
	if buf == nil {
		buf = new([]*localSub)
	}
	p.mu.RLock()
	subs := append((*buf)[:0], p.topics[topic]...)
	p.mu.RUnlock()
	if len(subs) > 0 {
		msg = bytes.Clone(msg) // the publisher may reuse its buffer
		for _, s := range subs {
			s.fn(msg)
		}
	}
	clear(subs) // the pool must not keep subscribers alive
	*buf = subs[:0]
	p.bufs.Put(buf)
	return nil
}

func (p *localPubSub) Subscribe(topic string, fn func([]byte)) (func(), error) {
	s := &localSub{fn: fn}
	p.mu.Lock()
	subs := p.topics[topic]
	s.i = len(subs)
	p.topics[topic] = append(subs, s)
	p.mu.Unlock()
	return sync.OnceFunc(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		subs := p.topics[topic]
		last := len(subs) - 1
		subs[s.i], subs[last].i = subs[last], s.i
		subs[last] = nil
		subs = subs[:last]
		switch {
		case last == 0:
			delete(p.topics, topic)
		case cap(subs) > 64 && last < cap(subs)/4:
			// A room that emptied gives its memory back.
			p.topics[topic] = append([]*localSub(nil), subs...)
		default:
			p.topics[topic] = subs
		}
	}), nil
}

// A Topic names a stream of messages of type T on a PubSub. Publishers and
// subscribers that share a Topic agree on the type, so a view receives each
// message as a T in HandleInfo, with no registry and no type switch on
// bytes.
//
// Messages travel as the JSON encoding of T (encoding/json), and nothing
// else: the bytes a PubSub carries for a Topic are exactly json.Marshal(msg),
// so other programs can publish to a view or listen in. Only exported fields
// travel. A message that does not decode as a T on a receiving node is
// logged and dropped; the subscription carries on. Use
// Topic[json.RawMessage] to decode yourself.
//
// A Topic is a small value: make one per room or document as needed
// (NewTopic[Msg]("room:" + id)).
type Topic[T any] struct{ name string }

// NewTopic returns the topic called name for messages of type T. It panics
// if name is empty.
func NewTopic[T any](name string) Topic[T] {
	if name == "" {
		panic("live: NewTopic: empty name")
	}
	return Topic[T]{name: name}
}

// Name returns the topic's name.
func (t Topic[T]) Name() string { return t.name }

var errNoTopic = errors.New("live: topic has no name (use NewTopic)")

// Publish encodes msg as JSON and publishes it on ps to every view and
// function subscribed to the topic. It may be called from any goroutine:
// views (ps is then usually c.PubSub()), HTTP handlers, background jobs.
// It returns an error if msg cannot be encoded or ps refuses it.
func (t Topic[T]) Publish(ctx context.Context, ps PubSub, msg T) error {
	if t.name == "" {
		return errNoTopic
	}
	if ps == nil {
		return fmt.Errorf("live: topic %q: Publish with a nil PubSub", t.name)
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("live: topic %q: %w", t.name, err)
	}
	if err := ps.Publish(ctx, t.name, data); err != nil {
		return fmt.Errorf("live: topic %q: %w", t.name, err)
	}
	return nil
}

// Subscribe subscribes c's view to the topic on the Handler's PubSub
// ([Options.PubSub]): every message published to it from then on is decoded
// into a T and delivered to the view's HandleInfo, in the view's loop,
// as if with c.Send. Like Send, delivery never blocks the publisher: a
// message that finds the view's mailbox full is dropped and logged.
//
// Call it from the view's callbacks, typically Mount. During the page's
// plain HTTP GET (c.Connected() is false) the subscription waits: it
// starts when the page's live connection runs the view, so a page load
// that never connects costs nothing, and messages published in between
// are not delivered. The subscription ends when the view ends or with
// Unsubscribe. Subscribing again to a topic of the same name does nothing.
//
// It returns ErrNotConnected if the view has ended, and the PubSub's error
// if it refuses the subscription (a waiting subscription that is refused
// when it starts is logged).
func (t Topic[T]) Subscribe(c *Conn) error {
	if t.name == "" {
		return errNoTopic
	}
	return c.s.subscribe(t.name, t.deliver(c.s))
}

// Unsubscribe ends c's view's subscription to the topic, if it has one.
// Messages already in the view's mailbox are still delivered. Call it from
// the view's callbacks.
func (t Topic[T]) Unsubscribe(c *Conn) { c.s.unsubscribe(t.name) }

// deliver returns the subscription function of topic t for s: decode,
// then post without blocking. It never panics and never blocks, so one bad
// message or one slow view holds up no other.
func (t Topic[T]) deliver(s *session) func([]byte) {
	return func(data []byte) {
		defer func() {
			if p := recover(); p != nil {
				stack := debug.Stack()
				s.h.log.ErrorContext(s.ctx, "live: pubsub message dropped: decoding panicked", "topic", t.name, "panic", fmt.Sprint(p), "stack", string(stack))
				s.h.opts.Observer.dropped(s.ctx, s.route, dropPubSub)
				s.h.reportCrash(s.ctx, s, "pubsub", "", p, stack)
			}
		}()
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			s.h.log.WarnContext(s.ctx, "live: pubsub message dropped: cannot decode", "topic", t.name, "type", fmt.Sprintf("%T", v), "size", len(data), "err", err)
			s.h.opts.Observer.dropped(s.ctx, s.route, dropPubSub)
			return
		}
		if err := s.conn.Send(v); errors.Is(err, ErrMailboxFull) {
			s.h.log.WarnContext(s.ctx, "live: pubsub message dropped: mailbox full", "topic", t.name, "type", fmt.Sprintf("%T", v))
		}
	}
}

// PubSub returns the PubSub of the view's Handler ([Options.PubSub]), to
// publish with Topic.Publish. It may be called from any goroutine.
func (c *Conn) PubSub() PubSub { return c.s.h.opts.PubSub }

// viewSubs are the topics a view subscribes to. They end with the view.
// Those subscribed to while the view is mounted for a plain GET wait in
// deferred until the view runs live.
type viewSubs struct {
	mu       sync.Mutex
	topics   map[string]func()       // topic name → unsubscribe
	deferred map[string]func([]byte) // topic name → delivery
	live     bool                    // the view runs: subscribe at once
	ended    bool
	hooked   bool // end is registered with the session's onEnd
}

func (s *session) subscribe(topic string, fn func([]byte)) error {
	v := &s.subs
	v.mu.Lock()
	if v.ended {
		v.mu.Unlock()
		return ErrNotConnected
	}
	_, dup := v.topics[topic]
	_, waiting := v.deferred[topic]
	hook := !v.hooked
	v.hooked = true
	later := !v.live && !s.connected
	if later && !dup && !waiting {
		if v.deferred == nil {
			v.deferred = make(map[string]func([]byte))
		}
		v.deferred[topic] = fn
	}
	v.mu.Unlock()
	if hook {
		s.onEnd(v.end)
	}
	if dup || waiting || later {
		return nil
	}
	return s.subscribeNow(topic, fn)
}

// startSubs subscribes to the topics deferred during the GET's Mount: the
// view now runs live. Errors are logged: there is no callback to return
// them to.
func (s *session) startSubs() {
	v := &s.subs
	v.mu.Lock()
	v.live = true
	deferred := v.deferred
	v.deferred = nil
	v.mu.Unlock()
	for topic, fn := range deferred {
		if err := s.subscribeNow(topic, fn); err != nil && !errors.Is(err, ErrNotConnected) {
			s.h.log.ErrorContext(s.ctx, "live: subscribe failed", "topic", topic, "err", err)
		}
	}
}

func (s *session) subscribeNow(topic string, fn func([]byte)) error {
	unsub, err := s.h.opts.PubSub.Subscribe(topic, fn)
	if err != nil {
		return fmt.Errorf("live: subscribe to %q: %w", topic, err)
	}
	v := &s.subs
	v.mu.Lock()
	if v.ended {
		v.mu.Unlock()
		unsub()
		return ErrNotConnected
	}
	if v.topics == nil {
		v.topics = make(map[string]func())
	}
	v.topics[topic] = unsub
	v.mu.Unlock()
	return nil
}

func (s *session) unsubscribe(topic string) {
	v := &s.subs
	v.mu.Lock()
	unsub := v.topics[topic]
	delete(v.topics, topic)
	delete(v.deferred, topic)
	v.mu.Unlock()
	if unsub != nil {
		unsub()
	}
}

func (v *viewSubs) end() {
	v.mu.Lock()
	v.ended = true
	subs := v.topics
	v.topics, v.deferred = nil, nil
	v.mu.Unlock()
	for _, unsub := range subs {
		unsub()
	}
}
