package live

import (
	"context"
	"log/slog"
	"slices"
	"time"
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

// sessionKey is the context key of the view whose callback runs: the view's
// own context and the one its Mount gets carry it.
type sessionKey struct{}
