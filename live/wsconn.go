package live

import (
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

// A wsConn is one WebSocket attached to a session. The goroutine serving the
// HTTP request reads; a second one writes from a bounded queue, so a view
// does not wait for the network (at most slowClientGrace, for a client that
// falls behind). Both end with the connection.
type wsConn struct {
	h       *Handler
	ws      *websocket.Conn
	out     chan []byte
	logs    chan []byte // dev console frames (console.go): sent when out is empty, never a cause to disconnect
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
	slow    atomic.Bool // the outbound queue overflowed: logged once
	closing atomic.Bool // fail was called
}

func newWSConn(h *Handler, ws *websocket.Conn) *wsConn {
	ctx, cancel := context.WithCancel(context.Background())
	return &wsConn{h: h, ws: ws, out: make(chan []byte, h.opts.OutboundQueue), ctx: ctx, cancel: cancel}
}

// readJoin reads the first frame, which must be a join.
func (c *wsConn) readJoin(ctx context.Context) (*protocol.Join, error) {
	rctx, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	typ, data, err := c.ws.Read(rctx)
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
	return msg.Join, nil
}

// serve attaches the connection to s and reads until the connection ends.
func (c *wsConn) serve(ctx context.Context, s *session, join *protocol.Join) {
	c.wg.Add(1)
	go c.writeLoop()
	s.run()
	// However the view ends, its page hears of it, even when the view
	// ended before it took this join (a crash on a message it had
	// waiting): a join must never go unanswered.
	stop := context.AfterFunc(s.ctx, func() { c.fail(s.endStatus()) })
	defer stop()
	if !s.post(c.ctx, attachMsg{c, join}) {
		c.fail(websocket.StatusTryAgainLater, "view ended")
		return
	}
	c.readLoop(ctx, s)
	s.post(context.Background(), detachMsg{c})
}

func (c *wsConn) readLoop(ctx context.Context, s *session) {
	limit := newRateLimiter(c.h.opts.EventRate, c.h.opts.EventBurst, time.Now())
	for {
		rctx, cancel := context.WithTimeout(c.ctx, c.h.opts.IdleTimeout)
		typ, data, err := c.ws.Read(rctx)
		cancel()
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				c.h.log.WarnContext(ctx, "live: frame over the read limit", "limit", c.h.opts.ReadLimit)
			}
			c.cancel()
			return
		}
		if typ != websocket.MessageText {
			c.fail(websocket.StatusUnsupportedData, "binary frames are not supported")
			return
		}
		if !limit.allow(time.Now()) {
			if !limit.warned {
				limit.warned = true
				c.h.log.WarnContext(ctx, "live: client over the event rate", "rate", c.h.opts.EventRate, "burst", c.h.opts.EventBurst, "close", c.h.opts.RateLimitClose)
			}
			if c.h.opts.RateLimitClose {
				c.fail(websocket.StatusPolicyViolation, "rate limited")
				return
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
			c.send(protocol.AppendError(nil, 0, "already joined"))
		case protocol.KindHeartbeat:
			c.send(protocol.Pong)
		case protocol.KindResync:
			s.post(c.ctx, resyncMsg{c})
		case protocol.KindEvent:
			// Waiting for room in the mailbox stops reading, so a
			// client that floods a busy view is slowed by TCP itself.
			s.post(c.ctx, eventMsg{c, msg.Event})
		}
	}
}

func (c *wsConn) writeLoop() {
	defer c.wg.Done()
	var logs chan []byte // nil, never ready, until the join's answer is written
	for {
		var frame []byte
		select { // the view's frames first
		case frame = <-c.out:
		default:
			select {
			case frame = <-c.out:
			case frame = <-logs: // dev console frames (console.go)
			case <-c.ctx.Done():
				return
			}
		}
		wctx, cancel := context.WithTimeout(c.ctx, c.h.opts.WriteTimeout)
		err := c.ws.Write(wctx, websocket.MessageText, frame)
		cancel()
		if err != nil {
			c.cancel()
			return
		}
		logs = c.logs
	}
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
	select {
	case c.out <- frame:
		return
	default:
	}
	if c.closing.Load() {
		return // it is going away: drop, do not wait
	}
	t := time.NewTimer(slowClientGrace)
	defer t.Stop()
	select {
	case c.out <- frame:
	case <-c.ctx.Done():
	case <-t.C:
		if c.slow.CompareAndSwap(false, true) {
			c.h.log.Warn("live: client too slow, disconnecting", "queue", cap(c.out))
		}
		c.fail(websocket.StatusTryAgainLater, "client too slow")
	}
}

// sendNow writes a frame directly, for the refusal of a join.
func (c *wsConn) sendNow(frame []byte) {
	ctx, cancel := context.WithTimeout(c.ctx, c.h.opts.WriteTimeout)
	defer cancel()
	c.ws.Write(ctx, websocket.MessageText, frame)
}

// fail closes the connection with a status and reason, once. The close
// handshake runs on its own goroutine so no caller blocks on a dead peer.
func (c *wsConn) fail(code websocket.StatusCode, reason string) {
	c.once.Do(func() {
		c.closing.Store(true)
		if len(reason) > 120 { // a close reason fits in 123 bytes
			reason = reason[:120]
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.ws.Close(code, reason)
			c.cancel()
		}()
	})
}

// wait ends the connection and waits for its goroutines.
func (c *wsConn) wait() {
	c.fail(websocket.StatusNormalClosure, "")
	c.wg.Wait()
	c.cancel()
	c.ws.CloseNow()
}
