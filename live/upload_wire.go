package live

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

// Messages from the connection's reader to the view's loop.
type (
	uploadFrameMsg struct {
		c  *wsConn
		up *protocol.Upload
	}
	progressMsg struct {
		c *wsConn
		p *protocol.Progress
	}
)

// uploadLimit is the read limit binary chunk frames need, 0 when the view
// allows no upload. Called by the connection's reader.
func (s *session) uploadLimit() int64 {
	if u := s.upsReady.Load(); u != nil {
		return u.limit.Load()
	}
	return 0
}

// readChunk reads one binary chunk frame from r into the connection's
// buffer, writes it to its entry's file and acks it. Chunks bypass the
// event rate limit (the client sends the next only after an ack, within a
// small window) and the mailbox; the read limit, raised to the largest
// ChunkSize plus the header, still bounds each. It reports false when the
// connection must end.
func (c *wsConn) readChunk(ctx context.Context, s *session, r io.Reader, limit int64) bool {
	if int64(len(c.chunkBuf)) < limit+1 {
		c.chunkBuf = make([]byte, limit+1)
	}
	n, err := io.ReadFull(r, c.chunkBuf[:limit+1])
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
	case err == nil: // more than the limit: the WebSocket should have refused it
		c.fail(websocket.StatusMessageTooBig, "chunk too big")
		return false
	default:
		if errors.Is(err, websocket.ErrMessageTooBig) {
			c.h.log.WarnContext(ctx, "live: chunk over the read limit", "limit", limit)
		}
		c.cancel()
		return false
	}
	ref, off, data, err := protocol.DecodeChunk(c.chunkBuf[:n])
	if err != nil {
		c.h.log.WarnContext(ctx, "live: bad upload chunk", "err", err)
		c.send(protocol.AppendError(nil, 0, err.Error()))
		return true
	}
	ack, changed, more := s.uploads().write(ref, off, data)
	if !more {
		// An idle connection keeps no chunk buffer: most pages upload
		// rarely, if ever.
		c.chunkBuf = nil
	}
	c.send(ack)
	if changed {
		s.post(c.ctx, uploadMsg{})
	}
	return true
}

// write writes a chunk of the entry ref that starts at off, on the
// connection's reader. It returns the ack for the client, whether the view
// has something new to show, and whether more chunks of this entry are
// due.
func (u *uploads) write(ref uint64, off int64, data []byte) (ack []byte, changed, more bool) {
	ack, changed = u.writeChunk(ref, off, data)
	u.mu.Lock()
	e := u.byRef[ref]
	more = e != nil && e.err == nil && !e.done && e.ext == nil
	u.mu.Unlock()
	return ack, changed, more
}

func (u *uploads) writeChunk(ref uint64, off int64, data []byte) (ack []byte, changed bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	e := u.byRef[ref]
	switch {
	case e == nil: // never announced, canceled, consumed, or the view is new
		return ackFrame(ref, 0, "unknown upload"), false
	case e.err != nil:
		return ackFrame(ref, e.received, e.err.Error()), false
	case e.ext != nil:
		return ackFrame(ref, 0, "an external upload goes to its URL"), false
	case e.done || off != e.received:
		// A chunk sent again after a reconnect, or sent before the
		// client heard where to resume: it learns from the ack.
		return ackFrame(ref, e.received, ""), false
	case len(data) > e.cfg.ChunkSize:
		u.failLocked(e, fmt.Errorf("%w: a chunk of %d bytes, over the chunk size %d", ErrUploadFailed, len(data), e.cfg.ChunkSize))
		return ackFrame(ref, e.received, e.err.Error()), true
	case int64(len(data)) > e.size-e.received:
		u.failLocked(e, fmt.Errorf("%w: more bytes than the %d declared", ErrUploadTooLarge, e.size))
		return ackFrame(ref, e.received, e.err.Error()), true
	}
	if _, err := e.f.Write(data); err != nil {
		u.failLocked(e, fmt.Errorf("%w: writing: %w", ErrUploadFailed, err))
		return ackFrame(ref, e.received, e.err.Error()), true
	}
	e.received += int64(len(data))
	if e.received == e.size {
		u.finishLocked(e)
		if e.err != nil {
			return ackFrame(ref, e.received, e.err.Error()), true
		}
		return ackFrame(ref, e.received, ""), true
	}
	if p := e.percent(); p != e.shown {
		e.shown = p
		changed = true
	}
	return ackFrame(ref, e.received, ""), changed
}

// upload handles an upload frame in the view's loop, as an event: the
// files are validated and become entries, the view is rendered, and the
// reply answers which entries the client may send.
func (s *session) upload(up *protocol.Upload) {
	if up.Ref <= s.lastRef {
		s.reply(up.Ref, nil) // sent again after a reconnect: ack only
		return
	}
	s.lastRef = up.Ref
	answer, err := s.uploads().announce(up)
	if err != nil {
		s.h.log.WarnContext(s.ctx, "live: upload refused", "upload", up.Name, "err", err)
		s.send(protocol.AppendError(nil, up.Ref, err.Error()))
		return
	}
	ops, err := s.renderDiff()
	if err != nil {
		s.renderFailed(up.Ref, err)
		return
	}
	s.deliver(replyFrame(up.Ref, ops, answer), ops != nil)
}

// progress handles an external upload's progress report, in the view's
// loop. The server cannot check it (the bytes went elsewhere) beyond the
// declared size; the view should check the object exists when it consumes
// the entry.
func (s *session) progress(p *protocol.Progress) {
	u := s.uploads()
	u.mu.Lock()
	e := u.byRef[p.Ref]
	var ack []byte
	switch {
	case e == nil:
		ack = ackFrame(p.Ref, 0, "unknown upload")
	case e.ext == nil:
		ack = ackFrame(p.Ref, e.received, "not an external upload")
	case e.err != nil || e.done:
		ack = ackFrame(p.Ref, e.received, errText(e.err))
	case p.Err != "":
		e.err = fmt.Errorf("%w: %s", ErrUploadFailed, p.Err)
		ack = ackFrame(p.Ref, e.received, e.err.Error())
	case p.Loaded > e.size:
		e.err = fmt.Errorf("%w: more bytes than the %d declared", ErrUploadTooLarge, e.size)
		ack = ackFrame(p.Ref, e.received, e.err.Error())
	default:
		e.received = max(e.received, p.Loaded)
		e.done = e.received == e.size
		ack = ackFrame(p.Ref, e.received, "")
	}
	u.mu.Unlock()
	s.send(ack)
	s.update()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
