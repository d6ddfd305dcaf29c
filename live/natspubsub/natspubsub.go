// Package natspubsub is a live.PubSub over NATS (https://nats.io), so that
// views on several machines reach each other. Apps that do not import it do
// not link the NATS client.
//
//	ps, err := natspubsub.Connect("nats://nats.internal:4222", nil)
//	if err != nil { ... }
//	defer ps.Close()
//	opts := &live.Options{PubSub: ps, Secrets: ...} // one ps for every handler
//
// # Encoding
//
// A message published to topic t is one NATS message, on the subject
// Prefix + "." + t, whose payload is exactly the bytes given to Publish (for
// a live.Topic, the JSON encoding of the value), with no headers. In the
// topic, the bytes '%', '.', '*', '>', space, control characters and DEL are
// percent-encoded (%2E for '.'), so that any topic is one literal subject
// token: "chat:lobby" travels on "templive.chat:lobby", "a.b" on
// "templive.a%2Eb", and no topic can be a wildcard. Messages are limited to
// the server's max_payload (1 MB by default); Publish refuses larger ones.
//
// Each node holds one NATS subscription per topic that any of its views
// subscribes to, whatever their number, and fans messages out in process.
//
// # Outages
//
// NATS core delivers at most once. While the connection to NATS is down,
// pages keep working, and views on one node still reach each other only
// through NATS, so not at all. The connection is retried forever (every
// two seconds by default) and, once back, its subscriptions are restored:
// nothing needs restarting. Messages published during the outage are kept
// in the client's reconnect buffer (8 MB by default) and sent when the
// connection is back; a subscriber on another node receives them only if
// its own connection is back by then, so expect to lose some. Once the
// buffer is full, Publish returns an error and the message is lost.
// Messages published on other nodes while this node is disconnected never
// reach it.
package natspubsub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
)

// Options configure a PubSub. A nil *Options uses the defaults.
type Options struct {
	// Prefix starts every subject, so that apps sharing a NATS server keep
	// apart. It must be a valid literal subject (no wildcards, no spaces).
	// Default "templive".
	Prefix string

	// Logger receives connection state changes, NATS errors (a slow
	// consumer, a permission refused) and panics in subscribers. Nil uses
	// slog.Default().
	Logger *slog.Logger

	// NATS are extra options for Connect, applied after its own (reconnect
	// forever, log state changes), so they may override them. New ignores
	// them.
	NATS []nats.Option
}

// A PubSub is a live.PubSub over one NATS connection. It is safe for
// concurrent use.
type PubSub struct {
	nc     *nats.Conn
	own    bool // Close closes nc
	prefix string
	log    *slog.Logger

	closed atomic.Bool // set under mu

	mu     sync.Mutex
	topics map[string]*topic
}

// A topic is one NATS subscription shared by every local subscriber.
type topic struct {
	sub   *nats.Subscription
	ready chan struct{}                 // closed once the server has the subscription
	subs  atomic.Pointer[[]*subscriber] // copied on write under PubSub.mu
}

type subscriber struct{ fn func([]byte) }

// ErrClosed is returned by Publish and Subscribe after Close.
var ErrClosed = errors.New("natspubsub: closed")

// flushTimeout bounds the wait, in Subscribe, for the server to confirm a
// new subscription.
const flushTimeout = 2 * time.Second

// Connect connects to the NATS server(s) at url (comma-separated for a
// cluster) and returns a PubSub that owns the connection: Close closes it.
// The connection reconnects forever, and logs each disconnection and
// reconnection. Connect fails if no server answers; add
// nats.RetryOnFailedConnect(true) to [Options.NATS] to start anyway.
func Connect(url string, opts *Options) (*PubSub, error) {
	o := withDefaults(opts)
	log := o.Logger
	nopts := []nats.Option{
		nats.Name("templive"),
		nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("natspubsub: disconnected from NATS, reconnecting", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("natspubsub: reconnected to NATS", "url", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			log.Error("natspubsub: NATS error", "subject", subject, "err", err)
		}),
	}
	nc, err := nats.Connect(url, append(nopts, o.NATS...)...)
	if err != nil {
		return nil, fmt.Errorf("natspubsub: connect to %s: %w", url, err)
	}
	p := New(nc, opts)
	p.own = true
	return p, nil
}

// New returns a PubSub over nc, which the caller keeps: Close does not
// close it. Give nc a reconnect policy (nats.MaxReconnects(-1)) so that it
// outlives NATS outages. New panics if [Options.Prefix] is not a valid
// literal subject.
func New(nc *nats.Conn, opts *Options) *PubSub {
	o := withDefaults(opts)
	if !validPrefix(o.Prefix) {
		panic(fmt.Sprintf("natspubsub: invalid Prefix %q: want a literal subject such as \"templive\" or \"myapp.live\"", o.Prefix))
	}
	return &PubSub{nc: nc, prefix: o.Prefix, log: o.Logger, topics: map[string]*topic{}}
}

func withDefaults(opts *Options) Options {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Prefix == "" {
		o.Prefix = "templive"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Publish sends msg to every subscriber of topic on every node connected to
// the same NATS. It returns once the message is in the connection's
// buffer; during an outage, see the package documentation.
func (p *PubSub) Publish(ctx context.Context, topic string, msg []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	subject, err := p.subject(topic)
	if err != nil {
		return err
	}
	if p.closed.Load() {
		return ErrClosed
	}
	if err := p.nc.Publish(subject, msg); err != nil {
		return fmt.Errorf("natspubsub: publish to %q: %w", topic, err)
	}
	return nil
}

// Subscribe calls fn with every message published to topic on any node.
// When it returns while connected, the NATS server has the subscription:
// a message published afterwards, anywhere, reaches fn. During an outage
// it succeeds, and the subscription starts when the connection is back.
// fn is called on the NATS client's goroutine for the topic, one message at
// a time and in order for one topic on one node. A panic in fn is logged
// with its stack and recovered.
func (p *PubSub) Subscribe(topicName string, fn func(msg []byte)) (func(), error) {
	subject, err := p.subject(topicName)
	if err != nil {
		return nil, err
	}
	s := &subscriber{fn: fn}
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	t := p.topics[topicName]
	first := t == nil
	if first {
		t = &topic{ready: make(chan struct{})}
		t.subs.Store(&[]*subscriber{})
		sub, err := p.nc.Subscribe(subject, t.deliver(p, topicName))
		if err != nil {
			p.mu.Unlock()
			return nil, fmt.Errorf("natspubsub: subscribe to %q: %w", topicName, err)
		}
		t.sub = sub
		p.topics[topicName] = t
	}
	old := *t.subs.Load()
	t.subs.Store(ptr(append(old[:len(old):len(old)], s)))
	p.mu.Unlock()

	if first {
		// A round trip: once the server answers it has the SUB, so
		// messages published from now on, on any node, reach us. While
		// reconnecting there is nothing to wait for.
		if p.nc.IsConnected() {
			p.nc.FlushTimeout(flushTimeout)
		}
		close(t.ready)
	} else {
		<-t.ready
	}
	return sync.OnceFunc(func() { p.remove(topicName, t, s) }), nil
}

func (p *PubSub) remove(name string, t *topic, s *subscriber) {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := *t.subs.Load()
	kept := make([]*subscriber, 0, len(old))
	for _, o := range old {
		if o != s {
			kept = append(kept, o)
		}
	}
	t.subs.Store(&kept)
	if len(kept) == 0 && p.topics[name] == t {
		delete(p.topics, name)
		t.sub.Unsubscribe() // an error means the connection is closed: nothing to undo
	}
}

// deliver hands a NATS message to every local subscriber of the topic.
func (t *topic) deliver(p *PubSub, name string) nats.MsgHandler {
	return func(m *nats.Msg) {
		for _, s := range *t.subs.Load() {
			p.call(name, s.fn, m.Data)
		}
	}
}

func (p *PubSub) call(topic string, fn func([]byte), data []byte) {
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("natspubsub: subscriber panicked", "topic", topic, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	fn(data)
}

// Close ends every subscription and makes Publish and Subscribe fail with
// ErrClosed. If Connect made the connection, Close sends what is still
// buffered (waiting up to two seconds) and closes it.
func (p *PubSub) Close() error {
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		return nil
	}
	p.closed.Store(true)
	topics := p.topics
	p.topics = nil
	p.mu.Unlock()
	for _, t := range topics {
		t.sub.Unsubscribe()
	}
	if p.own {
		if p.nc.IsConnected() {
			p.nc.FlushTimeout(flushTimeout)
		}
		p.nc.Close()
	}
	return nil
}

// subject returns the NATS subject of topic: see Encoding in the package
// documentation.
func (p *PubSub) subject(topic string) (string, error) {
	if topic == "" {
		return "", errors.New("natspubsub: empty topic")
	}
	var b strings.Builder
	b.Grow(len(p.prefix) + 1 + len(topic))
	b.WriteString(p.prefix)
	b.WriteByte('.')
	for i := 0; i < len(topic); i++ {
		c := topic[i]
		switch {
		case c <= ' ' || c == 0x7f || c == '%' || c == '.' || c == '*' || c == '>':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func validPrefix(prefix string) bool {
	for _, tok := range strings.Split(prefix, ".") {
		if tok == "" || tok == "*" || tok == ">" || strings.ContainsFunc(tok, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return false
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }
