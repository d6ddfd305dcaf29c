package livetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// conn is one live connection of a page. A goroutine reads frames into an
// unbounded queue, so that the server never waits for the test (net.Pipe
// has no buffer), and the test's goroutine takes them in order when it
// waits: the page's DOM only changes on the test's goroutine.
type conn struct {
	ws     *websocket.Conn
	signal chan struct{} // a frame arrived or the connection ended
	done   chan struct{} // the reader ended

	mu     sync.Mutex
	frames [][]byte
	err    error // why the reader ended
}

// errTimeout is returned by next when the wait is over.
var errTimeout = errors.New("timed out")

func dial(ctx context.Context, client *http.Client, url string) (*conn, error) {
	ws, _, err := websocket.Dial(ctx, "ws"+url[len("http"):], &websocket.DialOptions{
		HTTPClient: client,
		// A browser sends its page's origin.
		HTTPHeader: http.Header{"Origin": {"http://" + Host}},
	})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(-1) // the server bounds what it sends; a full render may be large
	c := &conn{ws: ws, signal: make(chan struct{}, 1), done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *conn) read() {
	defer close(c.done)
	for {
		_, data, err := c.ws.Read(context.Background())
		c.mu.Lock()
		if err != nil {
			c.err = err
		} else {
			c.frames = append(c.frames, data)
		}
		c.mu.Unlock()
		select {
		case c.signal <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// next returns the next frame, waiting until deadline. Once the queue is
// empty and the connection has ended, it returns the reason.
func (c *conn) next(deadline time.Time) ([]byte, error) {
	for {
		c.mu.Lock()
		if len(c.frames) > 0 {
			f := c.frames[0]
			c.frames[0] = nil
			c.frames = c.frames[1:]
			c.mu.Unlock()
			return f, nil
		}
		err := c.err
		c.mu.Unlock()
		if err != nil {
			return nil, err
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return nil, errTimeout
		}
		t := time.NewTimer(wait)
		select {
		case <-c.signal:
		case <-t.C:
		}
		t.Stop()
	}
}

// send writes one frame.
func (c *conn) send(frame any) error {
	b, err := json.Marshal(frame)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// close closes the connection as a page that goes away does, and waits for
// the reader.
func (c *conn) close() {
	c.ws.Close(websocket.StatusNormalClosure, "")
	c.ws.CloseNow()
	<-c.done
}

// closeReason describes why a connection ended: its close status and
// reason, or the error.
func closeReason(err error) string {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		if ce.Reason != "" {
			return fmt.Sprintf("status %d (%s)", int(ce.Code), ce.Reason)
		}
		return fmt.Sprintf("status %d", int(ce.Code))
	}
	return "dropped (" + err.Error() + ")"
}

// crashed reports whether err is the close of a view that crashed.
func crashed(err error) bool {
	return websocket.CloseStatus(err) == websocket.StatusInternalError
}
