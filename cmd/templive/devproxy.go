package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// devPrefix is the dev proxy's own path space, served before the app's.
const devPrefix = "/_templive_dev/"

// devScript is the dev client: it follows the proxy's events, swaps
// stylesheets in place and prints build errors in the console. It is a
// file of this origin, so a strict Content-Security-Policy allows it.
//
//go:embed dev.js
var devScript []byte

// devTag is what the proxy adds to every HTML page of the app.
var devTag = []byte(`<script src="` + devPrefix + `dev.js" defer></script>`)

func (d *devServer) handler() http.Handler {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil || d.cfg.Latency <= 0 {
				return c, err
			}
			return newSlowConn(c, d.cfg.Latency), nil
		},
		MaxIdleConnsPerHost: 16,
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(r.In.Context().Value(targetKey{}).(*url.URL))
			// The app checks a live connection's Origin against its Host:
			// both stay the proxy's.
			r.Out.Host = r.In.Host
			r.SetXForwarded()
		},
		Transport:      tr,
		FlushInterval:  -1, // the app's event streams go through as they come
		ModifyResponse: injectDevScript,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "templive dev: the app did not answer: "+err.Error(), http.StatusBadGateway)
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+devPrefix+"dev.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(devScript)
	})
	mux.HandleFunc("GET "+devPrefix+"events", d.events.serve)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u, err := d.app(r.Context())
		if err != nil {
			if r.Context().Err() == nil {
				buildFailedPage(w, err)
			}
			return
		}
		rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), targetKey{}, u)))
	})
	return mux
}

// targetKey carries the app's address from the handler to Rewrite.
type targetKey struct{}

// buildFailedPage answers while no app runs because its build failed: an
// HTML page with the error and the dev client, which reloads it once a
// build works.
func buildFailedPage(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprintf(w, "<!doctype html><title>templive dev: the app is not running</title><h1>The app is not running</h1><pre>%s</pre>%s\n",
		html.EscapeString(err.Error()), devTag)
}

// injectDevScript adds the dev client to an HTML page, before </body>
// (or at the end when there is none).
func injectDevScript(res *http.Response) error {
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || res.Header.Get("Content-Encoding") != "" ||
		res.Request.Method == http.MethodHead || res.StatusCode < 200 || res.StatusCode == http.StatusNoContent || res.StatusCode == http.StatusNotModified {
		return nil
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	body = injectTag(body)
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	res.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

func injectTag(body []byte) []byte {
	i := bytes.LastIndex(bytes.ToLower(body), []byte("</body>"))
	if i < 0 {
		return append(body, devTag...)
	}
	out := make([]byte, 0, len(body)+len(devTag))
	out = append(out, body[:i]...)
	out = append(out, devTag...)
	return append(out, body[i:]...)
}

// broadcaster sends server-sent events to every open page.
type broadcaster struct {
	mu     sync.Mutex
	subs   map[chan string]struct{}
	closed chan struct{}
}

func newBroadcaster() *broadcaster {
	return &broadcaster{subs: map[chan string]struct{}{}, closed: make(chan struct{})}
}

// send queues one event for every page; a page too slow to take it
// misses it (the next one tells it again).
func (b *broadcaster) send(event, data string) {
	var msg strings.Builder
	fmt.Fprintf(&msg, "event: %s\n", event)
	for _, line := range strings.Split(data, "\n") {
		fmt.Fprintf(&msg, "data: %s\n", line)
	}
	msg.WriteString("\n")
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.subs {
		select {
		case c <- msg.String():
		default:
		}
	}
}

func (b *broadcaster) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.closed:
	default:
		close(b.closed)
	}
}

func (b *broadcaster) serve(w http.ResponseWriter, r *http.Request) {
	c := make(chan string, 16)
	b.mu.Lock()
	b.subs[c] = struct{}{}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.subs, c)
		b.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	io.WriteString(w, ": templive dev\n\n")
	rc.Flush()
	for {
		select {
		case msg := <-c:
			if _, err := io.WriteString(w, msg); err != nil {
				return
			}
			rc.Flush()
		case <-r.Context().Done():
			return
		case <-b.closed:
			return
		}
	}
}

// slowConn delays every read from the app by a fixed latency: each round
// trip between a page and the app takes that much longer.
type slowConn struct {
	net.Conn
	latency time.Duration
	chunks  chan chunk
	done    chan struct{}
	once    sync.Once
	rest    []byte
	err     error
}

type chunk struct {
	b   []byte
	err error
	at  time.Time
}

func newSlowConn(c net.Conn, latency time.Duration) *slowConn {
	s := &slowConn{Conn: c, latency: latency, chunks: make(chan chunk, 64), done: make(chan struct{})}
	go s.pump()
	return s
}

// pump reads ahead, stamping each chunk with when it arrived.
func (s *slowConn) pump() {
	for {
		b := make([]byte, 32<<10)
		n, err := s.Conn.Read(b)
		select {
		case s.chunks <- chunk{b[:n], err, time.Now()}:
		case <-s.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (s *slowConn) Read(p []byte) (int, error) {
	if len(s.rest) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		var c chunk
		select {
		case c = <-s.chunks:
		case <-s.done:
			return 0, net.ErrClosed
		}
		if wait := time.Until(c.at.Add(s.latency)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-s.done:
				t.Stop()
				return 0, net.ErrClosed
			}
		}
		s.rest, s.err = c.b, c.err
	}
	n := copy(p, s.rest)
	s.rest = s.rest[n:]
	if n == 0 && s.err != nil {
		return 0, s.err
	}
	return n, nil
}

func (s *slowConn) Close() error {
	s.once.Do(func() { close(s.done) })
	return s.Conn.Close()
}
