package live

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"path"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/templive/templive/internal/protocol"
)

// Pacing of the frames to one page: at most consoleBatch records per frame
// and one frame per consoleGap, about 4,000 records a second. A burst beyond
// that is what a console reader cannot use anyway; the page is told how many
// records it missed.
const (
	consoleBatch = 64
	consoleGap   = 16 * time.Millisecond
	// consoleDepth bounds nested groups, so that a LogValuer that returns
	// itself cannot recurse for ever.
	consoleDepth = 16
	// consoleAnyMax bounds the JSON of one attribute value of kind Any.
	consoleAnyMax = 16 << 10
)

// DevConsoleOptions configure a DevConsole. A nil *DevConsoleOptions uses the
// defaults; every zero field takes its default.
type DevConsoleOptions struct {
	// Replay is how many of the latest records a page receives when its
	// live connection opens, so that what was logged while the page loaded
	// (its Mount, say) is not missed. Default 50; negative replays none.
	Replay int

	// Buffer bounds the records waiting to be sent to one page. A page
	// that falls further behind misses records and is told how many.
	// Default 256.
	Buffer int

	// AllowRemote streams records to connections that are not loopback
	// at both ends, or that came through a proxy (a Forwarded or
	// X-Forwarded-For header). Default false: only a browser on the
	// server's own machine sees the logs. Setting it shows the server's
	// logs, with whatever secrets they hold, to anyone who can open a page:
	// set it only for a development server on a trusted network.
	AllowRemote bool
}

// A DevConsole is a slog.Handler for development that streams the server's
// log records to the browser consoles of live pages, the way
// phoenix_live_reload streams server logs.
//
// It wraps the app's own handler: every record still goes there, unchanged,
// and is also encoded once and fanned out to the pages of every Handler
// whose [Options.DevConsole] is this console. A page prints each record with
// the console method of its level, its time, message, attributes (as an
// object) and source file:line; records logged with a view's context (the
// ctx of Mount, HandleEvent, HandleInfo and what derives from it) carry the
// view's identity, so the page can tell its own records from the others.
// A page that connects first receives the latest records (Replay).
//
// Logging never blocks on a page: each page has a bounded buffer (Buffer)
// and records that do not fit are dropped and counted. Log frames never
// crowd out the view's own frames nor get a page disconnected.
//
// A DevConsole is off unless the app creates one and sets it in
// [Options.DevConsole]; without one no log frame is ever sent. It streams
// only to loopback connections unless AllowRemote is set. It must not be
// used in production: it shows the server's logs to the browser.
//
// A DevConsole is safe for concurrent use, as every slog.Handler is.
// WithAttrs and WithGroup return handlers that stream to the same pages.
type DevConsole struct {
	next slog.Handler
	hub  *consoleHub
	goas []groupOrAttrs // from WithAttrs and WithGroup, oldest first
}

type groupOrAttrs struct {
	group string // a WithGroup, or "" for a WithAttrs
	attrs []slog.Attr
}

// NewDevConsole returns a DevConsole that passes every record to next and
// streams it to the live pages of the Handlers it is given to. opts may be
// nil. It logs a warning through next, since streaming logs to browsers
// must never happen in production by accident. It panics if next is nil.
func NewDevConsole(next slog.Handler, opts *DevConsoleOptions) *DevConsole {
	if next == nil {
		panic("live: NewDevConsole: next is nil")
	}
	var o DevConsoleOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Replay == 0:
		o.Replay = 50
	case o.Replay < 0:
		o.Replay = 0
	}
	setDefault(&o.Buffer, 256)
	h := &consoleHub{
		next:  next,
		opts:  o,
		ring:  make([][]byte, o.Replay),
		seq:   uint64(time.Now().UnixMicro()),
		pages: map[*consolePage]struct{}{},
	}
	msg := "live: dev console on: server logs are streamed to browsers on this machine; never use it in production"
	if o.AllowRemote {
		msg = "live: dev console on with AllowRemote: server logs are streamed to every browser that opens a page; never use it in production"
	}
	h.warn(msg)
	return &DevConsole{next: next, hub: h}
}

// Enabled reports whether the wrapped handler handles records of level:
// the console streams exactly what the app's handler logs.
func (d *DevConsole) Enabled(ctx context.Context, level slog.Level) bool {
	return d.next.Enabled(ctx, level)
}

// Handle passes r to the wrapped handler and streams it to the connected
// pages, without waiting for any of them. It returns the wrapped handler's
// error. An attribute value that cannot be encoded as JSON (a channel, a
// func, a cycle) is streamed as the name of its type.
func (d *DevConsole) Handle(ctx context.Context, r slog.Record) error {
	err := d.next.Handle(ctx, r)
	d.hub.publish(d.encode(ctx, r))
	return err
}

// WithAttrs returns a DevConsole whose records carry attrs, in the wrapped
// handler and in the browser.
func (d *DevConsole) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return d
	}
	return d.with(groupOrAttrs{attrs: slices.Clone(attrs)}, d.next.WithAttrs(attrs))
}

// WithGroup returns a DevConsole that puts the attributes that follow in the
// group name, in the wrapped handler and in the browser.
func (d *DevConsole) WithGroup(name string) slog.Handler {
	if name == "" {
		return d
	}
	return d.with(groupOrAttrs{group: name}, d.next.WithGroup(name))
}

func (d *DevConsole) with(g groupOrAttrs, next slog.Handler) *DevConsole {
	return &DevConsole{next: next, hub: d.hub, goas: append(slices.Clip(d.goas), g)}
}

// encode returns a record's wire form without its leading "[seq" (see
// docs/protocol.md): `,time,level,"msg",{attrs},"source","view"]`.
func (d *DevConsole) encode(ctx context.Context, r slog.Record) []byte {
	attrs := make([]slog.Attr, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, a)
		return true
	})
	for i := len(d.goas) - 1; i >= 0; i-- {
		g := d.goas[i]
		if g.group == "" {
			attrs = append(slices.Clip(g.attrs), attrs...)
		} else if len(attrs) > 0 { // an empty group is left out, as slog does
			attrs = []slog.Attr{{Key: g.group, Value: slog.GroupValue(attrs...)}}
		}
	}
	var ms int64
	if !r.Time.IsZero() {
		ms = r.Time.UnixMilli()
	}
	b := make([]byte, 0, 128)
	b = append(b, ',')
	b = strconv.AppendInt(b, ms, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Level), 10)
	b = append(b, ',')
	b = protocol.AppendString(b, r.Message)
	b = append(b, ',')
	b = appendObject(b, attrs, 0)
	b = append(b, ',')
	b = protocol.AppendString(b, source(r.PC))
	b = append(b, ',')
	var view string
	if ctx != nil {
		if s, ok := ctx.Value(sessionKey{}).(*session); ok {
			view = consoleID(s.id)
		}
	}
	b = protocol.AppendString(b, view)
	return append(b, ']')
}

// sessionKey is the context key of the view whose callback runs: the view's
// own context and the one its Mount gets carry it.
type sessionKey struct{}

// consoleID is how a view is named in log frames: enough of its random id
// to tell the views of one server apart, not the whole of it.
func consoleID(id viewID) string {
	return hex.EncodeToString(id[:8])
}

// source is "dir/file.go:line" of pc, or "".
func source(pc uintptr) string {
	if pc == 0 {
		return ""
	}
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	if f.File == "" {
		return ""
	}
	return path.Join(path.Base(path.Dir(f.File)), path.Base(f.File)) + ":" + strconv.Itoa(f.Line)
}

// appendObject appends attrs as a JSON object. Groups nest; a group with
// no attributes is left out and one with an empty key is inlined, as slog
// handlers do.
func appendObject(b []byte, attrs []slog.Attr, depth int) []byte {
	b = append(b, '{')
	n := len(b)
	b = appendMembers(b, attrs, depth)
	if len(b) > n {
		b = b[:len(b)-1] // the last comma
	}
	return append(b, '}')
}

// appendMembers appends `"key":value,` for each attribute.
func appendMembers(b []byte, attrs []slog.Attr, depth int) []byte {
	for _, a := range attrs {
		v := a.Value.Resolve() // recovers a panicking LogValue
		if a.Key == "" && v.Kind() == slog.KindAny && v.Any() == nil {
			continue // the zero Attr
		}
		if v.Kind() == slog.KindGroup {
			g := v.Group()
			switch {
			case len(g) == 0:
				continue
			case depth >= consoleDepth:
				b = protocol.AppendString(b, a.Key)
				b = append(b, `:"…",`...)
				continue
			case a.Key == "":
				b = appendMembers(b, g, depth+1)
				continue
			}
			b = protocol.AppendString(b, a.Key)
			b = append(b, ':')
			b = appendObject(b, g, depth+1)
			b = append(b, ',')
			continue
		}
		b = protocol.AppendString(b, a.Key)
		b = append(b, ':')
		b = appendValue(b, v)
		b = append(b, ',')
	}
	return b
}

func appendValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return protocol.AppendString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return protocol.AppendString(b, strconv.FormatFloat(f, 'g', -1, 64))
		}
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return protocol.AppendString(b, v.Duration().String())
	case slog.KindTime:
		return protocol.AppendString(b, v.Time().Format(time.RFC3339Nano))
	}
	return appendAny(b, v.Any())
}

// appendAny appends x as JSON: an error as its message, anything else as
// encoding/json encodes it. What does not encode (a channel, a func, a
// cycle, a panicking method, a huge value) becomes the name of its type.
func appendAny(b []byte, x any) (out []byte) {
	defer func() {
		if recover() != nil {
			out = protocol.AppendString(b, fmt.Sprintf("%T", x))
		}
	}()
	if err, ok := x.(error); ok {
		return protocol.AppendString(b, err.Error())
	}
	j, err := json.Marshal(x)
	if err != nil || len(j) > consoleAnyMax {
		return protocol.AppendString(b, fmt.Sprintf("%T", x))
	}
	return append(b, j...)
}

// A consoleHub is the state a DevConsole and its derived handlers share:
// the latest records and the pages they stream to.
type consoleHub struct {
	next         slog.Handler // for the console's own warnings
	opts         DevConsoleOptions
	warnedRemote atomic.Bool

	mu    sync.Mutex
	seq   uint64   // of the last record; starts at the clock (see docs/protocol.md)
	ring  [][]byte // the latest opts.Replay records, from ring[head]
	head  int
	n     int
	pages map[*consolePage]struct{}
}

func (h *consoleHub) warn(msg string) {
	ctx := context.Background()
	if h.next.Enabled(ctx, slog.LevelWarn) {
		h.next.Handle(ctx, slog.NewRecord(time.Now(), slog.LevelWarn, msg, 0))
	}
}

// publish numbers an encoded record, keeps it for replay and offers it to
// every page. It never blocks on a page.
func (h *consoleHub) publish(body []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	rec := make([]byte, 0, len(body)+20)
	rec = append(rec, '[')
	rec = strconv.AppendUint(rec, h.seq, 10)
	rec = append(rec, body...)
	if len(h.ring) > 0 {
		i := (h.head + h.n) % len(h.ring)
		if h.n == len(h.ring) {
			h.head = (h.head + 1) % len(h.ring)
		} else {
			h.n++
		}
		h.ring[i] = rec
	}
	for p := range h.pages {
		p.offer(rec)
	}
}

// watch streams records to the page on c, whose view is id, until c ends:
// first the replay, then every new record. It must be called before c
// serves. A connection that is not allowed gets nothing.
func (d *DevConsole) watch(r *http.Request, c *wsConn, id viewID) {
	h := d.hub
	if !h.opts.AllowRemote && !loopbackRequest(r) {
		if h.warnedRemote.CompareAndSwap(false, true) {
			h.warn("live: dev console: not streaming logs to a connection from another machine or through a proxy; DevConsoleOptions.AllowRemote allows it")
		}
		return
	}
	p := &consolePage{self: consoleID(id), limit: max(h.opts.Buffer, h.opts.Replay), wake: make(chan struct{}, 1)}
	h.mu.Lock()
	for i := range h.n {
		p.queue = append(p.queue, h.ring[(h.head+i)%len(h.ring)])
	}
	h.pages[p] = struct{}{}
	h.mu.Unlock()
	c.console = p // a navigation renames it (navigate.go)
	p.signal()
	c.wg.Add(1)
	go h.pump(c, p)
}

// pump hands the page's records to its connection, in paced batches,
// whenever the connection has room for them.
func (h *consoleHub) pump(c *wsConn, p *consolePage) {
	defer c.wg.Done()
	defer func() {
		h.mu.Lock()
		delete(h.pages, p)
		h.mu.Unlock()
	}()
	pace := time.NewTimer(consoleGap)
	defer pace.Stop()
	for {
		select {
		case <-p.wake:
		case <-c.ctx.Done():
			return
		}
		frame := p.take()
		if frame == nil {
			continue
		}
		if !c.sendLog(frame) {
			return
		}
		pace.Reset(consoleGap)
		select {
		case <-pace.C:
		case <-c.ctx.Done():
			return
		}
	}
}

// A consolePage is one live connection's share of the records: those
// waiting to be sent, bounded, and a count of those that did not fit.
type consolePage struct {
	self  string // the page's view, as records name it; under mu once pumped
	limit int
	wake  chan struct{} // a token when there is something to send

	mu      sync.Mutex
	queue   [][]byte
	dropped int
}

// rename makes the page's records name view id as its own: the page
// navigated to it over the same connection.
func (p *consolePage) rename(id viewID) {
	p.mu.Lock()
	p.self = consoleID(id)
	p.mu.Unlock()
}

func (p *consolePage) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *consolePage) offer(rec []byte) {
	p.mu.Lock()
	if len(p.queue) < p.limit {
		p.queue = append(p.queue, rec)
	} else {
		p.dropped++
	}
	p.mu.Unlock()
	p.signal()
}

// take returns the next log frame, or nil when there is nothing to send,
// and wakes the pump again if more is waiting.
func (p *consolePage) take() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := min(len(p.queue), consoleBatch)
	if n == 0 && p.dropped == 0 {
		return nil
	}
	b := append(make([]byte, 0, 256), '[', '0'+protocol.KindLog, ',')
	b = protocol.AppendString(b, p.self)
	b = append(b, ',', '[')
	for i, rec := range p.queue[:n] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, rec...)
	}
	b = append(b, ']')
	if p.dropped > 0 {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(p.dropped), 10)
		p.dropped = 0
	}
	rest := copy(p.queue, p.queue[n:])
	clear(p.queue[rest:])
	p.queue = p.queue[:rest]
	if rest > 0 {
		p.signal()
	}
	return append(b, ']')
}

// loopbackRequest reports whether both ends of r's connection are loopback
// addresses and no proxy forwarded it.
func loopbackRequest(r *http.Request) bool {
	if r.Header.Get("Forwarded") != "" || r.Header.Get("X-Forwarded-For") != "" {
		return false
	}
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	return local != nil && loopback(local.String()) && loopback(r.RemoteAddr)
}

func loopback(hostport string) bool {
	ap, err := netip.ParseAddrPort(hostport)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}
