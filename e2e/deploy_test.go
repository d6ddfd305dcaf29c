package e2e

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/nats-io/nats-server/v2/server"
)

// Deploys without losing state: a demo process stopped gracefully (SIGTERM,
// as a deploy or a rolling restart does) saves its views in NATS JetStream;
// their pages reconnect to another instance, or to the same one once it is
// back, and carry on with their whole state, not only their forms.

// startJetStream runs a NATS server with JetStream in the test process:
// the instances under test come and go, it stays.
func startJetStream(t *testing.T) string {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true, JetStream: true, StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server not ready")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns.ClientURL()
}

// stop ends the process gracefully, with SIGTERM, and waits until it has
// exited: its views are saved by then.
func (p *demoProcess) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("the demo did not exit within 30 s of SIGTERM\n%s", p.out)
	}
	if !p.cmd.ProcessState.Success() {
		p.t.Errorf("the demo exited with %v after SIGTERM", p.cmd.ProcessState)
	}
	fmt.Fprintf(p.out, "--- stopped\n")
	p.cmd = nil
}

// balancer is a TCP load balancer in front of several instances: each
// connection goes to the next instance in turn that accepts it, as behind
// a load balancer that drops instances that stop listening.
type balancer struct {
	ln       net.Listener
	backends []string
	next     atomic.Uint32
	mu       sync.Mutex
	conns    map[net.Conn]bool
	wg       sync.WaitGroup
}

func newBalancer(t *testing.T, backends ...string) *balancer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &balancer{ln: ln, backends: backends, conns: map[net.Conn]bool{}}
	b.wg.Add(1)
	go b.serve()
	t.Cleanup(func() {
		ln.Close()
		b.mu.Lock()
		for c := range b.conns {
			c.Close()
		}
		b.mu.Unlock()
		b.wg.Wait()
	})
	return b
}

func (b *balancer) URL() string { return "http://" + b.ln.Addr().String() }

func (b *balancer) serve() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			first := int(b.next.Add(1))
			var up net.Conn
			for i := range b.backends {
				if up, err = net.Dial("tcp", b.backends[(first+i)%len(b.backends)]); err == nil {
					break
				}
			}
			if up == nil {
				c.Close()
				return
			}
			b.mu.Lock()
			b.conns[c], b.conns[up] = true, true
			b.mu.Unlock()
			done := make(chan struct{})
			go func() { io.Copy(up, c); up.Close(); close(done) }()
			io.Copy(c, up)
			c.Close()
			<-done
			b.mu.Lock()
			delete(b.conns, c)
			delete(b.conns, up)
			b.mu.Unlock()
		}()
	}
}

var (
	pageTokenRE  = regexp.MustCompile(`live-token="([^"]+)"`)
	morphCountRE = regexp.MustCompile(`id=\\"count\\">(-?\d+)<`)
	textCountRE  = regexp.MustCompile(`\[0,"count",\[0\],"(-?\d+)"\]`)
	// patchRE matches the frames that carry patch ops: replies with ops
	// and patches. The page counts those it applied, as the client does.
	patchRE = regexp.MustCompile(`^\[(0,\d+,|1,)\[\[`)
)

// wirePage is a counter page as the browser's client runs it, speaking
// the protocol over a real WebSocket: it reconnects, with the same token
// and its event refs, whenever its connection ends.
type wirePage struct {
	base, tok string
	ref       uint64
	clicks    int
	applied   int // patch-carrying frames, sent in the join as the client does

	mu        sync.Mutex
	ws        *websocket.Conn
	count     int      // the count the page shows
	joins     int      // joins answered
	restored  []int    // the count each join after the first showed
	replies   chan int // counts of replies to clicks
	connected chan struct{}
	err       error
	trace     []string
}

// openWirePage loads /counter through base and joins it live.
func openWirePage(ctx context.Context, base string, clicks int) (*wirePage, error) {
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
	resp, err := hc.Get(base + "/counter")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := pageTokenRE.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no token in /counter: %s", resp.Status)
	}
	p := &wirePage{base: base, tok: string(m[1]), clicks: clicks, replies: make(chan int, 1), connected: make(chan struct{}, 1)}
	if err := p.join(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// join connects and joins; then a goroutine reads the connection until it
// ends, and joins again, after a backoff, until ctx ends.
func (p *wirePage) join(ctx context.Context) error {
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(p.base, "http")+"/counter", nil)
	if err != nil {
		return err
	}
	ws.SetReadLimit(1 << 20)
	p.mu.Lock()
	join := fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/counter","n":%d}]`, p.tok, p.base, p.applied)
	p.mu.Unlock()
	if err := ws.Write(dctx, websocket.MessageText, []byte(join)); err != nil {
		ws.CloseNow()
		return err
	}
	_, reply, err := ws.Read(dctx)
	if err != nil {
		ws.CloseNow()
		return fmt.Errorf("join: %w", err)
	}
	if !strings.HasPrefix(string(reply), "[0,0") {
		ws.CloseNow()
		return fmt.Errorf("join refused: %.200s", reply)
	}
	p.mu.Lock()
	if patchRE.Match(reply) {
		p.applied++
	}
	if m := morphCountRE.FindSubmatch(reply); m != nil {
		p.count, _ = strconv.Atoi(string(m[1]))
	}
	if p.joins > 0 {
		p.restored = append(p.restored, p.count)
	}
	p.trace = append(p.trace, fmt.Sprintf("%s join %.60s", time.Now().Format("05.000"), reply))
	p.joins++
	p.ws = ws
	p.mu.Unlock()
	select {
	case p.connected <- struct{}{}:
	default:
	}
	go p.read(ctx, ws)
	return nil
}

func (p *wirePage) read(ctx context.Context, ws *websocket.Conn) {
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			ws.CloseNow()
			if ctx.Err() != nil {
				return
			}
			p.mu.Lock()
			p.trace = append(p.trace, fmt.Sprintf("%s closed %v", time.Now().Format("05.000"), err))
			p.mu.Unlock()
			// As the client: back off, then rejoin; refused joins are
			// retried (an instance on its way down refuses them).
			for attempt := 0; ; attempt++ {
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Duration(rand.Int64N(int64(200*time.Millisecond) << min(attempt, 4)))):
				}
				if err := p.join(ctx); err == nil {
					return
				} else if attempt > 50 {
					p.mu.Lock()
					p.err = err
					p.mu.Unlock()
					return
				}
			}
		}
		if patchRE.Match(data) {
			p.mu.Lock()
			p.applied++
			p.mu.Unlock()
		}
		if m := textCountRE.FindSubmatch(data); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			p.mu.Lock()
			p.count = n
			p.mu.Unlock()
			select {
			case p.replies <- n:
			default:
			}
		}
	}
}

// click sends inc and waits for the count it shows.
func (p *wirePage) click(ctx context.Context) (int, error) {
	p.mu.Lock()
	p.ref++
	ws, frame := p.ws, fmt.Sprintf(`[1,%d,"inc"]`, p.ref)
	p.mu.Unlock()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := ws.Write(wctx, websocket.MessageText, []byte(frame)); err != nil {
		return 0, err
	}
	select {
	case n := <-p.replies:
		return n, nil
	case <-wctx.Done():
		return 0, fmt.Errorf("no reply to %s", frame)
	}
}

func (p *wirePage) state() (count, joins int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count, p.joins, p.err
}

// TestRollingRestartKeepsEveryPage runs 200 counter pages on two instances
// behind a load balancer, each page with its own count (in no form), and
// restarts the instances one after the other, gracefully; every page keeps
// its count.
func TestRollingRestartKeepsEveryPage(t *testing.T) {
	const pages = 200
	natsURL := startJetStream(t)
	a := startProcess(t, "-nats", natsURL, "-dev=false")
	b := startProcess(t, "-nats", natsURL, "-dev=false")
	lb := newBalancer(t, a.addr, b.addr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	open := make([]*wirePage, pages)
	var wg sync.WaitGroup
	errs := make(chan error, pages)
	sem := make(chan struct{}, 16)
	for i := range open {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			p, err := openWirePage(ctx, lb.URL(), 1+i%9)
			if err != nil {
				errs <- fmt.Errorf("page %d: %w", i, err)
				return
			}
			for range p.clicks {
				if _, err := p.click(ctx); err != nil {
					errs <- fmt.Errorf("page %d: %w", i, err)
					return
				}
			}
			open[i] = p
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, p := range open {
		if n, _, _ := p.state(); n != p.clicks {
			t.Fatalf("page %d shows %d after %d clicks", i, n, p.clicks)
		}
	}

	joinsNow := func() []int {
		out := make([]int, pages)
		for i, p := range open {
			_, out[i], _ = p.state()
		}
		return out
	}
	// waitRejoined waits until want pages have joined again since before.
	waitRejoined := func(what string, before []int, want int) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			moved := 0
			for i, p := range open {
				_, joins, err := p.state()
				if err != nil {
					t.Fatalf("%s: page %d: %v", what, i, err)
				}
				if joins > before[i] {
					moved++
				}
			}
			if moved >= want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d of %d pages rejoined", what, moved, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// The pages on a move to b; a comes back; then b's, all of them, move
	// to a; b comes back.
	start := time.Now()
	before := joinsNow()
	a.stop()
	_, savedA := savedBytes(t, a.out.String())
	if savedA == 0 || savedA == pages {
		t.Fatalf("a saved %d views: the balancer should have given it some of the %d pages, not all", savedA, pages)
	}
	waitRejoined("a stopped", before, savedA)
	a.start()
	before = joinsNow()
	b.stop()
	waitRejoined("b stopped", before, pages)
	b.start()
	took := time.Since(start)

	for i, p := range open {
		count, _, _ := p.state()
		if count != p.clicks {
			t.Errorf("page %d shows %d after the rolling restart, want its %d clicks: %q", i, count, p.clicks, p.trace)
		}
		p.mu.Lock()
		for _, n := range p.restored {
			if n != p.clicks {
				t.Errorf("page %d rejoined showing %d, want %d", i, n, p.clicks)
			}
		}
		p.mu.Unlock()
		if n, err := p.click(ctx); err != nil || n != p.clicks+1 {
			t.Errorf("page %d: a click after the restart shows %d (%v), want %d", i, n, err, p.clicks+1)
		}
	}
	outB := b.out.String()
	bytesB, savedB := savedBytes(t, outB)
	if savedB != pages {
		t.Errorf("b saved %d views when it stopped, want all %d", savedB, pages)
	}
	t.Logf("rolling restart of 2 instances with %d pages: %v (a saved %d views, b %d); %d bytes per saved view", pages, took.Round(time.Millisecond), savedA, savedB, bytesB/max(savedB, 1))
}

var savedRE = regexp.MustCompile(`views saved for their pages to resume" saved=(\d+) views=\d+ bytes=(\d+)`)

// savedBytes sums what the instance's logs say its Handlers saved.
func savedBytes(t *testing.T, logs string) (bytes, saved int) {
	t.Helper()
	for _, m := range savedRE.FindAllStringSubmatch(logs, -1) {
		n, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		saved += n
		bytes += b
	}
	return bytes, saved
}

// TestGracefulRestartKeepsCounter restarts the only instance, gracefully,
// under a page in Chromium: the page keeps its count (in no form), a click
// made while the server was down is applied once, on top of it, and the
// page does not reload.
func TestGracefulRestartKeepsCounter(t *testing.T) {
	natsURL := startJetStream(t)
	ctx := newBrowser(t)
	srv := startProcess(t, "-nats", natsURL, "-dev=false")
	run(t, ctx, chromedp.Navigate(srv.URL()+"/counter"))
	waitFor(t, ctx, "the live connection", connected)
	for range 3 {
		run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	}
	waitText(t, ctx, "#count", "3")
	eval[bool](t, ctx, `window.__noReload = true`)

	srv.stop()
	waitFor(t, ctx, "the page to see the server gone", `!document.querySelector('[live-root]').classList.contains('live-connected')`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc"))) // offline: queued by the client
	srv.start()
	waitFor(t, ctx, "the page to reconnect", connected)
	// The restored 3, then the click made while the server was down.
	waitText(t, ctx, "#count", "4")
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "5")
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Error("the page reloaded")
	}
}

// TestChangedAssetsReloadOnce restarts the instance with other static
// assets: the page reloads once to load them, and then stays.
func TestChangedAssetsReloadOnce(t *testing.T) {
	ctx := newBrowser(t)
	srv := startProcess(t, "-asset-version", "one")
	run(t, ctx, chromedp.Navigate(srv.URL()+"/counter"))
	waitFor(t, ctx, "the live connection", connected)
	eval[bool](t, ctx, `window.__noReload = true`)
	srv.stop()
	srv.args = []string{"-asset-version", "two"}
	srv.start()
	waitAcrossReload(t, ctx, "the page to reload and connect", `window.__noReload === undefined && `+connected)
	if got := eval[string](t, ctx, `performance.getEntriesByType('navigation')[0].type`); got != "reload" {
		t.Errorf("navigation type %q, want reload", got)
	}
	eval[bool](t, ctx, `window.__reloaded = true`)
	// Joined, the page stays: no second reload.
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "1")
	if !eval[bool](t, ctx, `window.__reloaded === true`) {
		t.Error("the page reloaded a second time")
	}
}
