package e2e

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

// rootHas is a JavaScript condition: the live root has class c.
func rootHas(c string) string {
	return `document.querySelector('[live-root]').classList.contains('` + c + `')`
}

// recordStates makes the page keep, in window.__states, the templive:*
// events the client dispatches for apps' banners, from now on.
func recordStates(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[bool](t, ctx, `window.__states = [];
		['loading', 'connected', 'disconnected', 'error'].forEach((s) =>
			window.addEventListener('templive:' + s, (e) => __states.push(s + (e.target.hasAttribute('live-root') ? '' : '?')))), true`)
}

// TestOfflineClickAppliedOnce cuts the network under /counter and keeps it
// down: the state classes show it, a click made meanwhile waits, and after
// the network is back the view is resumed with its count and the click is
// applied exactly once.
func TestOfflineClickAppliedOnce(t *testing.T) {
	base := startDemo(t, demo.Config{})
	u, _ := url.Parse(base)
	p := newProxy(t, u.Host)
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(p.URL()+"/counter"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")), chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "2")
	eval[bool](t, ctx, `window.__noReload = true`)
	recordStates(t, ctx)

	p.setDown(true)
	p.cut()
	waitFor(t, ctx, "live-disconnected, after its delay", rootHas("live-disconnected"))
	if !eval[bool](t, ctx, `!`+connected+` && `+rootHas("live-loading")) {
		t.Fatal("while disconnected: want live-loading (it keeps trying) and no live-connected")
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	if !eval[bool](t, ctx, `document.querySelector('#inc').classList.contains('live-click-loading')`) {
		t.Error("the offline click shows no loading class")
	}
	if got := text(t, ctx, "#count"); got != "2" {
		t.Fatalf("#count = %q while offline, want 2", got)
	}

	p.setDown(false)
	waitFor(t, ctx, "the client to rejoin", connected)
	waitText(t, ctx, "#count", "3")
	waitFor(t, ctx, "the click's reply", `!document.querySelector('#inc').classList.contains('live-click-loading')`)
	for _, c := range []string{"live-disconnected", "live-loading", "live-error"} {
		if eval[bool](t, ctx, rootHas(c)) {
			t.Errorf("after the rejoin the root still has %s", c)
		}
	}
	// One more click: 4, not 5, if the offline one was applied once.
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "4")
	waitFor(t, ctx, "the last click's reply", `!document.querySelector('#inc').classList.contains('live-click-loading')`)
	if got := text(t, ctx, "#count"); got != "4" {
		t.Fatalf("#count = %q, want 4: the offline click was applied more than once", got)
	}
	if got := eval[[]string](t, ctx, `__states`); strings.Join(got, " ") != "loading disconnected connected" {
		t.Errorf("state events %q, want loading disconnected connected, each dispatched on the root", got)
	}
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded")
	}
}

// TestLostAckAppliedOnce loses the server's reply to a click, then the
// connection: the click was applied, the page never heard of it. After the
// rejoin the page shows the count the server has, the click is re-sent
// with its ref and acknowledged without being applied again.
func TestLostAckAppliedOnce(t *testing.T) {
	base := startDemo(t, demo.Config{})
	u, _ := url.Parse(base)
	p := newDeafProxy(t, u.Host)
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate("http://"+p.ln.Addr().String()+"/counter"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "1")
	eval[bool](t, ctx, `window.__noReload = true`)

	p.deaf.Store(true)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitUntil(t, "the server's reply to be lost", func() bool { return p.lost.Load() > 0 })
	if got := text(t, ctx, "#count"); got != "1" {
		t.Fatalf("#count = %q, want 1: the reply was to be lost", got)
	}
	p.deaf.Store(false) // first, so that no new connection is ever deaf
	p.cut()

	waitFor(t, ctx, "the client to rejoin", connected)
	waitText(t, ctx, "#count", "2")
	waitFor(t, ctx, "the re-sent click's ack", `!document.querySelector('#inc').classList.contains('live-click-loading')`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "3")
	waitFor(t, ctx, "the last click's reply", `!document.querySelector('#inc').classList.contains('live-click-loading')`)
	if got := text(t, ctx, "#count"); got != "3" {
		t.Fatalf("#count = %q, want 3: the click whose ack was lost was applied twice", got)
	}
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded")
	}
}

// TestRestartWithAnotherSecretReloadsOnce restarts the demo with another
// secret: the page's token is refused, and the page reloads once, cleanly,
// into a working page.
func TestRestartWithAnotherSecretReloadsOnce(t *testing.T) {
	ctx := newBrowser(t)
	srv := startProcess(t, "-secret", "the first secret")
	run(t, ctx, chromedp.Navigate(srv.URL()+"/counter"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "1")
	eval[bool](t, ctx, `window.__noReload = true`)

	srv.restart("-secret", "another secret")
	waitAcrossReload(t, ctx, "the page to reload and connect", `window.__noReload === undefined && `+connected)
	if got := eval[string](t, ctx, `performance.getEntriesByType('navigation')[0].type`); got != "reload" {
		t.Errorf("navigation type %q, want reload", got)
	}
	waitText(t, ctx, "#count", "0") // a new page: state in no form is gone
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "1")
}

// TestRefusedJoinNeverLoops serves pages whose token never verifies: the
// client reloads once, then stops with live-error instead of reloading
// again and again.
func TestRefusedJoinNeverLoops(t *testing.T) {
	site := demo.New(demo.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/counter" || r.Header.Get("Upgrade") != "" {
			site.ServeHTTP(w, r)
			return
		}
		gets.Add(1)
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(bytes.Replace(rec.Body.Bytes(), []byte(`live-token="`), []byte(`live-token="tampered`), 1))
	}))
	t.Cleanup(func() { site.Close(); srv.Close() })

	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(srv.URL+"/counter"))
	waitAcrossReload(t, ctx, "live-error", rootHas("live-error"))
	if n := gets.Load(); n != 2 {
		t.Fatalf("the page was loaded %d times, want 2: the first load and one reload", n)
	}
	// The console message reaches the test after the class it follows.
	waitUntil(t, "the console to say that the reload was refused", func() bool {
		for _, m := range console() {
			if strings.Contains(m.Text, "reload refused") {
				return true
			}
		}
		return false
	})
	if got := text(t, ctx, "#count"); got != "0" {
		t.Errorf("#count = %q: the server-rendered page should stay as it is", got)
	}
}

// waitAcrossReload polls a JavaScript condition like waitFor, through
// navigations: an evaluation that fails because the page is being replaced
// counts as false.
func waitAcrossReload(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	waitUntil(t, what, func() bool {
		tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](expr))
		return err == nil && ok
	})
}

// waitUntil polls a condition of the test's own until it holds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// deafProxy is a TCP proxy that can stop passing the server's bytes to the
// browser while still passing the browser's to the server: the server's
// replies are lost, as when a connection dies after a request got through.
type deafProxy struct {
	ln     net.Listener
	target string
	deaf   atomic.Bool  // drop what the server sends
	lost   atomic.Int64 // bytes dropped
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func newDeafProxy(t *testing.T, target string) *deafProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &deafProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.cut(); p.wg.Wait() })
	return p
}

func (p *deafProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); io.Copy(up, c); up.Close(); c.Close() }()
		go func() {
			defer p.wg.Done()
			defer func() { up.Close(); c.Close() }()
			buf := make([]byte, 32<<10)
			for {
				n, err := up.Read(buf)
				if n > 0 && p.deaf.Load() {
					p.lost.Add(int64(n))
				} else if n > 0 {
					if _, werr := c.Write(buf[:n]); werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	}
}

// cut closes every connection through the proxy.
func (p *deafProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
