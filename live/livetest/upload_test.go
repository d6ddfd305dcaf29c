package livetest_test

import (
	"strings"
	"testing"

	"github.com/templive/templive/examples/upload"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// TestUploadNeedsAnUploadElement: Upload on an element that is neither a
// live-upload input nor a drop target fails, as a browser would do
// nothing.
func TestUploadNeedsAnUploadElement(t *testing.T) {
	cfg := upload.Config{Dir: t.TempDir(), TempDir: t.TempDir()}
	f := runFake(func(t testing.TB) {
		p := livetest.Open(t, live.NewHandler(upload.New(cfg), nil), "/upload")
		p.Upload("#save", "a.txt", []byte("a"))
	})
	if !strings.Contains(f.reported(), `Upload("#save"): <button#save>`) || !strings.Contains(f.reported(), "has no live-upload or live-drop-target") {
		t.Fatalf("reported %q", f.reported())
	}
}

// TestUploadManyChunks: a file of many chunks, sent through the ack
// window, arrives whole; a second file goes on from the first's state.
func TestUploadManyChunks(t *testing.T) {
	cfg := upload.Config{Dir: t.TempDir(), TempDir: t.TempDir()}
	p := livetest.Open(t, live.NewHandler(upload.New(cfg), nil), "/upload")
	data := []byte(strings.Repeat("0123456789abcdef", 1<<16)) // 1 MiB: 16 chunks
	p.Upload("#files", "a.bin", data)
	p.Upload("#files", "empty.txt", nil) // done when announced: no chunk at all
	if got := p.Find("#files-entries .done").Length(); got != 2 {
		t.Fatalf("%d entries done, want 2:\n%s", got, p.HTML())
	}
}
