package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// sendAll writes frames without reading in between.
func (c *client) sendAll(frames ...string) {
	c.t.Helper()
	for _, f := range frames {
		c.send(f)
	}
}

// replies reads n frames and returns them keyed by their ref: the rate
// limiter answers on the reading goroutine and the view on its own, so
// their order is not fixed.
func (c *client) replies(n int) map[int]string {
	c.t.Helper()
	out := make(map[int]string, n)
	for range n {
		f := c.read()
		var kind, ref int
		fmt.Sscanf(f, "[%d,%d", &kind, &ref)
		out[ref] = f
	}
	return out
}

func incs(from, to int) []string {
	var out []string
	for ref := from; ref <= to; ref++ {
		out = append(out, fmt.Sprintf(`[1,%d,"inc"]`, ref))
	}
	return out
}

func TestRateLimitAnswersWithError(t *testing.T) {
	// A burst of 5, refilled once in 1000 s: the 6th frame is over.
	s := newServer(t, &live.Options{EventRate: 0.001, EventBurst: 5})
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.sendAll(incs(1, 8)...)
	got := c.replies(8)
	for ref := 1; ref <= 5; ref++ {
		if want := fmt.Sprintf(`[0,%d,[[0,"count",[0],"%d"]]]`, ref, ref); got[ref] != want {
			t.Errorf("reply to event %d: %s, want %s", ref, got[ref], want)
		}
	}
	for ref := 6; ref <= 8; ref++ {
		if want := fmt.Sprintf(`[3,%d,"rate limited"]`, ref); got[ref] != want {
			t.Errorf("reply to event %d: %s, want %s", ref, got[ref], want)
		}
	}
	// Every kind of frame counts; the connection carries on.
	c.send(`[2]`)
	if got := c.read(); got != `[3,0,"rate limited"]` {
		t.Fatalf("heartbeat over the limit: %s", got)
	}
	if n := strings.Count(s.logs.String(), "over the event rate"); n != 1 {
		t.Errorf("%d log lines for the limited connection, want 1:\n%s", n, s.logs)
	}
	// Another connection has its own bucket.
	_, tok2 := s.page(t, "/view")
	c2, _ := s.join(t, "/view", tok2, 0)
	c2.send(`[1,1,"inc"]`)
	if got := c2.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
		t.Fatalf("another connection: %s", got)
	}
}

func TestRateLimitCloses(t *testing.T) {
	s := newServer(t, &live.Options{EventRate: 0.001, EventBurst: 3, RateLimitClose: true})
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.sendAll(incs(1, 4)...)
	// The replies the view had queued may or may not make it before the
	// close: the client re-sends what is not answered.
	var err error
	patches := 0
	for err == nil {
		var data []byte
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, data, err = c.ws.Read(ctx)
		cancel()
		if err == nil && !strings.HasPrefix(string(data), "[0,") {
			t.Fatalf("frame %s before the close, want replies only", data)
		}
		if strings.Contains(string(data), `"count"`) {
			patches++
		}
	}
	if websocket.CloseStatus(err) != websocket.StatusPolicyViolation || !strings.Contains(err.Error(), "rate limited") {
		t.Fatalf("after the burst: %v, want close 1008 \"rate limited\"", err)
	}
	// The frame over the limit never reached the view, the others did:
	// the page resumes its view with 3 clicks applied.
	c2, reply := s.join(t, "/view", tok, patches)
	if !strings.HasPrefix(reply, `[0,0`) {
		t.Fatalf("resume after the close: %s", reply)
	}
	c2.send(`[1,3,"inc"]`) // re-sent: already handled, acked only
	if got := c2.read(); got != `[0,3]` {
		t.Fatalf("re-sent event 3: %s, want a bare ack", got)
	}
	c2.send(`[1,4,"inc"]`)
	if got := c2.read(); got != `[0,4,[[0,"count",[0],"4"]]]` {
		t.Fatalf("the event refused by the limit, re-sent: %s, want it applied now", got)
	}
}

// With the defaults, a page that rejoins with the 100 events its client
// keeps while offline, plus a heartbeat, is not limited.
func TestRateLimitDefaultsFitTheOfflineQueue(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.sendAll(append(incs(1, 100), `[2]`)...)
	got := c.replies(101)
	for ref := 1; ref <= 100; ref++ {
		if want := fmt.Sprintf(`[0,%d,[[0,"count",[0],"%d"]]]`, ref, ref); got[ref] != want {
			t.Fatalf("reply to event %d: %s, want %s", ref, got[ref], want)
		}
	}
	if got[0] != `[2]` {
		t.Fatalf("heartbeat: %s", got[0])
	}
}

func TestRateLimitRefills(t *testing.T) {
	// 50 tokens a second, a burst of 1: a client that waits gets through.
	s := newServer(t, &live.Options{EventRate: 50, EventBurst: 1})
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	for ref := 1; ref <= 3; ref++ {
		c.send(fmt.Sprintf(`[1,%d,"inc"]`, ref))
		if got := c.read(); !strings.HasPrefix(got, fmt.Sprintf(`[0,%d,`, ref)) {
			t.Fatalf("event %d, sent after its reply: %s", ref, got)
		}
		time.Sleep(25 * time.Millisecond) // a token comes every 20 ms: pacing, not an assertion
	}
}

func TestRateLimitOff(t *testing.T) {
	s := newServer(t, &live.Options{EventRate: -1, EventBurst: 1})
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	const n = 300
	c.sendAll(incs(1, n)...)
	got := c.replies(n)
	if want := fmt.Sprintf(`[0,%d,[[0,"count",[0],"%d"]]]`, n, n); got[n] != want {
		t.Fatalf("last reply %s, want %s", got[n], want)
	}
	for ref, f := range got {
		if strings.HasPrefix(f, "[3,") {
			t.Fatalf("event %d refused with the limit off: %s", ref, f)
		}
	}
}

// floodView renders a big text that changes with every message a task
// streams to it as fast as the view takes them.
type floodView struct {
	n       int
	stop    *atomic.Bool
	renders *atomic.Int64
}

func (v *floodView) Render() templ.Component {
	v.renders.Add(1)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="big">%s</p>`, strings.Repeat(string(rune('a'+v.n%26)), 64<<10))
		return err
	})
}

func (v *floodView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	c.StartAsync("flood", func(ctx context.Context, send func(any) error) (any, error) {
		for i := 0; !v.stop.Load(); i++ {
			if send(i) != nil {
				break
			}
		}
		return nil, nil
	})
	return nil
}

func (v *floodView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	v.n = msg.(int)
	return nil
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A client that stops reading while its view produces 64 KiB patches as
// fast as it can: the server disconnects it once OutboundQueue frames wait,
// and its memory stays bounded by that queue meanwhile.
func TestSlowReaderIsDisconnected(t *testing.T) {
	var stop atomic.Bool
	var renders atomic.Int64
	t.Cleanup(func() { stop.Store(true) })
	s := serveView(t, func() live.View { return &floodView{stop: &stop, renders: &renders} }, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	base := heapInUse()
	c.send(`[1,1,"flood"]`)
	// The client reads nothing until the server gives up on it.
	var samples []int64 // live heap over base
	start := time.Now()
	for !strings.Contains(s.logs.String(), "client too slow") {
		if time.Since(start) > 20*time.Second {
			t.Fatal("the server never disconnected the client that stopped reading")
		}
		samples = append(samples, int64(heapInUse())-int64(base))
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	for range 10 { // and a little after
		samples = append(samples, int64(heapInUse())-int64(base))
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	// What the kernel buffered reaches the client, then the close.
	c.ws.SetReadLimit(1 << 20)
	frames, bytes := 0, 0
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var err error
	for {
		var data []byte
		if _, data, err = c.ws.Read(ctx); err != nil {
			break
		}
		frames++
		bytes += len(data)
	}
	if got := websocket.CloseStatus(err); got != websocket.StatusTryAgainLater {
		t.Fatalf("the slow client's connection ended with %v, want close 1013", err)
	}
	after := int64(heapInUse()) - int64(base)
	slices.Sort(samples)
	median, peak := samples[len(samples)/2], samples[len(samples)-1]
	mib := func(n int64) float64 { return float64(n) / (1 << 20) }
	t.Logf("slow reader: disconnected %v after it stopped reading; the view rendered %d patches of 64 KiB (%d MiB), the client got %d (%d MiB, from kernel buffers); live heap %.1f MiB before, then over %d samples median %+.1f MiB, peak %+.1f MiB, after the disconnect %+.1f MiB",
		took.Round(time.Millisecond), renders.Load(), renders.Load()>>4, frames, bytes>>20, mib(int64(base)), len(samples), mib(median), mib(peak), mib(after))
	// The queue holds at most 64 frames of 64 KiB (4 MiB). The samples
	// also count the render in progress, and what it allocates while the
	// collector runs (a 64 KiB page is parsed, diffed and encoded several
	// hundred times a second), hence the margin over the queue's size.
	if limit := int64(16 << 20); median > limit {
		t.Errorf("live heap grew by %.1f MiB (median) while the client did not read, want under %d MiB", mib(median), limit>>20)
	}
	if limit := int64(40 << 20); peak > limit {
		t.Errorf("live heap grew by %.1f MiB (peak) while the client did not read, want under %d MiB", mib(peak), limit>>20)
	}
	if limit := int64(4 << 20); after > limit {
		t.Fatalf("live heap %+d MiB after the disconnect, want the queue freed (under %d MiB)", after>>20, limit>>20)
	}
}

func TestSecretRotation(t *testing.T) {
	old, next := []byte("the secret in use until today"), []byte("the secret from today on")
	before := serveView(t, func() live.View { return &crashView{} }, &live.Options{Secrets: [][]byte{old}})
	during := serveView(t, func() live.View { return &crashView{} }, &live.Options{Secrets: [][]byte{next, old}})
	after := serveView(t, func() live.View { return &crashView{} }, &live.Options{Secrets: [][]byte{next}})
	stale := serveView(t, func() live.View { return &crashView{} }, &live.Options{Secrets: [][]byte{old}})

	// A page served before the rotation joins an instance that has
	// rotated: the old secret still verifies (its view is mounted afresh
	// there, as on any other instance).
	_, oldTok := before.page(t, "/view")
	if _, reply := during.join(t, "/view", oldTok, 0); !strings.HasPrefix(reply, `[0,0,[[9,`) {
		t.Fatalf("page signed with the old secret, joined after rotation: %s, want accepted", reply)
	}
	// Pages served during the rotation are signed with the new secret.
	_, newTok := during.page(t, "/view")
	if _, reply := after.join(t, "/view", newTok, 0); !strings.HasPrefix(reply, `[0,0,[[9,`) {
		t.Fatalf("page signed during rotation, joined once the old secret is gone: %s, want accepted", reply)
	}
	if _, reply := stale.join(t, "/view", newTok, 0); reply != `[4,"bad token signature"]` {
		t.Fatalf("page signed during rotation, joined with only the old secret: %s, want refused", reply)
	}
	// Once the old secret is dropped, its pages are refused.
	if _, reply := after.join(t, "/view", oldTok, 0); reply != `[4,"bad token signature"]` {
		t.Fatalf("old page after the old secret is dropped: %s, want refused", reply)
	}
}

var tokenParts = regexp.MustCompile(`^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$`)

func TestTamperedTokenRefused(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	m := tokenParts.FindStringSubmatch(tok)
	if m == nil {
		t.Fatalf("token %q is not payload.signature", tok)
	}
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	// The signature's last character carries 2 unused bits (256 bits in
	// 43 characters): changing one must not give a second valid spelling.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	sig := []byte(m[2])
	sig[len(sig)-1] = alphabet[strings.IndexByte(alphabet, sig[len(sig)-1])^1]
	_, other := s.page(t, "/other")
	om := tokenParts.FindStringSubmatch(other)
	tests := []struct{ name, tok, reason string }{
		{"payload byte changed", flip(m[1], 4) + "." + m[2], "bad token signature"},
		{"signature byte changed", m[1] + "." + flip(m[2], 3), "bad token signature"},
		{"signature's unused bits changed", m[1] + "." + string(sig), "malformed token"},
		{"another page's signature", m[1] + "." + om[2], "bad token signature"},
		{"signature cut", m[1] + "." + m[2][:20], "bad token signature"},
		{"no signature", m[1], "malformed token"},
		{"empty", "", "malformed token"},
		{"huge", strings.Repeat("A", 5000) + "." + m[2], "malformed token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.mounts.Load()
			c, reply := s.join(t, "/view", tt.tok, 0)
			if want := `[4,"` + tt.reason + `"]`; reply != want {
				t.Fatalf("reply %s, want %s", reply, want)
			}
			if got := websocket.CloseStatus(c.readErr()); got != websocket.StatusPolicyViolation {
				t.Fatalf("close status %v, want 1008", got)
			}
			if s.mounts.Load() != before {
				t.Fatal("a refused join mounted a view")
			}
		})
	}
	// The real token still works: refusals touched nothing.
	if _, reply := s.join(t, "/view", tok, 0); reply != `[0,0]` {
		t.Fatalf("the page's own token after the attempts: %s", reply)
	}
}

// One connection serves one view: a second join on it is refused, even
// with another page's valid token, and that page keeps its view.
func TestOneViewPerConnection(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	_, tok2 := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0}]`, tok2, s.URL))
	if got := c.read(); got != `[3,0,"already joined"]` {
		t.Fatalf("second join: %s", got)
	}
	c.send(`[1,1,"inc"]`)
	if got := c.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
		t.Fatalf("the first view after the second join: %s", got)
	}
	c2, reply := s.join(t, "/view", tok2, 0)
	if reply != `[0,0]` {
		t.Fatalf("the other page's own join: %s, want its view adopted", reply)
	}
	c2.send(`[1,1,"inc"]`)
	if got := c2.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
		t.Fatalf("the other view: %s", got)
	}
}

func TestOriginAllowlist(t *testing.T) {
	s := newServer(t, &live.Options{OriginPatterns: []string{"trusted.example", "*.partner.example"}})
	tests := []struct {
		origin string
		ok     bool
	}{
		{s.URL, true},                           // the page's own origin
		{"https://trusted.example", true},       // listed
		{"https://app.partner.example", true},   // matches a pattern
		{"https://evil.example", false},         // not listed
		{"https://trusted.example.evil", false}, // a lookalike
		{"null", false},                         // a sandboxed frame or a file: page
		{"", true},                              // not a browser: it has no user's cookies to ride on
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			ws, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/view", &websocket.DialOptions{HTTPHeader: h})
			if !tt.ok {
				if err == nil {
					ws.CloseNow()
					t.Fatal("upgrade accepted")
				}
				if resp == nil || resp.StatusCode != http.StatusForbidden {
					t.Fatalf("response %v, want 403", resp)
				}
				return
			}
			if err != nil {
				t.Fatalf("upgrade refused: %v", err)
			}
			defer ws.CloseNow()
			// Accepted, the connection still needs the page's token.
			c := &client{t: t, ws: ws}
			c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0}]`, "a.b", s.URL))
			if got := c.read(); !strings.HasPrefix(got, `[4,`) {
				t.Fatalf("join without a valid token: %s, want refused", got)
			}
		})
	}
}

// Options for a server on the open internet: the defaults already bound
// every resource a client can use; an app may tighten them, close on abuse
// instead of answering it, and rotate its token secret.
func ExampleOptions_limits() {
	newSecret, oldSecret := []byte("from your secret store: 32+ random bytes"), []byte("the previous one, until TokenMaxAge has passed")
	h := live.NewHandler(func() live.View { return &Counter{} }, &live.Options{
		Secrets:        [][]byte{newSecret, oldSecret}, // the first signs, both verify
		OriginPatterns: []string{"admin.example.com"},  // besides the page's own host
		ReadLimit:      16 << 10,                       // a frame: 16 KiB, else close 1009
		EventRate:      20,                             // frames a second per connection...
		EventBurst:     40,                             // ...after a burst of 40
		RateLimitClose: true,                           // close with 1008 instead of answering "rate limited"
	})
	defer h.Close()
	http.Handle("/counter", h)
}
