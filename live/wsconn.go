package live

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

// Close codes beyond the standard ones.
const (
	statusViewCrashed = websocket.StatusInternalError
	joinTimeout       = 10 * time.Second
)

// A wsConn is one WebSocket attached to a session. One goroutine reads;
// frames to send wait in a bounded queue that a writer goroutine drains, so
// a view does not wait for the network (at most slowClientGrace, for a
// client that falls behind). The writer runs only while there is something
// to write, the reader only while there is something to read (it parks
// between frames: park.go): an idle connection costs no goroutine.
type wsConn struct {
	h       *Handler
	ws      transport // a WebSocket, or the fallback stream (stream.go)
	nc      deadlines // under ws: its deadlines bound reads and writes
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
	slow    atomic.Bool // the outbound queue overflowed: logged once
	closing atomic.Bool // fail was called
	route   string      // the view's, for the Observer: set before the view hears of c

	mu      sync.Mutex
	out     fifo[[]byte]  // the view's frames waiting, at most OutboundQueue
	log     []byte        // a dev console frame waiting (console.go): written when out is empty
	writing bool          // the writer goroutine runs
	written bool          // the join's answer is out: console frames may follow it
	dead    bool          // the connection is over: frames are dropped and no writer starts
	logRoom chan struct{} // closed when the log frame is taken, for the console waiting

	pk       *parking          // parks the reader while idle (park.go), or nil
	rs       readState         // the reader's, kept while it is parked
	chunkBuf []byte            // the reader's: upload chunks land here (upload_wire.go)
	flash    map[string]string // handed from a view to the one the page navigates to (navigate.go)
	console  *consolePage      // the dev console's share of this connection, if on
}

func newWSConn(h *Handler, ws transport, nc deadlines) *wsConn {
	ctx, cancel := context.WithCancel(context.Background())
	return &wsConn{h: h, ws: ws, nc: nc, ctx: ctx, cancel: cancel}
}

// readJoin reads the first frame, which must be a join.
func (c *wsConn) readJoin(ctx context.Context) (*protocol.Join, error) {
	// A deadline, not a context: the WebSocket would keep the context
	// until the next frame, the connection's whole idle life.
	c.nc.SetReadDeadline(time.Now().Add(joinTimeout))
	typ, data, err := c.ws.Read(context.Background())
	if err != nil {
		c.fail(websocket.StatusPolicyViolation, "no join")
		return nil, err
	}
	if typ != websocket.MessageText {
		c.fail(websocket.StatusUnsupportedData, "binary frames are not supported")
		return nil, errors.New("binary join")
	}
	msg, err := protocol.Decode(data)
	if err == nil && msg.Kind != protocol.KindJoin {
		err = errors.New("expected a join first")
	}
	if err != nil {
		c.h.log.WarnContext(ctx, "live: bad join", "err", err)
		c.fail(websocket.StatusPolicyViolation, err.Error())
		return nil, err
	}
	// A bad form entry costs its form the recovery, not the page its join.
	for _, why := range msg.Join.Skipped {
		c.h.log.WarnContext(ctx, "live: join form skipped", "reason", why)
	}
	return msg.Join, nil
}

// serve attaches the connection to s and reads until the connection
// ends, then ends it; or until it is idle and parks, when another
// goroutine takes over once there is something to read (park.go).
func (c *wsConn) serve(ctx context.Context, s *session, join *protocol.Join) {
	c.route = s.route
	s.run()
	s.serving(c)
	if !s.post(c.ctx, attachMsg{c: c, join: join}) {
		s.served(c)
		c.fail(websocket.StatusTryAgainLater, "view ended")
		c.wait()
		return
	}
	c.rs = readState{ctx: ctx, s: s, limit: newRateLimiter(c.h.opts.EventRate, c.h.opts.EventBurst, time.Now())}
	c.read()
}

// frameBufs holds the buffers text frames are read into.
var frameBufs pool[bytes.Buffer]

func putFrameBuf(b *bytes.Buffer) {
	if b != nil && b.Cap() <= 16<<10 { // a rare big frame's buffer goes
		frameBufs.put(b)
	}
}

// readState is what the reading of a connection carries from one frame to
// the next.
type readState struct {
	ctx        context.Context // the upgrade request's values, for logs
	s          *session        // the view served: a navigation changes it
	limit      rateLimiter
	chunkLimit int64 // the read limit raised for upload chunks, or 0
	resumed    bool  // the poller started this read: read, do not park
}

// read reads the client's frames until the connection ends, then detaches
// it from its view and waits for its goroutines; or until it parks.
func (c *wsConn) read() {
	if c.readLoop() {
		return // parked: the poller calls read again
	}
	s := c.rs.s
	s.served(c)
	s.post(context.Background(), detachMsg{c})
	c.wait()
}

// readLoop reads frames into c.rs.s until the connection ends, or until
// it parks, when it reports true.
func (c *wsConn) readLoop() (parked bool) {
	rs := &c.rs
	ctx := rs.ctx
	var frame *bytes.Buffer // the text frame read last, given back at the next
	defer func() { putFrameBuf(frame) }()
	for {
		putFrameBuf(frame)
		frame = nil
		s := rs.s
		if rs.resumed {
			rs.resumed = false // the deadline set before parking holds
		} else {
			// A deadline on the connection, not a context, bounds the
			// wait: it costs no timer, goroutine or allocation per
			// frame. Ending the connection closes it, which ends the
			// read too.
			deadline := time.Now().Add(c.h.opts.IdleTimeout)
			c.nc.SetReadDeadline(deadline)
			if c.pk != nil {
				c.readerAway()
				if c.pk.park(c, deadline) {
					return true
				}
			}
		}
		if c.pk != nil {
			c.readerBack() // the read may answer a ping
		}
		if n := s.uploadLimit(); n > rs.chunkLimit {
			rs.chunkLimit = n
			c.ws.SetReadLimit(max(n, c.h.opts.ReadLimit))
		}
		if sc, ok := c.ws.(*streamConn); ok {
			sc.serving(s) // its POSTs read binary frames by s's limit
		}
		typ, r, err := c.ws.Reader(context.Background())
		var data []byte
		if err == nil && typ == websocket.MessageText {
			frame = frameBufs.getOrNew()
			frame.Reset()
			_, err = frame.ReadFrom(r)
			data = frame.Bytes() // nothing keeps it past this frame: Decode copies
		}
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				c.h.log.WarnContext(ctx, "live: frame over the read limit", "limit", c.h.opts.ReadLimit)
			}
			c.cancel()
			return false
		}
		if typ != websocket.MessageText {
			// AllowUpload may have raised the limit while this read waited.
			rs.chunkLimit = max(rs.chunkLimit, s.uploadLimit())
			if rs.chunkLimit == 0 {
				c.fail(websocket.StatusUnsupportedData, "binary frames are not supported")
				return false
			}
			if !c.readChunk(ctx, s, r, rs.chunkLimit) {
				return false
			}
			continue
		}
		if int64(len(data)) > c.h.opts.ReadLimit { // the limit was raised for chunks
			c.h.log.WarnContext(ctx, "live: frame over the read limit", "limit", c.h.opts.ReadLimit)
			c.fail(websocket.StatusMessageTooBig, "message too big")
			return false
		}
		if !rs.limit.allow(time.Now()) {
			if !rs.limit.warned {
				rs.limit.warned = true
				c.h.log.WarnContext(ctx, "live: client over the event rate", "rate", c.h.opts.EventRate, "burst", c.h.opts.EventBurst, "close", c.h.opts.RateLimitClose)
			}
			c.h.opts.Observer.dropped(ctx, c.route, dropRate)
			if c.h.opts.RateLimitClose {
				c.fail(websocket.StatusPolicyViolation, "rate limited")
				return false
			}
			c.send(protocol.AppendError(nil, eventRef(data), "rate limited"))
			continue
		}
		msg, err := protocol.Decode(data)
		if err != nil {
			c.h.log.WarnContext(ctx, "live: bad frame", "err", err)
			c.send(protocol.AppendError(nil, 0, err.Error()))
			continue
		}
		switch msg.Kind {
		case protocol.KindJoin:
			if next := c.navigate(ctx, s, msg.Join); next != nil {
				rs.s = next
			}
		case protocol.KindHeartbeat:
			c.send(protocol.Pong)
		case protocol.KindResync:
			s.post(c.ctx, resyncMsg{c})
		case protocol.KindEvent:
			// Waiting for room in the mailbox stops reading, so a
			// client that floods a busy view is slowed by TCP itself.
			var at time.Time
			if c.h.opts.Observer.wantsTime() {
				at = time.Now()
			}
			s.post(c.ctx, eventMsg{c, msg.Event, at})
		case protocol.KindUpload:
			s.post(c.ctx, uploadFrameMsg{c, msg.Upload})
		case protocol.KindProgress:
			s.post(c.ctx, progressMsg{c, msg.Progress})
		}
	}
}

// writeLoop writes queued frames until none is left, then ends; send
// starts it again. The view's frames go first, dev console frames when
// there is nothing else to write.
func (c *wsConn) writeLoop() {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		frame := c.nextLocked()
		if frame == nil {
			c.writing = false
			if c.pk != nil && c.pk.away {
				c.pk.shrinkWriterLocked()
			}
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		if err := c.write(frame); err != nil {
			c.mu.Lock()
			c.endLocked()
			c.writing = false
			c.mu.Unlock()
			c.ws.CloseNow() // the reader ends with it
			c.cancel()
			return
		}
		c.mu.Lock()
		c.written = true
		c.mu.Unlock()
	}
}

// nextLocked takes the next frame to write, or returns nil.
func (c *wsConn) nextLocked() []byte {
	if frame, ok := c.out.pop(); ok {
		return frame
	}
	if c.log != nil && c.written {
		frame := c.log
		c.log = nil
		wake(&c.logRoom)
		return frame
	}
	return nil
}

// startLocked starts the writer goroutine unless it runs.
func (c *wsConn) startLocked() {
	if !c.writing && !c.dead {
		c.writing = true
		c.wg.Add(1)
		go c.writeLoop()
	}
}

// endLocked drops what waits and wakes whoever waits for room: the
// connection is over.
func (c *wsConn) endLocked() {
	c.dead = true
	c.out.reset()
	c.log = nil
	wake(&c.logRoom)
}

// slowClientGrace is how long a full outbound queue may stay full before
// its client is disconnected.
const slowClientGrace = time.Second

// send queues a frame. A client too slow to drain its queue is
// disconnected: it resyncs when it comes back, and the server never buffers
// without bound. A queue that is full only for a moment (a burst of events
// outran the writing goroutine) makes the caller wait for room, up to
// slowClientGrace: the view, or the reading of the client's frames, slows
// down to the client's pace instead.
func (c *wsConn) send(frame []byte) {
	var grace *time.Timer
	for {
		c.mu.Lock()
		if c.dead {
			c.mu.Unlock()
			return
		}
		if c.out.len() < c.h.opts.OutboundQueue {
			c.out.push(frame)
			c.startLocked()
			c.mu.Unlock()
			return
		}
		if c.closing.Load() {
			c.mu.Unlock()
			return // it is going away: drop, do not wait
		}
		room := c.out.wait()
		c.mu.Unlock()
		if grace == nil {
			grace = time.NewTimer(slowClientGrace)
			defer grace.Stop()
		}
		select {
		case <-room:
		case <-c.ctx.Done():
			return
		case <-grace.C:
			if c.slow.CompareAndSwap(false, true) {
				c.h.log.Warn("live: client too slow, disconnecting", "queue", c.h.opts.OutboundQueue)
				c.h.opts.Observer.dropped(c.ctx, c.route, dropSlow)
			}
			c.fail(websocket.StatusTryAgainLater, "client too slow")
			return
		}
	}
}

// sendLog hands the writer a dev console frame, once the one before it is
// written. It reports false when the connection is over.
func (c *wsConn) sendLog(frame []byte) bool {
	for {
		c.mu.Lock()
		if c.dead {
			c.mu.Unlock()
			return false
		}
		if c.log == nil {
			c.log = frame
			if c.written {
				c.startLocked()
			} // else the writer takes it after the join's answer
			c.mu.Unlock()
			return true
		}
		room := waitOn(&c.logRoom)
		c.mu.Unlock()
		select {
		case <-room:
		case <-c.ctx.Done():
			return false
		}
	}
}

// sendNow writes a frame directly, for the refusal of a join.
func (c *wsConn) sendNow(frame []byte) { c.write(frame) }

// write writes one frame within WriteTimeout. The deadline is lifted
// afterwards: what the WebSocket writes of its own later (a pong, the close
// frame that tells the page why it ends) must not find it long expired.
func (c *wsConn) write(frame []byte) error {
	c.growWriter(false)
	c.nc.SetWriteDeadline(time.Now().Add(c.h.opts.WriteTimeout))
	err := c.ws.Write(context.Background(), websocket.MessageText, frame)
	c.nc.SetWriteDeadline(time.Time{})
	return err
}

// fail closes the connection with a status and reason, once. The close
// handshake runs on its own goroutine so no caller blocks on a dead peer.
func (c *wsConn) fail(code websocket.StatusCode, reason string) {
	c.once.Do(func() {
		c.closing.Store(true)
		if len(reason) > 120 { // a close reason fits in 123 bytes
			reason = reason[:120]
		}
		if c.pk != nil {
			thePoller.closing(c.pk)
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.growWriter(true)
			c.ws.Close(code, reason)
			c.cancel()
		}()
	})
}

// wait ends the connection and waits for its goroutines.
func (c *wsConn) wait() {
	c.fail(websocket.StatusNormalClosure, "")
	c.mu.Lock()
	c.dead = true // no writer starts after this: wg.Wait may begin
	c.mu.Unlock()
	c.wg.Wait()
	c.cancel()
	c.ws.CloseNow()
}
