package live_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/templive/templive/live"
)

// rawPage is a page joined over a plain TCP connection that writes frames
// exactly as given: several in one write when the test wants.
type rawPage struct {
	conn net.Conn
	br   *bufio.Reader
}

func joinRaw(t testing.TB, srv *server) *rawPage {
	t.Helper()
	_, tok := srv.page(t, "/view")
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(conn, "GET /view HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", conn.RemoteAddr())
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	p := &rawPage{conn: conn, br: br}
	p.write(t, fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0}]`, tok, srv.URL))
	if got := serverFrame(t, br); got != "[0,0]" {
		t.Fatalf("join reply %s, want [0,0]", got)
	}
	return p
}

// write sends frames in one write.
func (p *rawPage) write(t testing.TB, frames ...string) {
	t.Helper()
	var out bytes.Buffer
	for _, f := range frames {
		out.Write(clientFrame(f))
	}
	if _, err := p.conn.Write(out.Bytes()); err != nil {
		t.Fatal(err)
	}
}

// waitGoroutines waits until at most n goroutines run.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A page that waits for its user costs no goroutine: its connection parks
// between frames. It wakes for every frame, also for frames that arrive
// together in one packet, where the second is already in the connection's
// buffer when the first has been read, and never in the socket.
func TestIdlePagesHoldNoGoroutine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("connections park on Linux only")
	}
	srv, _ := probeServer(t, func() live.View { return &probe{out: "hi"} }, &live.Options{HibernateAfter: time.Millisecond})
	srv.page(t, "/view") // the first request starts the server's goroutines
	base := runtime.NumGoroutine()
	const pages = 50
	ps := make([]*rawPage, pages)
	for i := range ps {
		ps[i] = joinRaw(t, srv)
	}
	// The poller's goroutine, and what net/http runs for the GETs'
	// keep-alive connections (a reader each).
	waitGoroutines(t, base+2)

	for round := range 3 {
		for _, p := range ps {
			p.write(t, "[2]", "[2]", "[2]")
		}
		for i, p := range ps {
			for k := range 3 {
				if got := serverFrame(t, p.br); got != "[2]" {
					t.Fatalf("round %d page %d heartbeat %d: %s, want a pong", round, i, k, got)
				}
			}
		}
		waitGoroutines(t, base+2)
	}
}

// A parked connection still ends as every connection does: at its idle
// timeout, when the server closes, and when the client goes away.
func TestParkedConnectionsEnd(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("connections park on Linux only")
	}
	t.Run("idle timeout", func(t *testing.T) {
		srv, _ := probeServer(t, func() live.View { return &probe{out: "hi"} }, &live.Options{IdleTimeout: 300 * time.Millisecond})
		p := joinRaw(t, srv)
		start := time.Now()
		if op := closeFrame(t, p.br); op != 0x88 {
			t.Fatalf("frame %#x, want the server's close", op)
		}
		if d := time.Since(start); d < 250*time.Millisecond {
			t.Fatalf("closed after %v, before the idle timeout of 300ms", d)
		}
	})
	t.Run("server closes", func(t *testing.T) {
		srv, h := probeServer(t, func() live.View { return &probe{out: "hi"} }, nil)
		p := joinRaw(t, srv)
		time.Sleep(50 * time.Millisecond) // parked
		go h.Close()
		if op := closeFrame(t, p.br); op != 0x88 {
			t.Fatalf("frame %#x, want the server's close", op)
		}
	})
	t.Run("client leaves", func(t *testing.T) {
		srv, h := probeServer(t, func() live.View { return &probe{out: "hi"} }, &live.Options{ResumeTimeout: time.Millisecond})
		p := joinRaw(t, srv)
		time.Sleep(50 * time.Millisecond) // parked
		p.conn.Close()
		deadline := time.Now().Add(10 * time.Second)
		for len(h.Stats()) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("the view of a page whose connection closed still runs: %+v", h.Stats())
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// closeFrame reads frames until a control or text frame's opcode byte other
// than text, and returns it.
func closeFrame(t *testing.T, br *bufio.Reader) byte {
	t.Helper()
	for {
		op, err := br.ReadByte()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		n, _ := br.ReadByte()
		if _, err := io.CopyN(io.Discard, br, int64(n&0x7f)); err != nil {
			t.Fatalf("read: %v", err)
		}
		if op != 0x81 {
			return op
		}
	}
}

// A parked connection answers a ping (coder/websocket does, while it
// reads) and sends the view's frames, with the buffers it gave back
// while parked taken again.
func TestParkedConnectionWrites(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("connections park on Linux only")
	}
	echo := func(v *probe, c *live.Conn, e live.Event) error { v.out = e.Get("text"); return nil }
	srv, _ := probeServer(t, func() live.View { return &probe{out: "hi", onEvent: echo} }, nil)
	p := joinRaw(t, srv)
	for i := range 3 {
		time.Sleep(20 * time.Millisecond) // parked
		ping := clientFrame("are you there")
		ping[0] = 0x89
		if _, err := p.conn.Write(ping); err != nil {
			t.Fatal(err)
		}
		var h [2]byte
		if _, err := io.ReadFull(p.br, h[:]); err != nil {
			t.Fatal(err)
		}
		body := make([]byte, h[1]&0x7f)
		if _, err := io.ReadFull(p.br, body); err != nil {
			t.Fatal(err)
		}
		if h[0] != 0x8a || string(body) != "are you there" {
			t.Fatalf("ping %d: answer %#x %q, want a pong with the ping's data", i, h[0], body)
		}
		long := strings.Repeat(strconv.Itoa(i), 1000) // more than the tiny buffers hold
		p.write(t, fmt.Sprintf(`[1,%d,"echo",{"text":%q}]`, i+1, long))
		if got := serverFrame(t, p.br); !strings.Contains(got, long) {
			t.Fatalf("echo %d: %.80s…, want the text back", i, got)
		}
	}
}

// BenchmarkParkedHeartbeat is what an idle page costs the server every 30
// seconds: a heartbeat wakes its parked connection, is answered, and the
// connection parks again. allocs/op and B/op count the whole process (the
// test's client reads with a buffer it keeps).
//
//	go test ./live -run '^$' -bench ParkedHeartbeat -benchmem
func BenchmarkParkedHeartbeat(b *testing.B) {
	srv, _ := probeServer(b, func() live.View { return &probe{out: "hi"} }, &live.Options{EventRate: 1e9, EventBurst: 1e9})
	p := joinRaw(b, srv)
	beat := clientFrame("[2]")
	pong := make([]byte, 5)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.conn.Write(beat); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(p.br, pong); err != nil || string(pong[2:]) != "[2]" {
			b.Fatalf("pong %q %v", pong, err)
		}
	}
}
