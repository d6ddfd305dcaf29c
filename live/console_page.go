package live

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/templive/templive/internal/protocol"
)

// The dev console's delivery: the hub that fans records out to the pages
// that watch, and each page's bounded share of them.

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
	b := protocol.AppendLog(make([]byte, 0, 256), p.self, p.queue[:n], p.dropped)
	p.dropped = 0
	rest := copy(p.queue, p.queue[n:])
	clear(p.queue[rest:])
	p.queue = p.queue[:rest]
	if rest > 0 {
		p.signal()
	}
	return b
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
