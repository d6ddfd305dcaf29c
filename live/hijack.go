package live

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
)

// connBufferSize sizes the read and write buffers a live connection keeps
// for its whole life. net/http hands a hijacked connection 4 KiB of each,
// which a WebSocket of small frames never needs; larger frames pass
// straight through bufio.
const connBufferSize = 512

// smallBuffers wraps a ResponseWriter so that the connection coder/websocket
// hijacks from it comes with small buffers and none of net/http's: once
// the handler returns, nothing of the HTTP connection stays reachable. It
// keeps the hijacked connection, whose deadlines bound the WebSocket's
// reads and writes.
type smallBuffers struct {
	http.ResponseWriter
	hj   http.Hijacker
	conn net.Conn
	pk   *parking // how the connection parks while idle (park.go), or nil
}

// withSmallBuffers wraps w when it, or a writer it wraps (Unwrap), can be
// hijacked; otherwise it returns w, and websocket.Accept refuses it.
func withSmallBuffers(w http.ResponseWriter) (http.ResponseWriter, *smallBuffers) {
	for rw := w; ; {
		switch t := rw.(type) {
		case http.Hijacker:
			sb := &smallBuffers{ResponseWriter: w, hj: t}
			return sb, sb
		case interface{ Unwrap() http.ResponseWriter }:
			rw = t.Unwrap()
		default:
			return w, nil
		}
	}
}

func (w *smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := w.hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		c.Close()
		return nil, nil, err
	}
	// A small reader, even when net/http's already holds what the client
	// sent after the request (its first frame, racing the 101 on a fast
	// link): those bytes move to the small reader's buffer, where
	// coder/websocket looks for them, and net/http's 4 KiB buffer is let
	// go instead of being kept for the connection's whole life.
	r := bufio.NewReaderSize(c, connBufferSize)
	if n := brw.Reader.Buffered(); n > 0 {
		early, _ := brw.Reader.Peek(n)
		r.Reset(io.MultiReader(bytes.NewReader(early), c))
		if _, err := r.Peek(n); err != nil {
			r = brw.Reader // more than the small buffer holds: keep net/http's
		}
	}
	bw := bufio.NewWriterSize(c, connBufferSize)
	if w.pk = newParking(c, r, bw); w.pk != nil {
		// coder/websocket closes what it is given: the wrapper hears
		// of it (park.go). Reads and writes go to c itself.
		c = &parkConn{Conn: c, pk: w.pk}
	}
	w.conn = c
	return c, bufio.NewReadWriter(r, bw), nil
}

// Unwrap gives http.ResponseController the original writer.
func (w *smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }
