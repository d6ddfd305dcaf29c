package live

import (
	"bufio"
	"net"
	"sync"
	"time"
)

// An idle WebSocket needs no goroutine. Between frames, a connection whose
// buffered reader holds nothing parks: its reading goroutine ends, and a
// poller shared by every connection (poll_linux.go; elsewhere none, and
// connections read as before) starts a new one when the socket becomes
// readable, is closed, or reaches its read deadline. A page at rest
// (heartbeats every 30 s) then costs its heap and no 4 KiB stack.
//
// The hand-over is safe because nothing but the socket can hold the next
// frame: the connection's bufio.Reader is ours (hijack.go) and is empty
// when it parks, and coder/websocket reads frames from that reader alone.

// A parking is one connection's registration with the poller. Its fields
// are guarded by the poller's mutex.
type parking struct {
	conn     net.Conn      // the hijacked connection, under parkConn
	br       *bufio.Reader // what the WebSocket reads frames from: its buffer goes while parked
	fd       int32
	added    bool      // the descriptor is in the poller's set
	closed   bool      // the connection is closing or closed: it parks no more
	parked   *wsConn   // waiting for the poller to resume its read, or nil
	deadline time.Time // the read deadline set before parking

	// The write buffer goes too while nothing writes. These are
	// guarded by the wsConn's mutex.
	bw      *bufio.Writer
	away    bool // the reader is parked, or about to: it calls no WebSocket method
	wsmall  bool // bw has the tiny buffer
	wclosed bool // a close handshake writes: bw keeps its buffer
}

// The write buffer. Every call into the WebSocket that may write (a
// write; a read, which may answer a ping; a close) grows it back first,
// under the connection's mutex; it shrinks, under the same mutex, when
// the reader parks while no writer runs, or the writer ends while the
// reader is parked.

// readerAway tells that the reader parks, and shrinks the write buffer
// unless the writer runs.
func (c *wsConn) readerAway() {
	c.mu.Lock()
	c.pk.away = true
	if !c.writing {
		c.pk.shrinkWriterLocked()
	}
	c.mu.Unlock()
}

// readerBack tells that the reader reads again.
func (c *wsConn) readerBack() {
	c.mu.Lock()
	c.pk.away = false
	c.pk.growWriterLocked()
	c.mu.Unlock()
}

// growWriter gives the write buffer back before a write; final: the
// write is the close handshake's, and the buffer stays.
func (c *wsConn) growWriter(final bool) {
	if c.pk == nil {
		return
	}
	c.mu.Lock()
	c.pk.growWriterLocked()
	if final {
		c.pk.wclosed = true
	}
	c.mu.Unlock()
}

func (pk *parking) shrinkWriterLocked() {
	if !pk.wclosed && !pk.wsmall && pk.bw.Buffered() == 0 {
		whole := writerShells.getOrNew()
		*whole = *pk.bw
		whole.Reset(nil) // the pool keeps no connection
		wholeWriters.put(whole)
		*pk.bw = *bufio.NewWriterSize(pk.conn, 16)
		pk.wsmall = true
	}
}

func (pk *parking) growWriterLocked() {
	if pk.wsmall {
		if whole := wholeWriters.get(); whole != nil {
			*pk.bw = *whole
			pk.bw.Reset(pk.conn)
			*whole = bufio.Writer{}
			writerShells.put(whole)
		} else {
			*pk.bw = *bufio.NewWriterSize(pk.conn, connBufferSize)
		}
		pk.wsmall = false
	}
}

// shrinkReader and growReader swap the reader's buffer like the writer's;
// the poller's mutex guards them.
func (pk *parking) shrinkReader() {
	whole := readerShells.getOrNew()
	*whole = *pk.br
	whole.Reset(nil) // the pool keeps no connection
	wholeReaders.put(whole)
	*pk.br = *bufio.NewReaderSize(pk.conn, 16)
}

func (pk *parking) growReader() {
	if whole := wholeReaders.get(); whole != nil {
		*pk.br = *whole
		pk.br.Reset(pk.conn)
		*whole = bufio.Reader{}
		readerShells.put(whole)
	} else {
		*pk.br = *bufio.NewReaderSize(pk.conn, connBufferSize)
	}
}

// The buffers parked connections give back wait in pools for the ones
// that wake, in bufio values of their own ("whole"); the values they leave
// ("shells") are kept too, so that a heartbeat allocates nothing.
var (
	wholeReaders, readerShells pool[bufio.Reader]
	wholeWriters, writerShells pool[bufio.Writer]
)

// A pool is a typed sync.Pool: get returns nil when it is empty.
type pool[T any] struct{ p sync.Pool }

func (p *pool[T]) get() *T {
	v, _ := p.p.Get().(*T)
	return v
}

func (p *pool[T]) getOrNew() *T {
	if v := p.get(); v != nil {
		return v
	}
	return new(T)
}

func (p *pool[T]) put(v *T) { p.p.Put(v) }

// A parkConn is a hijacked connection that can park. Closing it resumes a
// parked reader, which then finds the connection closed and ends.
type parkConn struct {
	net.Conn
	pk *parking
}

func (pc *parkConn) Close() error {
	c := thePoller.forget(pc.pk)
	err := pc.Conn.Close() // after forget: the descriptor leaves the set first
	if c != nil {
		go c.read()
	}
	return err
}

// park hands c's next read to the poller. It reports false, and c reads
// on, when the reader holds bytes already, the connection is closed or
// the poller cannot take it.
func (pk *parking) park(c *wsConn, deadline time.Time) bool {
	c.rs.resumed = true // for the goroutine that resumes: the poller's lock orders it
	if !thePoller.park(pk, c, deadline, c.h.opts.IdleTimeout) {
		c.rs.resumed = false
		return false
	}
	return true
}

// A poller waits for many parked connections at once. It also resumes
// those whose read deadline has passed, looking every tick: the read they
// start fails at once, and the connection ends as an idle one always has.
// A tick is at most a quarter of the shortest idle timeout it has seen,
// so a connection ends within 25% of its timeout; one sweep of 100,000
// parked connections takes about a millisecond.
type poller struct {
	mu      sync.Mutex
	sys     pollSys // the operating system's readiness set (poll_*.go)
	parked  map[int32]*parking
	tick    time.Duration
	running bool // the waiting goroutine runs; it ends when nothing is parked
}

const (
	maxTick = time.Second
	minTick = 10 * time.Millisecond
)

var thePoller = poller{parked: make(map[int32]*parking), tick: maxTick}

// park registers pk's descriptor (armed for one event) and records c as
// waiting until deadline; idle is the timeout it came from.
func (p *poller) park(pk *parking, c *wsConn, deadline time.Time, idle time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	// Under the lock, so that no close handshake reads from br meanwhile
	// (closing).
	if pk.closed || pk.br.Buffered() > 0 || !p.sys.arm(pk.fd, pk.added) {
		return false
	}
	// The reader's buffer is empty: a parked connection keeps a tiny
	// one (for a close handshake) and gets a whole one back when it
	// wakes. This also lets go of what coder/websocket wrapped the
	// connection in to hand back bytes read with the upgrade, long read.
	pk.shrinkReader()
	pk.added = true
	pk.parked = c
	pk.deadline = deadline
	p.parked[pk.fd] = pk
	if t := max(idle/4, minTick); t < p.tick {
		p.tick = t
	}
	if !p.running {
		p.running = true
		go p.wait()
	}
	return true
}

// takeLocked unparks pk and returns the connection to resume, if any.
func (p *poller) takeLocked(pk *parking) *wsConn {
	c := pk.parked
	if c == nil {
		return nil
	}
	pk.parked = nil
	delete(p.parked, pk.fd)
	if !pk.closed { // else a close handshake may be reading: it has the tiny buffer
		pk.growReader()
	}
	return c
}

// ready resumes the connections whose descriptors became readable; the
// descriptor of a connection closed meanwhile may already serve another
// one, which then wakes for nothing, reads, and parks again.
func (p *poller) ready(cs []*wsConn, fds []int32) []*wsConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, fd := range fds {
		if pk := p.parked[fd]; pk != nil {
			cs = append(cs, p.takeLocked(pk))
		}
	}
	return cs
}

// expired resumes the connections whose deadline is before now.
func (p *poller) expired(cs []*wsConn, now time.Time) []*wsConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pk := range p.parked {
		if !now.Before(pk.deadline) {
			cs = append(cs, p.takeLocked(pk))
		}
	}
	return cs
}

// closing stops pk from parking, before the close handshake reads from
// its connection: a parked reader wakes when the peer's close frame comes
// (or the handshake gives up and closes the connection).
func (p *poller) closing(pk *parking) {
	p.mu.Lock()
	pk.closed = true
	p.mu.Unlock()
}

// forget takes pk's descriptor out of the set before it closes, and
// returns the connection to resume if it was parked.
func (p *poller) forget(pk *parking) *wsConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	pk.closed = true
	c := p.takeLocked(pk)
	if pk.added {
		p.sys.remove(pk.fd)
		pk.added = false
	}
	return c
}

// wait resumes connections as their sockets become readable, until
// nothing has been parked for a while.
func (p *poller) wait() {
	var (
		fds   []int32
		cs    []*wsConn
		swept = time.Now()
	)
	for {
		p.mu.Lock()
		tick := p.tick
		p.mu.Unlock()
		fds = p.sys.wait(fds[:0], tick)
		cs = p.ready(cs[:0], fds)
		if now := time.Now(); now.Sub(swept) >= tick {
			cs = p.expired(cs, now)
			swept = now
		}
		for i, c := range cs {
			go c.read()
			cs[i] = nil
		}
		if len(fds) == 0 {
			p.mu.Lock()
			if len(p.parked) == 0 {
				p.running = false
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
		}
	}
}
