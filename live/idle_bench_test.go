package live_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/examples/chat"
	"github.com/templive/templive/examples/counter"
	"github.com/templive/templive/examples/layout"
	"github.com/templive/templive/live"
)

// Environment of BenchmarkIdleMemory and of its client process.
const (
	idleURLEnv     = "TEMPLIVE_IDLE_URL"      // set in the client process: the server to load
	idleConnsEnv   = "TEMPLIVE_IDLE_N"        // pages to hold open (default 2000)
	idleProfileEnv = "TEMPLIVE_IDLE_HEAPPROF" // a file for the heap profile taken while they rest
)

// BenchmarkIdleMemory reports what an idle live page costs the server:
// heap-B/conn (HeapInuse, spans in use), alloc-B/conn (HeapAlloc, live
// objects), allocated-B/conn (TotalAlloc: garbage included, what drives
// the GC and so RSS while pages join), stack-B/conn (StackInuse),
// goroutines/conn, and rss-B/conn (the growth of the process's resident
// set, as the runtime left it at the default GOGC: no forced GC), once its
// view rests. The views are the demo's counter and chat, in the
// demo's layout. The pages are real WebSockets over loopback, held by
// a second process (this test binary, running TestIdleClients), so that
// nothing of the clients is counted. Run it with
//
//	go test ./live -run '^$' -bench IdleMemory -benchtime 1x
//
// TEMPLIVE_IDLE_N sets the number of pages; TEMPLIVE_IDLE_HEAPPROF=file
// writes a heap profile taken while they rest.
func BenchmarkIdleMemory(b *testing.B) {
	n := 2000
	if s := os.Getenv(idleConnsEnv); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	profile := os.Getenv(idleProfileEnv)
	if profile != "" {
		runtime.MemProfileRate = 64
	}
	pages := []struct {
		name    string
		newView func() live.View
	}{{"counter", counter.New}, {"chat", chat.New}}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			h := live.NewHandler(pg.newView, &live.Options{
				HibernateAfter: 100 * time.Millisecond, Layout: layout.For(pg.name),
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			srv := httptest.NewServer(h)
			defer func() { h.Close(); srv.Close() }()
			var heap, alloc, total, stack, gs, rss float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				g0 := runtime.NumGoroutine()
				rss0 := residentBytes()
				stop := startIdleClients(b, srv.URL, n)
				deadline := time.Now().Add(time.Minute)
				for live.RestingViews(h) < n {
					if time.Now().After(deadline) {
						stop()
						b.Fatalf("%d of %d views at rest after a minute", live.RestingViews(h), n)
					}
					time.Sleep(50 * time.Millisecond)
				}
				rss = float64(residentBytes()-rss0) / float64(n) // as the runtime left it: no forced GC
				runtime.GC()
				runtime.GC()
				runtime.ReadMemStats(&after)
				g1 := runtime.NumGoroutine()
				if profile != "" {
					writeHeapProfile(b, pg.name+"-"+profile)
				}
				stop()
				heap = float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(n)
				total = float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
				alloc = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
				stack = float64(int64(after.StackInuse)-int64(before.StackInuse)) / float64(n)
				gs = float64(g1-g0) / float64(n)
			}
			b.ReportMetric(heap, "heap-B/conn")
			b.ReportMetric(alloc, "alloc-B/conn")
			b.ReportMetric(total, "allocated-B/conn")
			b.ReportMetric(stack, "stack-B/conn")
			b.ReportMetric(gs, "goroutines/conn")
			if rss != 0 {
				b.ReportMetric(rss, "rss-B/conn")
			}
		})
	}
}

// residentBytes is the process's resident set (VmRSS), or 0 where there is
// no /proc.
func residentBytes() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if kb, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(kb), " kB"), 10, 64)
			return n << 10
		}
	}
	return 0
}

func writeHeapProfile(b *testing.B, name string) {
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}

// startIdleClients starts the process that holds n pages of url open, waits
// until all have joined, and returns what ends it.
func startIdleClients(b *testing.B, url string, n int) (stop func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleClients$", "-test.count=1")
	cmd.Env = append(os.Environ(), idleURLEnv+"="+url, idleConnsEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop = func() {
		in.Close()
		io.Copy(io.Discard, out)
		cmd.Wait()
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if sc.Text() == "ready" {
			return stop
		}
		b.Log(sc.Text())
	}
	stop()
	b.Fatal("the client process ended before its pages joined")
	return nil
}

// TestIdleClients is BenchmarkIdleMemory's client process: it opens the
// pages, says "ready", and holds them until its stdin closes. It does
// nothing in a normal test run.
func TestIdleClients(t *testing.T) {
	url := os.Getenv(idleURLEnv)
	if url == "" {
		t.Skip("the client process of BenchmarkIdleMemory")
	}
	n, err := strconv.Atoi(os.Getenv(idleConnsEnv))
	if err != nil {
		t.Fatal(err)
	}
	conns := make([]*websocket.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.CloseNow()
		}
	}()
	ctx := context.Background()
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	for range n {
		resp, err := hc.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := tokenRE.FindSubmatch(body)
		if m == nil {
			t.Fatalf("no token in page:\n%s", body)
		}
		ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http"), nil)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, ws)
		c := &client{t: t, ws: ws}
		c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/","n":0}]`, m[1], url))
		if reply := c.read(); !strings.HasPrefix(reply, "[0,") {
			t.Fatalf("join reply %s", reply)
		}
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
}
