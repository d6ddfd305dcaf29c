package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInjectTag(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<html><body><p>x</p></body></html>", "<html><body><p>x</p>" + string(devTag) + "</body></html>"},
		{"<HTML><BODY>x</BODY></HTML>", "<HTML><BODY>x" + string(devTag) + "</BODY></HTML>"},
		{"<p>no body end", "<p>no body end" + string(devTag)},
		// The last </body>: one inside a script's text or a comment comes first.
		{"<body><!-- </body> --></body>", "<body><!-- </body> -->" + string(devTag) + "</body>"},
	} {
		if got := string(injectTag([]byte(tc.in))); got != tc.want {
			t.Errorf("injectTag(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestWatcher: the scan reports added, changed and removed app files by
// kind, and leaves tests, hidden folders and other files alone.
func TestWatcher(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.go", "package main")
	write("page.templ", "x")
	write("static/app.css", "a{}")
	w := newWatcher(dir)
	if c := w.scan(); c.names() != "main.go, page.templ, static/app.css" || !c.code || !c.templ || !c.css {
		t.Fatalf("first scan = %+v, want every file", c)
	}
	if c := w.scan(); !c.empty() {
		t.Fatalf("scan with no change = %q", c.names())
	}
	write("main_test.go", "package main")
	write(".git/x.go", "package x")
	write("node_modules/y.css", "b{}")
	write("notes.txt", "hi")
	if c := w.scan(); !c.empty() {
		t.Errorf("tests, hidden folders and other files counted as changes: %q", c.names())
	}
	write("static/app.css", "a{color:red}")
	if c := w.scan(); c.names() != "static/app.css" || c.code || c.templ || !c.css {
		t.Errorf("stylesheet edit = %+v, want a css-only change", c)
	}
	os.Remove(filepath.Join(dir, "page.templ"))
	if c := w.scan(); c.names() != "page.templ" || !c.templ {
		t.Errorf("removal = %+v, want page.templ", c)
	}
	// After templ generate, its output is no change; a file saved
	// meanwhile is.
	write("page_templ.go", "package main")
	write("view.go", "package main")
	c := w.scan()
	c.dropGenerated()
	if c.names() != "view.go" || !c.code || c.templ || c.css {
		t.Errorf("after generate = %+v, want view.go only", c)
	}
	c = w.scan()
	if c.dropGenerated(); !c.empty() {
		t.Errorf("nothing changed, yet %q", c.names())
	}
}

// TestBroadcaster: an event reaches an open stream in the SSE format.
func TestBroadcaster(t *testing.T) {
	b := newBroadcaster()
	srv := httptest.NewServer(http.HandlerFunc(b.serve))
	defer srv.Close()
	defer b.close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	r.ReadString('\n') // the greeting comment
	r.ReadString('\n')
	b.send("failed", "line 1\nline 2")
	var got strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\n" {
			break
		}
		got.WriteString(line)
	}
	if want := "event: failed\ndata: line 1\ndata: line 2\n"; got.String() != want {
		t.Errorf("stream = %q, want %q", got.String(), want)
	}
}

// TestSlowConn: every byte arrives, in order, and none before the
// latency has passed since it was sent.
func TestSlowConn(t *testing.T) {
	a, b := net.Pipe()
	latency := 50 * time.Millisecond
	s := newSlowConn(b, latency)
	defer s.Close()
	want := bytes.Repeat([]byte("templive "), 10000)
	sent := time.Now()
	go func() { a.Write(want); a.Close() }()
	got, err := io.ReadAll(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, want the %d sent", len(got), len(want))
	}
	if d := time.Since(sent); d < latency {
		t.Errorf("read everything after %v, before the latency %v", d, latency)
	}
}

// TestSlowConnClose: a read waiting on a closed conn returns.
func TestSlowConnClose(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	s := newSlowConn(b, time.Hour)
	go func() { a.Write([]byte("x")) }()
	done := make(chan error)
	go func() { _, err := s.Read(make([]byte, 1)); done <- err }()
	time.Sleep(10 * time.Millisecond)
	s.Close()
	if err := <-done; err == nil {
		t.Error("read on a closed slow conn: no error")
	}
}

// TestDevServerWaits: while the app restarts, a request waits and then
// reaches the new app, with the proxy's Host kept (the app's origin check
// needs it) and the dev script added to HTML; with no app and a failed
// build, it gets the build error.
func TestDevServerWaits(t *testing.T) {
	var host string
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host = r.Host
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>app</body></html>")
	}))
	defer app.Close()
	d := &devServer{cfg: devConfig{Log: io.Discard}, events: newBroadcaster()}
	d.cond = sync.NewCond(&d.mu)
	proxy := httptest.NewServer(d.handler())
	defer proxy.Close()
	defer d.events.close()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(proxy.URL + "/")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	select {
	case body := <-got:
		t.Fatalf("answered before the app ran: %q", body)
	case <-time.After(50 * time.Millisecond):
	}
	d.setTarget(app.URL)
	if body := <-got; body != "<html><body>app"+string(devTag)+"</body></html>" {
		t.Errorf("body %q, want the app's page with the dev script", body)
	}
	if want := strings.TrimPrefix(proxy.URL, "http://"); host != want {
		t.Errorf("the app saw Host %q, want the proxy's %q", host, want)
	}

	d.mu.Lock()
	d.target = nil
	d.mu.Unlock()
	d.fail("go build", io.ErrUnexpectedEOF, []byte("./view.go:3:1: syntax error near <b>"))
	resp, err := http.Get(proxy.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(b), "syntax error near &lt;b&gt;") {
		t.Errorf("with a failed build: %d %q, want 502 with the error, escaped", resp.StatusCode, b)
	}
	if !bytes.Contains(b, devTag) {
		t.Errorf("the build error page lacks the dev script, which reloads it after a good build: %q", b)
	}

	// HEAD and 304 answers have no body to add the script to.
	d.setTarget(app.URL)
	resp, err = http.Head(proxy.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ContentLength != int64(len("<html><body>app</body></html>")) {
		t.Errorf("HEAD Content-Length %d, want the app's own", resp.ContentLength)
	}
}

// TestDevBadInput: templive dev outside a module, or with bad flags, says
// why and starts nothing.
func TestDevBadInput(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := runDev(ctx, devConfig{Dir: t.TempDir(), Addr: "127.0.0.1:0", Poll: time.Second, Log: io.Discard}); err == nil || !strings.Contains(err.Error(), "go.mod") {
		t.Errorf("no go.mod: %v, want an error naming go.mod", err)
	}
	for _, args := range [][]string{{"-latency", "-1s"}, {"-poll", "0s"}, {"-latency", "soon"}} {
		var out bytes.Buffer
		if err := devCmd(args, &out, &out); err == nil {
			t.Errorf("dev %q: no error", args)
		}
	}
}

// TestDevServerLatencyUpgrade: with -latency, an upgraded connection (a
// live page's WebSocket) goes through the proxy both ways, and each
// answer of the app comes at least the latency later.
func TestDevServerLatencyUpgrade(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "echo" {
			http.Error(w, "want an upgrade", http.StatusBadRequest)
			return
		}
		c, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
		rw.Flush()
		buf := make([]byte, 64)
		for {
			n, err := rw.Read(buf)
			if err != nil {
				return
			}
			rw.Write(buf[:n])
			rw.Flush()
		}
	}))
	defer app.Close()
	latency := 80 * time.Millisecond
	d := &devServer{cfg: devConfig{Log: io.Discard, Latency: latency}, events: newBroadcaster()}
	d.cond = sync.NewCond(&d.mu)
	d.setTarget(app.URL)
	proxy := httptest.NewServer(d.handler())
	defer proxy.Close()
	defer d.events.close()

	c, err := net.Dial("tcp", strings.TrimPrefix(proxy.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /live HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade through the proxy: %s", resp.Status)
	}
	for _, msg := range []string{"ping", "pong"} {
		sent := time.Now()
		io.WriteString(c, msg)
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(br, got); err != nil {
			t.Fatal(err)
		}
		if string(got) != msg {
			t.Errorf("echo %q, want %q", got, msg)
		}
		if d := time.Since(sent); d < latency {
			t.Errorf("echo after %v, before the latency %v", d, latency)
		}
	}
}
