package live_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/templive/templive/live"
)

// streamClient is the fallback transport's client side: a stream of
// server-sent events down, frames POSTed up.
type streamClient struct {
	t      *testing.T
	s      *server
	path   string
	id     string
	events chan [2]string // event name, data
}

// openStream opens the event stream of path and reads its id.
func (s *server) openStream(t *testing.T, path string) *streamClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("stream: %s %s", resp.Status, ct)
	}
	c := &streamClient{t: t, s: s, path: path, events: make(chan [2]string, 64)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(c.events)
		br := bufio.NewReader(resp.Body)
		var name, data string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case line == "":
				c.events <- [2]string{name, data}
				name, data = "", ""
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				data += line[len("data: "):]
			}
		}
	}()
	t.Cleanup(func() { cancel(); resp.Body.Close(); <-done })
	ev := c.next()
	if ev[0] != "stream" || len(ev[1]) < 20 {
		t.Fatalf("first event %q, want the stream's id", ev)
	}
	c.id = ev[1]
	return c
}

// next returns the next event, or fails the test after 5 s.
func (c *streamClient) next() [2]string {
	c.t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			c.t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		c.t.Fatal("no event within 5 s")
		return [2]string{}
	}
}

// read returns the next frame (a message event).
func (c *streamClient) read() string {
	c.t.Helper()
	ev := c.next()
	if ev[0] != "" {
		c.t.Fatalf("event %q, want a frame", ev)
	}
	return ev[1]
}

// post sends a frame and returns the answer's status.
func (c *streamClient) post(frame string, header ...string) int {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+c.path, strings.NewReader(frame))
	req.Header.Set("Live-Stream", c.id)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.s.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestSSECarriesTheSameFrames(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c := s.openStream(t, "/view")
	if got := c.post(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0}]`, tok, s.URL)); got != 204 {
		t.Fatalf("POST join: %d", got)
	}
	if got := c.read(); got != `[0,0]` {
		t.Fatalf("join reply %s", got)
	}
	c.post(`[1,1,"inc"]`)
	if got := c.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
		t.Fatalf("click: %s", got)
	}
	// A re-sent event (its POST's answer was lost) is applied once.
	c.post(`[1,1,"inc"]`)
	if got := c.read(); got != `[0,1]` {
		t.Fatalf("re-sent click: %s, want a bare ack", got)
	}
	c.post(`[2]`)
	if got := c.read(); got != `[2]` {
		t.Fatalf("heartbeat: %s", got)
	}
	// Text with newlines stays one frame.
	c.post(`[1,2,"echo",{"text":"a\nb"}]`)
	if got := c.read(); !strings.Contains(got, `a\nb`) {
		t.Fatalf("echo: %s", got)
	}
	if s.mounts.Load() != 1 {
		t.Errorf("Mount ran %d times, want 1 (adopted)", s.mounts.Load())
	}
}

// The stream resumes its view like a WebSocket: a page whose stream
// dropped opens another and rejoins with its state.
func TestSSEResumes(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	join := fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":%%d}]`, tok, s.URL)
	c := s.openStream(t, "/view")
	c.post(fmt.Sprintf(join, 0))
	c.read()
	c.post(`[1,1,"inc"]`)
	c.read()
	c2 := s.openStream(t, "/view")
	c2.post(fmt.Sprintf(join, 1))
	if got := c2.read(); got != `[0,0]` {
		t.Fatalf("resume: %s", got)
	}
	if ev := c.next(); ev[0] != "close" || !strings.Contains(ev[1], "replaced") {
		t.Errorf("the old stream's end: %q, want a close event", ev)
	}
	c2.post(`[1,2,"inc"]`)
	if got := c2.read(); got != `[0,2,[[0,"count",[0],"2"]]]` {
		t.Fatalf("after the resume: %s", got)
	}
}

func TestSSEBadInput(t *testing.T) {
	s := newServer(t, &live.Options{ReadLimit: 1024})
	_, tok := s.page(t, "/view")
	c := s.openStream(t, "/view")
	c.post(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0}]`, tok, s.URL))
	c.read()

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/view", nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin stream: %s, want 403", resp.Status)
	}
	if got := c.post(`[1,2,"inc"]`, "Origin", "https://evil.example"); got != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d, want 403", got)
	}
	other := *c
	other.id = "no-such-stream"
	if got := other.post(`[1,2,"inc"]`); got != http.StatusNotFound {
		t.Errorf("POST to an unknown stream: %d, want 404", got)
	}
	if got := c.post(`not json`); got != 204 {
		t.Errorf("malformed frame: POST %d, want 204 and an error frame", got)
	}
	if got := c.read(); !strings.HasPrefix(got, `[3,0,`) {
		t.Errorf("malformed frame: %s, want an error frame", got)
	}
	// Nothing was lost: the view works.
	c.post(`[1,3,"inc"]`)
	if got := c.read(); got != `[0,3,[[0,"count",[0],"1"]]]` {
		t.Fatalf("after bad input: %s", got)
	}
	// A frame over ReadLimit ends the stream with 1009.
	if got := c.post(`[1,4,"echo",{"text":"` + strings.Repeat("x", 2000) + `"}]`); got != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize POST: %d, want 413", got)
	}
	if ev := c.next(); ev[0] != "close" || !strings.HasPrefix(ev[1], "[1009,") {
		t.Errorf("after an oversize frame: %q, want close 1009", ev)
	}
}

// A WebSocket handshake whose Upgrade header a proxy stripped mounts no
// view: it is refused at once, and the client falls back to the stream.
func TestStrippedUpgradeIsRefused(t *testing.T) {
	s := newServer(t, nil)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/view", nil)
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	req.Header.Set("Sec-WebSocket-Version", "13")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || s.mounts.Load() != 0 {
		t.Fatalf("stripped upgrade: %s, %d mounts; want 400 and none", resp.Status, s.mounts.Load())
	}
}
