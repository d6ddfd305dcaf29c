package livetest_test

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/templive/templive/live/livetest"
)

// TestOpenInSubtests: a table test shares one Server; each row opens its
// page in its own subtest, and the page's connection ends with that
// subtest, not with the whole test.
func TestOpenInSubtests(t *testing.T) {
	ended := make(chan struct{}, 8) // one per live connection that ended
	board := newBoard(nil)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		board.ServeHTTP(hijackWatch{w, ended}, r)
	})
	s := livetest.NewServer(t, h)
	t.Cleanup(func() { board.Close() })
	for _, clicks := range []int{1, 2, 5} {
		name := strconv.Itoa(clicks) + " clicks"
		t.Run(name, func(t *testing.T) {
			p := s.OpenIn(t, "/board") // a fresh view: each row counts from 0
			for range clicks {
				p.Click("#inc") // +2 each
			}
			if got, want := p.Text("#count"), strconv.Itoa(2*clicks); got != want {
				t.Errorf("#count = %q after %d clicks, want %s", got, clicks, want)
			}
		})
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			t.Fatalf("the page opened in subtest %q is still connected after the subtest ended", name)
		}
	}
}

// hijackWatch tells on ended when the server closes a connection it
// hijacked: a live connection's end, as the server sees it.
type hijackWatch struct {
	http.ResponseWriter
	ended chan<- struct{}
}

func (w hijackWatch) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := w.ResponseWriter.(http.Hijacker).Hijack()
	if err != nil {
		return nil, nil, err
	}
	return &watchedConn{Conn: c, ended: w.ended}, rw, nil
}

type watchedConn struct {
	net.Conn
	once  sync.Once
	ended chan<- struct{}
}

func (c *watchedConn) Close() error {
	c.once.Do(func() { c.ended <- struct{}{} })
	return c.Conn.Close()
}
