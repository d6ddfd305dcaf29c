package live_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// testView counts, echoes, fails and panics on demand.
type testView struct {
	count  int
	echo   string
	mounts *atomic.Int32
}

func (v *testView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.mounts.Add(1)
	if r.URL.Query().Get("fail") != "" {
		return errors.New("mount refused")
	}
	return nil
}

func (v *testView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="count">%d</p><p id="echo">%s</p>`, v.count, templ.EscapeString(v.echo))
		return err
	})
}

func (v *testView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		v.count++
	case "set":
		n, err := e.Int("n")
		if err != nil {
			return err
		}
		v.count = n
	case "echo":
		v.echo = e.Get("text")
	case "panic":
		panic("boom")
	case "later":
		return c.Send("tick")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func (v *testView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	if msg == "tick" {
		v.count += 100
	}
	return nil
}

// logBuffer is a slog handler target safe for concurrent writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type server struct {
	*httptest.Server
	logs   *logBuffer
	mounts atomic.Int32
}

func newServer(t testing.TB, opts *live.Options) *server {
	t.Helper()
	s := &server{logs: &logBuffer{}}
	if opts == nil {
		opts = &live.Options{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(s.logs, nil))
	}
	h := live.NewHandler(func() live.View { return &testView{mounts: &s.mounts} }, opts)
	mux := http.NewServeMux()
	mux.Handle("/view", h)
	mux.Handle("/other", h)
	mux.Handle("/_templive/", live.Assets())
	s.Server = httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); s.Close() })
	return s
}

var tokenRE = regexp.MustCompile(`live-token="([^"]+)"`)

// page GETs path and returns the body and the page's token.
func (s *server) page(t testing.TB, path string) (string, string) {
	t.Helper()
	resp, err := s.Client().Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	m := tokenRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no token in page:\n%s", body)
	}
	return string(body), string(m[1])
}

type client struct {
	t  testing.TB
	ws *websocket.Conn
}

func (s *server) dial(t testing.TB, path string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+path, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return &client{t: t, ws: ws}
}

// join dials path and joins with tok, returning the join reply.
func (s *server) join(t testing.TB, path, tok string, applied int) (*client, string) {
	t.Helper()
	c := s.dial(t, path)
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s%s","n":%d}]`, tok, s.URL, path, applied))
	return c, c.read()
}

func (c *client) send(frame string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		c.t.Fatalf("write %s: %v", frame, err)
	}
}

func (c *client) read() string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return string(data)
}

// readErr reads until the connection fails and returns the error.
func (c *client) readErr() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		if _, _, err := c.ws.Read(ctx); err != nil {
			return err
		}
	}
}

func TestPageRendersWithoutJavaScript(t *testing.T) {
	s := newServer(t, nil)
	body, _ := s.page(t, "/view")
	for _, want := range []string{`<!DOCTYPE html>`, `<div live-root live-token="`, `<p id="count">0</p>`, `<script defer src="/_templive/templive.`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
}

func TestMountFailureIs500(t *testing.T) {
	s := newServer(t, nil)
	resp, err := s.Client().Get(s.URL + "/view?fail=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", resp.StatusCode)
	}
}

func TestClickRoundTrip(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c, reply := s.join(t, "/view", tok, 0)
	if reply != `[0,0]` {
		t.Fatalf("join reply %s, want [0,0] (adopted, nothing to change)", reply)
	}
	up := `[1,1,"inc"]`
	c.send(up)
	down := c.read()
	if want := `[0,1,[[0,"count",[0],"1"]]]`; down != want {
		t.Fatalf("click reply %s, want %s", down, want)
	}
	t.Logf("counter click round trip: %d bytes up + %d bytes down = %d bytes", len(up), len(down), len(up)+len(down))
	if s.mounts.Load() != 1 {
		t.Fatalf("Mount ran %d times, want once for GET and join together", s.mounts.Load())
	}
	c.send(`[2]`)
	if got := c.read(); got != `[2]` {
		t.Fatalf("heartbeat answer %s, want [2]", got)
	}
}

func TestTextStaysText(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"echo",{"text":"<img src=x onerror=alert(1)>"}]`)
	got := c.read()
	if !strings.Contains(got, `[0,"echo",[],`) && !strings.Contains(got, `[4,"echo",[],0,`) {
		t.Fatalf("echo reply %s: want a text op (0 or 4) on #echo", got)
	}
	if strings.Contains(got, `[3,`) || strings.Contains(got, `[9,`) {
		t.Fatalf("echo reply %s carries HTML ops: user text must travel as text", got)
	}
}

func TestMessageFromAnotherGoroutine(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"later"]`)
	if got := c.read(); got != `[0,1]` {
		t.Fatalf("reply %s, want a bare ack", got)
	}
	if got, want := c.read(), `[1,[[0,"count",[0],"100"]]]`; got != want {
		t.Fatalf("patch after HandleInfo %s, want %s", got, want)
	}
}

func TestLateJoinMountsAfresh(t *testing.T) {
	s := newServer(t, &live.Options{AdoptTimeout: time.Millisecond})
	_, tok := s.page(t, "/view")
	time.Sleep(5 * time.Millisecond)
	s.page(t, "/view") // a later GET sweeps the expired view
	c, reply := s.join(t, "/view", tok, 0)
	if !strings.HasPrefix(reply, `[0,0,[[9,"",[],"<p id=\"count\">0`) {
		t.Fatalf("join reply %s, want a morph of the whole root", reply)
	}
	c.send(`[1,1,"inc"]`)
	if got := c.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
		t.Fatalf("click after fresh mount: %s", got)
	}
	if s.mounts.Load() != 3 {
		t.Fatalf("Mount ran %d times, want 3 (two GETs and the late join)", s.mounts.Load())
	}
}

func TestResumeAfterDrop(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"inc"]`)
	c.read()
	c.ws.CloseNow() // the network drops

	// The page applied one patch; the server kept the view.
	c2, reply := s.join(t, "/view", tok, 1)
	if reply != `[0,0]` {
		t.Fatalf("resume reply %s, want [0,0]", reply)
	}
	// The click whose ack was lost is re-sent with its ref: applied once.
	c2.send(`[1,1,"inc"]`)
	if got := c2.read(); got != `[0,1]` {
		t.Fatalf("re-sent event: %s, want a bare ack", got)
	}
	c2.send(`[1,2,"inc"]`)
	if got := c2.read(); got != `[0,2,[[0,"count",[0],"2"]]]` {
		t.Fatalf("next click: %s", got)
	}
	if s.mounts.Load() != 1 {
		t.Fatalf("Mount ran %d times, want 1", s.mounts.Load())
	}
}

func TestResumeWithMissedPatchResyncs(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"inc"]`)
	c.read()
	c.ws.CloseNow()
	// The page says it applied nothing: it missed the patch.
	_, reply := s.join(t, "/view", tok, 0)
	if !strings.HasPrefix(reply, `[0,0,[[9,"",[],`) || !strings.Contains(reply, `>1<`) {
		t.Fatalf("resume reply %s, want a full morph showing 1", reply)
	}
}

func TestBadInput(t *testing.T) {
	s := newServer(t, &live.Options{ReadLimit: 1024})
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	tests := []struct {
		name, frame, want string
	}{
		{"malformed JSON", `[1,2,"inc"`, `[3,0,"malformed frame: not a JSON array`},
		{"unknown message kind", `[42]`, `[3,0,"malformed frame: unknown kind 42"]`},
		{"unknown event", `[1,3,"nope"]`, `[3,3,"unknown event \"nope\""]`},
		{"wrong value type", `[1,4,"set",{"n":"three"}]`, `[3,4,"live: bad event value: event \"set\": \"n\": want an integer, got \"three\""]`},
		{"missing value", `[1,5,"set"]`, `[3,5,"live: bad event value: event \"set\": \"n\": missing"]`},
		{"nested value", `[1,6,"set",{"n":{"x":1}}]`, `[3,0,"malformed frame: values[\"n\"]`},
		{"second join", `[0,{"v":1,"t":"x","u":"y"}]`, `[3,0,"already joined"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.send(tt.frame)
			if got := c.read(); !strings.HasPrefix(got, tt.want) {
				t.Fatalf("reply to %s:\n got %s\nwant %s...", tt.frame, got, tt.want)
			}
		})
	}
	// The view kept running through all of it, with its state.
	c.send(`[1,7,"inc"]`)
	if got := c.read(); got != `[0,7,[[0,"count",[0],"1"]]]` {
		t.Fatalf("after bad input: %s", got)
	}
	if !strings.Contains(s.logs.String(), "unknown event") {
		t.Errorf("no log line for the unknown event:\n%s", s.logs)
	}

	t.Run("oversize frame", func(t *testing.T) {
		c.send(`[1,8,"echo",{"text":"` + strings.Repeat("x", 2000) + `"}]`)
		if got := websocket.CloseStatus(c.readErr()); got != websocket.StatusMessageTooBig {
			t.Fatalf("close status %v, want 1009", got)
		}
	})
}

func TestBinaryFrameIsRefused(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.ws.Write(context.Background(), websocket.MessageBinary, []byte(`[1,1,"inc"]`))
	if got := websocket.CloseStatus(c.readErr()); got != websocket.StatusUnsupportedData {
		t.Fatalf("close status %v, want 1003", got)
	}
}

func TestJoinRefused(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	other := newServer(t, nil) // another secret
	_, foreign := other.page(t, "/view")
	tampered := []byte(tok)
	tampered[5] ^= 1
	tests := []struct{ name, path, tok, reason string }{
		{"garbage token", "/view", "garbage", "malformed token"},
		{"tampered token", "/view", string(tampered), ""},
		{"foreign secret", "/view", foreign, "bad token signature"},
		{"token for another page", "/other", tok, "token is for another page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.mounts.Load()
			c, reply := s.join(t, tt.path, tt.tok, 0)
			if !strings.HasPrefix(reply, `[4,"`+tt.reason) {
				t.Fatalf("reply %s, want a reload frame [4,%q]", reply, tt.reason)
			}
			if got := websocket.CloseStatus(c.readErr()); got != websocket.StatusPolicyViolation {
				t.Fatalf("close status %v, want 1008", got)
			}
			if s.mounts.Load() != before {
				t.Fatal("a refused join mounted a view")
			}
		})
	}
	t.Run("first frame not a join", func(t *testing.T) {
		c := s.dial(t, "/view")
		c.send(`[1,1,"inc"]`)
		if got := websocket.CloseStatus(c.readErr()); got != websocket.StatusPolicyViolation {
			t.Fatalf("close status %v, want 1008", got)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		s := newServer(t, &live.Options{TokenMaxAge: time.Nanosecond})
		_, tok := s.page(t, "/view")
		time.Sleep(1100 * time.Millisecond) // tokens carry whole seconds
		_, reply := s.join(t, "/view", tok, 0)
		if reply != `[4,"token expired"]` {
			t.Fatalf("reply %s, want [4,\"token expired\"]", reply)
		}
	})
}

func TestCrossOriginUpgradeRefused(t *testing.T) {
	s := newServer(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/view", &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {"https://evil.example"}},
	})
	if err == nil {
		t.Fatal("cross-origin upgrade accepted")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("response %v, want 403", resp)
	}
}

func TestPanicIsLocal(t *testing.T) {
	s := newServer(t, nil)
	_, tok1 := s.page(t, "/view")
	_, tok2 := s.page(t, "/view")
	c1, _ := s.join(t, "/view", tok1, 0)
	c2, _ := s.join(t, "/view", tok2, 0)
	c2.send(`[1,1,"inc"]`)
	c2.read()

	c1.send(`[1,1,"panic"]`)
	if got := websocket.CloseStatus(c1.readErr()); got != websocket.StatusInternalError {
		t.Fatalf("close status %v, want 1011", got)
	}
	if logs := s.logs.String(); !strings.Contains(logs, "view panicked") || !strings.Contains(logs, "boom") || !strings.Contains(logs, "live_test.go") {
		t.Fatalf("panic not logged with its stack:\n%s", logs)
	}
	// The crashed page rejoins a fresh view...
	_, reply := s.join(t, "/view", tok1, 0)
	if !strings.HasPrefix(reply, `[0,0,[[9,"",[],`) {
		t.Fatalf("rejoin after crash: %s, want a fresh render", reply)
	}
	// ...and the other view never noticed.
	c2.send(`[1,2,"inc"]`)
	if got := c2.read(); got != `[0,2,[[0,"count",[0],"2"]]]` {
		t.Fatalf("other view after the panic: %s", got)
	}
}

func TestAssetServedWithLongCache(t *testing.T) {
	s := newServer(t, nil)
	body, _ := s.page(t, "/view")
	src := regexp.MustCompile(`src="([^"]+)"`).FindStringSubmatch(body)[1]
	req, _ := http.NewRequest("GET", s.URL+src, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := s.Client().Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
		resp.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("asset %s: %s %v", src, resp.Status, resp.Header)
	}
	resp2, _ := s.Client().Get(s.URL + "/_templive/templive.0000.js")
	resp2.Body.Close()
	if resp2.StatusCode != 404 {
		t.Fatalf("unknown asset: %s, want 404", resp2.Status)
	}
}
