package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
	"github.com/templive/templive/live"
)

// uploadView has one upload, "f", and shows its entries.
type uploadView struct {
	conn *live.Conn
	cfg  live.UploadConfig
}

func (v *uploadView) Mount(_ context.Context, c *live.Conn, _ *http.Request) error {
	v.conn = c
	c.AllowUpload("f", v.cfg)
	return nil
}

func (v *uploadView) Render() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for _, e := range v.conn.Uploads("f") {
			fmt.Fprintf(w, "<p>%s %s %d%% done=%v err=%s</p>", e.Ref, templ.EscapeString(e.Name), e.Progress, e.Done, templ.EscapeString(errText(e.Err)))
		}
		return nil
	})
}

func (v *uploadView) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "cancel":
		c.CancelUpload("f", e.Get("ref"))
		return nil
	case "allow": // an upload declared after Mount
		c.AllowUpload("late", live.UploadConfig{TempDir: v.cfg.TempDir, ChunkSize: 128 << 10})
		return nil
	}
	return live.ErrUnknownEvent
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// newUploadServer serves an uploadView at /view whose files arrive in a
// fresh temporary directory, which it returns.
func newUploadServer(t testing.TB, cfg live.UploadConfig, opts *live.Options) (*server, *live.Handler, string) {
	t.Helper()
	dir := t.TempDir()
	cfg.TempDir = dir
	s := &server{logs: &logBuffer{}}
	if opts == nil {
		opts = &live.Options{}
	}
	opts.Logger = slog.New(slog.NewTextHandler(s.logs, nil))
	h := live.NewHandler(func() live.View { return &uploadView{cfg: cfg} }, opts)
	s.Server = httptest.NewServer(h)
	t.Cleanup(func() { h.Close(); s.Close() })
	return s, h, dir
}

func (c *client) sendBinary(b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageBinary, b); err != nil {
		c.t.Fatalf("write binary: %v", err)
	}
}

// readKind reads frames until one of kind, skipping patches and pushes.
func (c *client) readKind(kind int) []json.RawMessage {
	c.t.Helper()
	for {
		f := c.read()
		var parts []json.RawMessage
		var k int
		if json.Unmarshal([]byte(f), &parts) != nil || json.Unmarshal(parts[0], &k) != nil {
			c.t.Fatalf("bad frame %s", f)
		}
		if k == kind {
			return parts
		}
		if k != protocol.KindPatch && k != protocol.KindPush {
			c.t.Fatalf("got %s, want a frame of kind %d", f, kind)
		}
	}
}

func chunk(ref uint64, off int64, data string) []byte {
	return append(protocol.AppendChunkHeader(nil, ref, off), data...)
}

// announce sends an upload frame for one file and returns the entry's ref
// and whether it was accepted.
func announce(t *testing.T, c *client, ref int, name string, size int) (uint64, bool) {
	t.Helper()
	c.send(fmt.Sprintf(`[4,%d,"f",[[%q,%d,"text/plain"]]]`, ref, name, size))
	reply := c.readKind(protocol.KindReply)
	var answer []json.RawMessage
	var entries [][]any
	if len(reply) != 4 || json.Unmarshal(reply[3], &answer) != nil || json.Unmarshal(answer[1], &entries) != nil {
		t.Fatalf("reply to the upload frame: %s", reply)
	}
	return uint64(entries[0][0].(float64)), entries[0][1].(bool)
}

func emptyDir(t *testing.T, dir string) {
	t.Helper()
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) > 0 {
		t.Fatalf("%s holds %s, want nothing left behind", dir, names[0].Name())
	}
}

// TestUploadBadInput: each lie or mistake a client can make with upload
// frames gets a clear answer, the connection carries on, and nothing is
// left in the temporary directory.
func TestUploadBadInput(t *testing.T) {
	s, _, dir := newUploadServer(t, live.UploadConfig{ChunkSize: 16, MaxSize: 100, MaxEntries: 5}, nil)
	_, tok := s.page(t, "/")
	c, _ := s.join(t, "/", tok, 0)
	ref := 0
	next := func() int { ref++; return ref }

	cases := []struct {
		name  string
		frame func() []byte // a binary frame, after announcing a 10-byte file
		want  string        // the ack, as JSON, with %d for the entry's ref
	}{
		{"more bytes than declared", func() []byte { return nil }, `[7,%d,0,"live: file too large: more bytes than the 10 declared"]`},
		{"a chunk over ChunkSize", func() []byte { return nil }, `[7,%d,0,"live: upload failed: a chunk of 17 bytes, over the chunk size 16"]`},
		{"a chunk at the wrong offset", func() []byte { return nil }, `[7,%d,0]`},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			eref, ok := announce(t, c, next(), "a.txt", 10)
			if !ok {
				t.Fatal("a 10-byte file was refused")
			}
			var frame []byte
			switch i {
			case 0:
				frame = chunk(eref, 0, "0123456789ab")
			case 1:
				frame = chunk(eref, 0, "0123456789abcdefg")
			case 2:
				frame = chunk(eref, 5, "01234")
			}
			c.sendBinary(frame)
			ack := c.readKind(protocol.KindAck)
			if got, want := string(mustJSON(ack)), fmt.Sprintf(tc.want, eref); got != want {
				t.Fatalf("ack %s, want %s", got, want)
			}
			c.send(fmt.Sprintf(`[1,%d,"cancel",{"ref":"%d"}]`, next(), eref))
			c.readKind(protocol.KindAck)
			c.readKind(protocol.KindReply)
			emptyDir(t, dir)
		})
	}

	t.Run("a chunk for a refused file", func(t *testing.T) {
		c.t = t
		eref, ok := announce(t, c, next(), "big.txt", 101)
		if ok {
			t.Fatal("a file over MaxSize was accepted")
		}
		c.sendBinary(chunk(eref, 0, "x"))
		if got, want := string(mustJSON(c.readKind(protocol.KindAck))), fmt.Sprintf(`[7,%d,0,"live: file too large: 101 bytes, at most 100 bytes"]`, eref); got != want {
			t.Fatalf("ack %s, want %s", got, want)
		}
		emptyDir(t, dir)
	})
	t.Run("an unknown upload ref", func(t *testing.T) {
		c.t = t
		c.sendBinary(chunk(999, 0, "x"))
		if got := string(mustJSON(c.readKind(protocol.KindAck))); got != `[7,999,0,"unknown upload"]` {
			t.Fatalf("ack %s", got)
		}
	})
	t.Run("a chunk after cancel", func(t *testing.T) {
		c.t = t
		eref, _ := announce(t, c, next(), "b.txt", 10)
		c.sendBinary(chunk(eref, 0, "01234"))
		if got, want := string(mustJSON(c.readKind(protocol.KindAck))), fmt.Sprintf(`[7,%d,5]`, eref); got != want {
			t.Fatalf("ack %s, want %s", got, want)
		}
		c.send(fmt.Sprintf(`[1,%d,"cancel",{"ref":"%d"}]`, next(), eref))
		if got, want := string(mustJSON(c.readKind(protocol.KindAck))), fmt.Sprintf(`[7,%d,5,"canceled"]`, eref); got != want {
			t.Fatalf("cancel: %s, want %s", got, want)
		}
		c.readKind(protocol.KindReply)
		emptyDir(t, dir)
		c.sendBinary(chunk(eref, 5, "56789"))
		if got, want := string(mustJSON(c.readKind(protocol.KindAck))), fmt.Sprintf(`[7,%d,0,"unknown upload"]`, eref); got != want {
			t.Fatalf("ack %s, want %s", got, want)
		}
		emptyDir(t, dir)
	})
	t.Run("a malformed chunk header", func(t *testing.T) {
		c.t = t
		c.sendBinary([]byte{0, 0, 'x'})
		if got := string(mustJSON(c.readKind(protocol.KindError))); got != `[3,0,"malformed frame: chunk: bad upload ref"]` {
			t.Fatalf("error %s", got)
		}
	})
	t.Run("malformed upload frames", func(t *testing.T) {
		c.t = t
		for _, f := range []string{`[4,%d,"f",[]]`, `[4,%d,"f",[["a",-1,""]]]`, `[4,%d,"f",[["a",1]]]`, `[4,%d,"",[["a",1,""]]]`} {
			c.send(fmt.Sprintf(f, next()))
			if e := c.readKind(protocol.KindError); !strings.Contains(string(e[2]), "malformed frame: upload") {
				t.Fatalf("%s: error %s", f, e[2])
			}
		}
	})
	t.Run("an upload the view does not allow", func(t *testing.T) {
		c.t = t
		r := next()
		c.send(fmt.Sprintf(`[4,%d,"nope",[["a",1,""]]]`, r))
		if got, want := string(mustJSON(c.readKind(protocol.KindError))), fmt.Sprintf(`[3,%d,"live: no upload \"nope\" (AllowUpload)"]`, r); got != want {
			t.Fatalf("error %s, want %s", got, want)
		}
	})
	t.Run("the connection still works", func(t *testing.T) {
		c.t = t
		eref, _ := announce(t, c, next(), "c.txt", 3)
		c.sendBinary(chunk(eref, 0, "abc"))
		if got, want := string(mustJSON(c.readKind(protocol.KindAck))), fmt.Sprintf(`[7,%d,3]`, eref); got != want {
			t.Fatalf("ack %s, want %s", got, want)
		}
		if p := c.readKind(protocol.KindPatch); !strings.Contains(string(mustJSON(p)), "100% done=true") {
			t.Fatalf("the view shows %s", mustJSON(p))
		}
	})
}

func mustJSON(parts []json.RawMessage) []byte {
	b, _ := json.Marshal(parts)
	return b
}

// TestUploadChunkOverReadLimit: a binary frame over the largest ChunkSize
// plus its header closes the connection with 1009, as a text frame over
// ReadLimit does, even though chunks raised the limit above ReadLimit.
func TestUploadChunkOverReadLimit(t *testing.T) {
	s, _, dir := newUploadServer(t, live.UploadConfig{ChunkSize: 4096}, &live.Options{ReadLimit: 1024})
	for _, tc := range []struct {
		name string
		typ  websocket.MessageType
		size int
	}{
		{"binary", websocket.MessageBinary, 4096 + protocol.MaxChunkHeader + 1},
		{"text", websocket.MessageText, 2048},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, tok := s.page(t, "/")
			c, _ := s.join(t, "/", tok, 0)
			c.ws.Write(context.Background(), tc.typ, []byte(strings.Repeat("1", tc.size)))
			if got := websocket.CloseStatus(c.readErr()); got != websocket.StatusMessageTooBig {
				t.Fatalf("close status %v, want 1009", got)
			}
			emptyDir(t, dir)
		})
	}
}

// fullDisk is a file that takes room bytes, then fails as a full disk
// does. It is a real file, so the test sees whether it is deleted.
type fullDisk struct {
	*os.File
	room int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.room {
		return 0, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.room -= len(p)
	return f.File.Write(p)
}

// TestUploadDiskFull: a write that fails fails the entry with the reason,
// shown by the view and told to the client, and deletes the file.
func TestUploadDiskFull(t *testing.T) {
	s, h, dir := newUploadServer(t, live.UploadConfig{ChunkSize: 8, MaxSize: 100}, nil)
	live.SetUploadFile(h, func(dir string) (live.UploadFile, error) {
		f, err := os.CreateTemp(dir, "full-*")
		return &fullDisk{File: f, room: 12}, err
	})
	_, tok := s.page(t, "/")
	c, _ := s.join(t, "/", tok, 0)
	eref, _ := announce(t, c, 1, "a.txt", 20)
	if n, _ := os.ReadDir(dir); len(n) != 1 {
		t.Fatalf("%d files in the temporary directory, want 1 while the upload runs", len(n))
	}
	c.sendBinary(chunk(eref, 0, "01234567"))
	c.readKind(protocol.KindAck)
	c.sendBinary(chunk(eref, 8, "89abcdef"))
	ack := c.readKind(protocol.KindAck)
	if !strings.Contains(string(ack[3]), "live: upload failed: writing: write") || !strings.Contains(string(ack[3]), "no space left on device") {
		t.Fatalf("ack %s, want the disk's error", mustJSON(ack))
	}
	// The acks come from the reader, the patches from the view: the
	// first chunk's progress may be rendered after the second ack.
	for i := 0; ; i++ {
		p := string(mustJSON(c.readKind(protocol.KindPatch)))
		if strings.Contains(p, "no space left on device") {
			break
		}
		if i == 1 || !strings.Contains(p, "40% done=false err=") {
			t.Fatalf("the view shows %s, want the disk's error", p)
		}
	}
	emptyDir(t, dir)
}

// TestUploadAbandoned: the files of uploads that never finish are deleted
// when their view ends: the page left (past the resume grace) or the server
// closed.
func TestUploadAbandoned(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(c *client, h *live.Handler)
	}{
		{"the page left", func(c *client, h *live.Handler) { c.ws.Close(websocket.StatusGoingAway, "") }},
		{"the server closed", func(c *client, h *live.Handler) { h.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, h, dir := newUploadServer(t, live.UploadConfig{}, &live.Options{ResumeTimeout: time.Millisecond})
			_, tok := s.page(t, "/")
			c, _ := s.join(t, "/", tok, 0)
			eref, _ := announce(t, c, 1, "a.txt", 20)
			c.sendBinary(chunk(eref, 0, "0123456789"))
			c.readKind(protocol.KindAck)
			if n, _ := os.ReadDir(dir); len(n) != 1 {
				t.Fatalf("%d files while the upload runs, want 1", len(n))
			}
			tc.end(c, h)
			// The view ends on its own goroutine: wait for it, not for a time.
			for i := 0; ; i++ {
				if n, _ := os.ReadDir(dir); len(n) == 0 {
					break
				}
				if i == 500 {
					emptyDir(t, dir)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// TestUploadExternalBadInput: an External upload's presign error refuses
// the file; progress reports that lie or fail, and chunks sent to the
// server for it, get acks with the reason.
func TestUploadExternalBadInput(t *testing.T) {
	presign := func(e live.UploadEntry) (live.ExternalUpload, error) {
		if e.Name == "bad.txt" {
			return live.ExternalUpload{}, errors.New("presign refused")
		}
		return live.ExternalUpload{URL: "http://127.0.0.1:1/put/" + e.Ref, Header: map[string]string{"x-sig": "s"}}, nil
	}
	s, _, dir := newUploadServer(t, live.UploadConfig{MaxEntries: 5, External: presign}, nil)
	_, tok := s.page(t, "/")
	c, _ := s.join(t, "/", tok, 0)

	c.send(`[4,1,"f",[["a.txt",10,"text/plain"],["bad.txt",10,"text/plain"]]]`)
	reply := c.readKind(protocol.KindReply)
	if got, want := string(reply[3]), `[65536,[[1,true,"http://127.0.0.1:1/put/1",{"X-Sig":"s"}],[2,false]]]`; got != want {
		t.Fatalf("answer %s, want %s", got, want)
	}
	if !strings.Contains(string(reply[2]), "live: upload failed: presign refused") {
		t.Fatalf("the view shows %s", reply[2])
	}
	emptyDir(t, dir) // external: no temporary file
	for _, tc := range []struct{ frame, want string }{
		{`[5,9,1]`, `[7,9,0,"unknown upload"]`},
		{`[5,1,11]`, `[7,1,0,"live: file too large: more bytes than the 10 declared"]`},
	} {
		c.send(tc.frame)
		if got := string(mustJSON(c.readKind(protocol.KindAck))); got != tc.want {
			t.Fatalf("%s: ack %s, want %s", tc.frame, got, tc.want)
		}
	}
	c.sendBinary(chunk(1, 0, "x"))
	if got := string(mustJSON(c.readKind(protocol.KindAck))); got != `[7,1,0,"live: file too large: more bytes than the 10 declared"]` {
		t.Fatalf("a chunk for a failed external entry: ack %s", got)
	}
	c.send(`[4,2,"f",[["c.txt",10,"text/plain"]]]`)
	c.readKind(protocol.KindReply)
	c.sendBinary(chunk(3, 0, "x"))
	if got := string(mustJSON(c.readKind(protocol.KindAck))); got != `[7,3,0,"an external upload goes to its URL"]` {
		t.Fatalf("a chunk for an external entry: ack %s", got)
	}
	c.send(`[5,3,0,"403 Forbidden"]`)
	if got := string(mustJSON(c.readKind(protocol.KindAck))); got != `[7,3,0,"live: upload failed: 403 Forbidden"]` {
		t.Fatalf("a failed PUT: ack %s", got)
	}
}

// TestUploadAllowedLater: an upload declared by an event handler, while
// the connection's reader already waits for the next frame, takes chunks
// over ReadLimit at once.
func TestUploadAllowedLater(t *testing.T) {
	s, _, dir := newUploadServer(t, live.UploadConfig{}, nil)
	_, tok := s.page(t, "/")
	c, _ := s.join(t, "/", tok, 0)
	c.send(`[1,1,"allow"]`)
	c.readKind(protocol.KindReply)
	c.send(`[4,2,"late",[["a.bin",100000,""]]]`)
	c.readKind(protocol.KindReply)
	data := strings.Repeat("x", 100000) // over the 64 KiB ReadLimit, within the chunk size
	c.sendBinary(chunk(1, 0, data))
	if got := string(mustJSON(c.readKind(protocol.KindAck))); got != `[7,1,100000]` {
		t.Fatalf("ack %s", got)
	}
	if n, _ := os.ReadDir(dir); len(n) != 1 {
		t.Fatalf("%d files, want the finished one", len(n))
	}
}

// TestUploadChunksAreNotEvents: chunks do not count against the event rate
// limit: 200 of them pass a connection allowed one event a second.
func TestUploadChunksAreNotEvents(t *testing.T) {
	s, _, _ := newUploadServer(t, live.UploadConfig{ChunkSize: 16, MaxSize: 1 << 20}, &live.Options{EventRate: 1, EventBurst: 1})
	_, tok := s.page(t, "/")
	c, _ := s.join(t, "/", tok, 0)
	eref, _ := announce(t, c, 1, "a.bin", 200*16)
	for i := range 200 {
		c.sendBinary(chunk(eref, int64(i*16), "0123456789abcdef"))
		if got, want := string(mustJSON(c.readKind(protocol.KindAck))), fmt.Sprintf(`[7,%d,%d]`, eref, (i+1)*16); got != want {
			t.Fatalf("chunk %d: ack %s, want %s", i, got, want)
		}
	}
}
