package upload_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/templive/templive/examples/upload"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// dirs returns a config with fresh directories for saved and arriving files.
func dirs(t *testing.T) upload.Config {
	return upload.Config{Dir: t.TempDir(), TempDir: t.TempDir()}
}

func random(t *testing.T, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// empty fails the test unless dir holds no file.
func empty(t *testing.T, dir string) {
	t.Helper()
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) > 0 {
		t.Fatalf("%s holds %d file(s), want none: %s", dir, len(names), names[0].Name())
	}
}

// TestUploadAndSave: a file of several chunks arrives through the binary
// frames, the page shows it done at 100%, and Save writes the same bytes.
func TestUploadAndSave(t *testing.T) {
	cfg := dirs(t)
	p := livetest.Open(t, live.NewHandler(upload.New(cfg), nil), "/upload")
	data := random(t, 300<<10+17) // five chunks of 64 KiB and a bit
	p.Upload("#files", "data.bin", data)
	if got := p.Text("#files-entries .progress"); got != "100%" {
		t.Fatalf("the progress shows %q, want 100%%", got)
	}
	if got := p.Text("#files-entries .done"); got != "done" {
		t.Fatalf("the entry shows %q, want done", got)
	}
	p.Click("#save")
	got, err := os.ReadFile(filepath.Join(cfg.Dir, "data.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("saved file: %d bytes (err %v), want the %d uploaded", len(got), err, len(data))
	}
	if p.Text("#saved") != "data.bin" {
		t.Fatalf("the page lists %q as saved", p.Text("#saved"))
	}
	if n := p.Find("#files-entries li").Length(); n != 0 {
		t.Fatalf("%d entries left after the save, want 0", n)
	}
	empty(t, cfg.TempDir)
}

// TestUploadDropTarget: a drop on live-drop-target feeds the same upload.
func TestUploadDropTarget(t *testing.T) {
	cfg := dirs(t)
	p := livetest.Open(t, live.NewHandler(upload.New(cfg), nil), "/upload")
	p.Upload("#drop", "notes.txt", []byte("hello"))
	if got := p.Text("#files-entries .name"); got != "notes.txt" {
		t.Fatalf("the entry is %q, want notes.txt", got)
	}
	if got := p.Text("#files-entries .progress"); got != "100%" {
		t.Fatalf("progress %q, want 100%%", got)
	}
}

// TestUploadRefused: a wrong type, an oversize file and a fourth file are
// refused with their reason shown, and no temporary file is made for them.
func TestUploadRefused(t *testing.T) {
	cfg := dirs(t)
	cfg.MaxSize = 1 << 20
	p := livetest.Open(t, live.NewHandler(upload.New(cfg), nil), "/upload")
	for _, c := range []struct{ name, size, want string }{
		{"evil.exe", "10", "file type not accepted: evil.exe"},
		{"huge.bin", "big", "file too large: 2.0 MB, at most 1.0 MB"},
	} {
		data := []byte("0123456789")
		if c.size == "big" {
			data = make([]byte, 2<<20)
		}
		p.Upload("#files", c.name, data)
		if got := p.Text("#files-entries .error"); !strings.Contains(got, c.want) {
			t.Fatalf("%s: the page shows %q, want %q", c.name, got, c.want)
		}
		empty(t, cfg.TempDir)
	}
	for _, name := range []string{"a.txt", "b.txt", "c.txt", "d.txt"} {
		p.Upload("#files", name, []byte(name))
	}
	if got := p.Text("#files-entries .error"); !strings.Contains(got, "too many files: at most 3") {
		t.Fatalf("the fourth file shows %q, want too many files", got)
	}
	if n := p.Find("#files-entries .done").Length(); n != 3 {
		t.Fatalf("%d files done, want 3", n)
	}
}

// TestUploadCancel: cancelling a finished entry deletes its temporary file
// and takes it off the page.
func TestUploadCancel(t *testing.T) {
	cfg := dirs(t)
	p := livetest.Open(t, live.NewHandler(upload.New(cfg), nil), "/upload")
	p.Upload("#files", "a.txt", []byte("abc"))
	if n, _ := os.ReadDir(cfg.TempDir); len(n) != 1 {
		t.Fatalf("%d temporary files while the entry waits, want 1", len(n))
	}
	p.Click("#files-entries .cancel")
	if n := p.Find("#files-entries li").Length(); n != 0 {
		t.Fatalf("%d entries after cancel, want 0", n)
	}
	empty(t, cfg.TempDir)
}

// TestUploadExternal: the "cloud" upload PUTs the file to a real HTTP
// server (the Store) and the view hears it arrived.
func TestUploadExternal(t *testing.T) {
	cfg := dirs(t)
	store := &upload.Store{Dir: t.TempDir()}
	srv := httptest.NewServer(store)
	t.Cleanup(srv.Close)
	store.URL = srv.URL + "/store/"
	cfg.Store = store
	p := livetest.Open(t, live.NewHandler(upload.New(cfg), nil), "/upload")
	data := random(t, 100<<10)
	p.Upload("#cloud", "photo.png", data)
	if got := p.Text("#cloud-entries .done"); got != "done" {
		t.Fatalf("the external entry shows %q, want done", got)
	}
	got, err := os.ReadFile(filepath.Join(store.Dir, "photo.png"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the store holds %d bytes (err %v), want the %d uploaded", len(got), err, len(data))
	}
	empty(t, cfg.TempDir)
	p.Click("#save")
	if got := p.Text("#saved"); got != "photo.png (in the store)" {
		t.Fatalf("saved %q", got)
	}
}

// TestStoreTakesNoMoreThanDeclared: the store refuses a PUT longer than
// the entry it presigned the URL for, and keeps no part of it.
func TestStoreTakesNoMoreThanDeclared(t *testing.T) {
	store := &upload.Store{Dir: t.TempDir()}
	srv := httptest.NewServer(store)
	t.Cleanup(srv.Close)
	store.URL = srv.URL + "/store/"
	ext, _ := store.Presign(live.UploadEntry{Name: "a.txt", Size: 3})
	req, _ := http.NewRequest(http.MethodPut, ext.URL, strings.NewReader("abcdef"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %s for 6 bytes where 3 were declared", resp.Status)
	}
	empty(t, store.Dir)
	req, _ = http.NewRequest(http.MethodPut, ext.URL, strings.NewReader("abc"))
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %s for a second PUT to a one-time URL", resp.Status)
	}
}
