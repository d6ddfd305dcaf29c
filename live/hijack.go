package live

import (
	"bufio"
	"net"
	"net/http"
)

// connBufferSize sizes the write buffer a live connection keeps for its
// whole life. net/http hands a hijacked connection a fresh 4 KiB one, which
// a WebSocket of small frames never needs: this saves about 3.5 KiB for
// every idle connection. Larger frames pass straight through bufio.
//
// The read buffer stays net/http's own: replacing it too corrupted reads
// under load in tests, for reasons not yet understood.
const connBufferSize = 512

// smallBuffers wraps a ResponseWriter so that the connection coder/websocket
// hijacks from it comes with a small write buffer.
type smallBuffers struct {
	http.ResponseWriter
	hj http.Hijacker
}

func withSmallBuffers(w http.ResponseWriter) http.ResponseWriter {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return w // Accept reports the missing Hijacker itself
	}
	return smallBuffers{w, hj}
}

func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := w.hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		c.Close()
		return nil, nil, err
	}
	return c, bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(c, connBufferSize)), nil
}

// Unwrap gives http.ResponseController the original writer.
func (w smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }
