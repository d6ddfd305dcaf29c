package livetest

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Host is the host name of every Server: pages are opened at
// http://livetest.test/path.
const Host = "livetest.test"

// A Server serves an http.Handler to the pages a test opens, over
// in-memory connections: no port is opened, and the handler sees ordinary
// requests (the GET of each page, then the WebSocket upgrade of its live
// connection) coming from a loopback address. The pages of one Server share
// a cookie jar, as the tabs of one browser do.
//
// A Server is torn down when the test ends: its pages disconnect, the
// handler is closed if it has a Close method (a *live.Handler does), and
// every goroutine it started has ended when the test's cleanup returns.
// Close live handlers mounted inside a mux with t.Cleanup.
//
// A Server and its pages must be used from the test's goroutine.
type Server struct {
	// Timeout bounds every wait of the Server's pages: for the reply to an
	// event, a render, a push, a condition. Default 10 s, and never past
	// the test's deadline.
	Timeout time.Duration

	t       testing.TB
	handler atomic.Pointer[http.Handler]
	ln      *pipeListener
	srv     *http.Server
	served  sync.WaitGroup // Serve and every request's ServeHTTP
	mu      sync.Mutex
	closing bool // no request enters served any more
	client  *http.Client
	pages   []*Page
}

// NewServer starts serving h in memory for the test t.
func NewServer(t testing.TB, h http.Handler) *Server {
	t.Helper()
	if h == nil {
		t.Fatal("livetest: NewServer: nil handler")
	}
	s := &Server{t: t, Timeout: 10 * time.Second, ln: newPipeListener()}
	s.handler.Store(&h)
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !s.enter() {
				http.Error(w, "livetest: server closed", http.StatusServiceUnavailable)
				return
			}
			defer s.served.Done()
			(*s.handler.Load()).ServeHTTP(w, r)
		}),
		ErrorLog: log.New(io.Discard, "", 0),
	}
	jar, _ := cookiejar.New(nil) // never fails with nil options
	s.client = &http.Client{
		Jar: jar,
		Transport: &http.Transport{
			DialContext:       func(ctx context.Context, _, _ string) (net.Conn, error) { return s.ln.dial(ctx) },
			DisableKeepAlives: true, // no idle connection outlives a request
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	s.served.Add(1)
	go func() {
		defer s.served.Done()
		s.srv.Serve(s.ln)
	}()
	t.Cleanup(s.close)
	return s
}

// Open opens the page at path (a path and an optional query, such as
// "/counter?x=1") in a new tab, as NewServer(t, h).Open(path) does.
func Open(t testing.TB, h http.Handler, path string) *Page {
	t.Helper()
	return NewServer(t, h).Open(path)
}

// Restart simulates the server process dying and a new one starting with
// h: every connection drops without a close handshake, the old handler is
// closed if it has a Close method (its views are gone), and h serves from
// then on. Open pages are left disconnected; Page.Reconnect rejoins the new
// server, which mounts their views afresh and recovers their forms if h
// verifies their tokens (give it the same [live.Options.Secrets]). For a
// graceful restart, which may save the views, see Deploy.
func (s *Server) Restart(h http.Handler) {
	s.t.Helper()
	if h == nil {
		s.t.Fatal("livetest: Restart: nil handler")
	}
	s.ln.dropAll()
	for _, p := range s.pages {
		p.noticeDrop()
	}
	old := *s.handler.Swap(&h)
	closeHandler(old)
}

func closeHandler(h http.Handler) {
	if c, ok := h.(interface{ Close() error }); ok {
		c.Close()
	}
}

// enter counts a request in served, unless the server is closing.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.served.Add(1)
	return true
}

func (s *Server) close() {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	for _, p := range s.pages {
		p.shut()
	}
	closeHandler(*s.handler.Load())
	s.srv.Close()
	s.ln.dropAll() // hijacked connections too: their requests return
	s.served.Wait()
	s.client.CloseIdleConnections()
}

// timeout returns how long a wait may take now.
func (s *Server) timeout() time.Duration {
	d := s.Timeout
	if d <= 0 {
		d = 10 * time.Second
	}
	if dt, ok := s.t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := dt.Deadline(); ok {
			// Leave time for the failure to be reported.
			if left := time.Until(dl) - time.Second; left < d {
				d = max(left, 100*time.Millisecond)
			}
		}
	}
	return d
}

// pipeListener is a net.Listener of in-memory connections (net.Pipe). It
// keeps the server ends so that Restart can drop them all, as a dying
// process does.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	mu    sync.Mutex
	open  map[*pipeConn]struct{}
	port  atomic.Int32
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{}), open: map[*pipeConn]struct{}{}}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return loopbackAddr(80) }

// dial connects a new client end to the listener. Both ends look like
// loopback TCP, so that handlers that check for a local client (the
// DevConsole) treat the page as a browser on the same machine.
func (l *pipeListener) dial(ctx context.Context) (net.Conn, error) {
	c, srv := net.Pipe()
	port := 40000 + int(l.port.Add(1))
	client := &pipeConn{Conn: c, local: loopbackAddr(port), remote: loopbackAddr(80)}
	server := &pipeConn{Conn: srv, local: loopbackAddr(80), remote: loopbackAddr(port), l: l}
	l.mu.Lock()
	l.open[server] = struct{}{}
	l.mu.Unlock()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
	case <-ctx.Done():
	}
	server.Close()
	c.Close()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, errors.New("livetest: server closed")
}

// dropAll closes every server end: their peers read EOF at once.
func (l *pipeListener) dropAll() {
	l.mu.Lock()
	conns := make([]*pipeConn, 0, len(l.open))
	for c := range l.open {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

type pipeConn struct {
	net.Conn
	local, remote net.Addr
	l             *pipeListener // set on server ends
	once          sync.Once
}

func (c *pipeConn) LocalAddr() net.Addr  { return c.local }
func (c *pipeConn) RemoteAddr() net.Addr { return c.remote }

func (c *pipeConn) Close() error {
	err := c.Conn.Close()
	if c.l != nil {
		c.once.Do(func() {
			c.l.mu.Lock()
			delete(c.l.open, c)
			c.l.mu.Unlock()
		})
	}
	return err
}

func loopbackAddr(port int) net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}
}

// pageURL is the absolute URL of path on the in-memory server.
func pageURL(path string) string { return "http://" + Host + path }
