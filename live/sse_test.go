package live_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/templive/templive/internal/protocol"
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

// postBinary sends a binary frame, as the client sends an upload's chunk,
// and returns the answer's status and body.
func (c *streamClient) postBinary(frame []byte) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+c.path, bytes.NewReader(frame))
	req.Header.Set("Live-Stream", c.id)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.s.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// readKind returns the next frame of kind, skipping patches and pushes.
func (c *streamClient) readKind(kind int) string {
	c.t.Helper()
	for {
		f := c.read()
		var parts []json.RawMessage
		var k int
		if json.Unmarshal([]byte(f), &parts) != nil || json.Unmarshal(parts[0], &k) != nil {
			c.t.Fatalf("bad frame %s", f)
		}
		if k == kind {
			return f
		}
		if k != protocol.KindPatch && k != protocol.KindPush {
			c.t.Fatalf("got %s, want a frame of kind %d", f, kind)
		}
	}
}

// join POSTs the join of the page whose token is tok.
func (c *streamClient) join(tok string, applied int) string {
	c.t.Helper()
	if got := c.post(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s%s","n":%d}]`, tok, c.s.URL, c.path, applied)); got != 204 {
		c.t.Fatalf("POST join: %d", got)
	}
	return c.readKind(protocol.KindReply)
}

// announce POSTs an upload frame for one file and returns the entry's ref.
func (c *streamClient) announce(ref int, name string, size int) uint64 {
	c.t.Helper()
	c.post(fmt.Sprintf(`[4,%d,"f",[[%q,%d,"text/plain"]]]`, ref, name, size))
	var reply, answer []json.RawMessage
	var entries [][]any
	f := c.readKind(protocol.KindReply)
	if json.Unmarshal([]byte(f), &reply) != nil || len(reply) != 4 || json.Unmarshal(reply[3], &answer) != nil || json.Unmarshal(answer[1], &entries) != nil {
		c.t.Fatalf("reply to the upload frame: %s", f)
	}
	if ok, _ := entries[0][1].(bool); !ok {
		c.t.Fatalf("%s refused: %s", name, f)
	}
	return uint64(entries[0][0].(float64))
}

// sendChunk POSTs a chunk and returns the ack it gets.
func (c *streamClient) sendChunk(ref uint64, off int64, data string) string {
	c.t.Helper()
	if got, body := c.postBinary(chunk(ref, off, data)); got != 204 {
		c.t.Fatalf("POST chunk at %d: %d %s", off, got, body)
	}
	return c.readKind(protocol.KindAck)
}

// uploaded returns what dir's one file holds.
func uploaded(t *testing.T, dir string) string {
	t.Helper()
	names, err := os.ReadDir(dir)
	if err != nil || len(names) != 1 {
		t.Fatalf("%s holds %d files (%v), want 1", dir, len(names), err)
	}
	b, err := os.ReadFile(filepath.Join(dir, names[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSSEUpload: over the fallback, an upload's chunks go up as binary
// POSTs and get the WebSocket's acks; a chunk sent again (its POST's
// answer was lost) is acked with the server's count and written once.
func TestSSEUpload(t *testing.T) {
	s, _, dir := newUploadServer(t, live.UploadConfig{ChunkSize: 8, MaxSize: 100}, nil)
	_, tok := s.page(t, "/")
	c := s.openStream(t, "/")
	c.join(tok, 0)
	ref := c.announce(1, "a.txt", 12)
	if got, want := c.sendChunk(ref, 0, "01234567"), fmt.Sprintf(`[7,%d,8]`, ref); got != want {
		t.Fatalf("ack %s, want %s", got, want)
	}
	if got, want := c.sendChunk(ref, 0, "01234567"), fmt.Sprintf(`[7,%d,8]`, ref); got != want {
		t.Fatalf("a chunk sent again: ack %s, want %s", got, want)
	}
	if got, want := c.sendChunk(ref, 8, "89ab"), fmt.Sprintf(`[7,%d,12]`, ref); got != want {
		t.Fatalf("last ack %s, want %s", got, want)
	}
	for p := ""; !strings.Contains(p, "100% done=true"); {
		p = c.readKind(protocol.KindPatch) // the progress on the way
	}
	if got := uploaded(t, dir); got != "0123456789ab" {
		t.Fatalf("the file holds %q", got)
	}
	if got, want := c.sendChunk(ref, 0, "x"), fmt.Sprintf(`[7,%d,12]`, ref); got != want {
		t.Fatalf("a chunk after the end: ack %s, want %s", got, want)
	}
	if got := uploaded(t, dir); got != "0123456789ab" {
		t.Fatalf("after a late chunk the file holds %q", got)
	}
}

// TestSSEBinaryWithoutUpload: a binary POST to a view that allows no
// upload is refused, and the stream ends with 1003, as a binary WebSocket
// frame would end the WebSocket.
func TestSSEBinaryWithoutUpload(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c := s.openStream(t, "/view")
	c.join(tok, 0)
	got, body := c.postBinary(chunk(1, 0, "x"))
	if got != http.StatusUnsupportedMediaType || body != "live: binary frames are not supported" {
		t.Errorf("binary POST: %d %q, want 415 and why", got, body)
	}
	if ev := c.next(); ev[0] != "close" || ev[1] != `[1003,"binary frames are not supported"]` {
		t.Errorf("after a binary frame: %q, want close 1003", ev)
	}
	if s.mounts.Load() != 1 {
		t.Errorf("Mount ran %d times, want 1", s.mounts.Load())
	}
}

// TestSSEChunkOverLimit: a binary POST may be as large as the view's
// ChunkSize allows, above ReadLimit, but one over it is refused with 413
// and ends the stream with 1009, as over a WebSocket; the view and its
// upload stay: the page rejoins and finishes it, and no byte of the
// refused chunk was written.
func TestSSEChunkOverLimit(t *testing.T) {
	s, _, dir := newUploadServer(t, live.UploadConfig{ChunkSize: 4096, MaxSize: 10000}, &live.Options{ReadLimit: 1024})
	_, tok := s.page(t, "/")
	c := s.openStream(t, "/")
	c.join(tok, 0)
	ref := c.announce(1, "a.txt", 4096+10)
	big := strings.Repeat("a", 4096)
	if got, want := c.sendChunk(ref, 0, big), fmt.Sprintf(`[7,%d,4096]`, ref); got != want {
		t.Fatalf("a chunk of ChunkSize, over ReadLimit: ack %s, want %s", got, want)
	}
	over := chunk(ref, 4096, strings.Repeat("b", 4096+protocol.MaxChunkHeader))
	if got, body := c.postBinary(over); got != http.StatusRequestEntityTooLarge || body != "live: chunk too large" {
		t.Errorf("oversize chunk: %d %q, want 413", got, body)
	}
	for {
		ev := c.next()
		if ev[0] == "close" {
			if ev[1] != `[1009,"chunk too big"]` {
				t.Errorf("after an oversize chunk: close %s, want 1009", ev[1])
			}
			break
		}
		if ev[0] != "" {
			t.Fatalf("after an oversize chunk: %q", ev)
		}
	}
	if got := uploaded(t, dir); got != big {
		t.Fatalf("the file holds %d bytes, want the %d acked", len(got), len(big))
	}
	c2 := s.openStream(t, "/")
	c2.join(tok, 1)
	if got, want := c2.sendChunk(ref, 4096, "bbbbbbbbbb"), fmt.Sprintf(`[7,%d,4106]`, ref); got != want {
		t.Fatalf("after the rejoin: ack %s, want %s", got, want)
	}
	if got := uploaded(t, dir); got != big+"bbbbbbbbbb" {
		t.Fatalf("the file holds %d bytes, want 4106", len(got))
	}
}

// A stream reads at most two POSTs' bodies at once: a client that keeps
// POSTs open cannot make the server hold more than two bodies, and the
// POST after them is read once one of them ends.
func TestSSEPostsAreReadTwoAtATime(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c := s.openStream(t, "/view")
	c.join(tok, 0)
	stalled := make([]*io.PipeWriter, 2)
	var wg sync.WaitGroup
	for i := range stalled {
		pr, pw := io.Pipe()
		stalled[i] = pw
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/view", pr)
		req.Header.Set("Live-Stream", c.id)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := s.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		pw.Write([]byte("[2")) // and no more for now
	}
	time.Sleep(100 * time.Millisecond) // both bodies are being read
	answered := make(chan int, 1)
	go func() { answered <- c.post("[2]") }()
	select {
	case ev := <-c.events:
		t.Fatalf("a third POST was read while two stalled ones held the stream's slots: %q", ev)
	case <-time.After(200 * time.Millisecond):
	}
	stalled[0].CloseWithError(errors.New("the page gave up"))
	if got := c.read(); got != "[2]" {
		t.Fatalf("after a stalled POST ended: %s, want the pong", got)
	}
	if code := <-answered; code != http.StatusNoContent {
		t.Fatalf("the third POST: %d, want 204", code)
	}
	stalled[1].CloseWithError(errors.New("the page gave up"))
	wg.Wait()
}
