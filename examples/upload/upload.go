// Package upload shows file uploads: pick or drop files, see image
// previews at once (no round trip), watch each file's progress, cancel one
// mid-way, and save the finished ones. Files that break the rules (type,
// size, count) are refused before any byte is sent.
//
// The "files" upload sends its bytes over the page's live connection, in
// binary chunks written to a temporary file; "cloud" sends them straight to
// a store that takes PUT (Store, standing in for a storage service's
// presigned URLs), and the page reports the progress.
package upload

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Config configures the demo's views.
type Config struct {
	Dir     string // where saved files go; "" uses a directory under os.TempDir()
	TempDir string // where files wait while they arrive; "" uses os.TempDir()
	MaxSize int64  // bytes per file; default 64 MB
	Store   *Store // the external store of the "cloud" upload; nil leaves it out
}

// Accept is what both uploads take.
var Accept = []string{"image/*", ".txt", ".pdf", ".bin"}

// View is one page's state: its uploads live in the Conn, the view keeps
// what it saved.
type View struct {
	cfg   Config
	conn  *live.Conn
	Saved []string // names of the files saved, newest last
}

// New returns the constructor of the upload page's views.
func New(cfg Config) func() live.View {
	if cfg.Dir == "" {
		cfg.Dir = filepath.Join(os.TempDir(), "templive-demo-uploads")
	}
	if cfg.MaxSize == 0 {
		cfg.MaxSize = 64 << 20
	}
	return func() live.View { return &View{cfg: cfg} }
}

// Mount declares the uploads.
func (v *View) Mount(_ context.Context, c *live.Conn, _ *http.Request) error {
	v.conn = c
	c.AllowUpload("files", live.UploadConfig{Accept: Accept, MaxEntries: 3, MaxSize: v.cfg.MaxSize, TempDir: v.cfg.TempDir})
	if v.cfg.Store != nil {
		c.AllowUpload("cloud", live.UploadConfig{Accept: Accept, MaxEntries: 3, MaxSize: v.cfg.MaxSize, External: v.cfg.Store.Presign})
	}
	return nil
}

// Render shows the uploads and what was saved.
func (v *View) Render() templ.Component {
	return page(v, v.conn.Uploads("files"), v.conn.Uploads("cloud"), v.cfg.Store != nil)
}

// HandleEvent cancels an entry or saves the finished ones.
func (v *View) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "cancel":
		c.CancelUpload(e.Get("upload"), e.Get("ref"))
	case "save":
		if err := os.MkdirAll(v.cfg.Dir, 0o755); err != nil {
			return err
		}
		err := c.ConsumeUploads("files", func(en live.UploadEntry, r io.Reader) error {
			name, err := save(v.cfg.Dir, en.Name, r)
			if err == nil {
				v.Saved = append(v.Saved, name)
			}
			return err
		})
		if err != nil {
			return err
		}
		return c.ConsumeUploads("cloud", func(en live.UploadEntry, _ io.Reader) error {
			v.Saved = append(v.Saved, en.Name+" (in the store)")
			return nil
		})
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// save copies r to dir under the base of name, never outside dir.
func save(dir, name string, r io.Reader) (string, error) {
	base := filepath.Base(filepath.Clean("/" + name))
	if base == "/" || base == "." {
		base = "upload"
	}
	f, err := os.Create(filepath.Join(dir, base))
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name()) // no half file
		return "", err
	}
	return base, f.Close()
}

func percent(n int) string { return fmt.Sprintf("%d%%", n) }

func isImage(e live.UploadEntry) bool { return strings.HasPrefix(e.Type, "image/") }

// Store is a stand-in for a storage service: it hands out one-time upload
// URLs (Presign) and takes a PUT of one file at each. Safe for concurrent
// use.
type Store struct {
	Dir string // where the files go
	URL string // the URL the Store is served at, ending in "/": a key follows it

	mu     sync.Mutex
	issued map[string]live.UploadEntry // by key: the entry the URL is for
}

// Presign returns the URL and headers the client PUTs e to: an
// UploadConfig.External func.
func (s *Store) Presign(e live.UploadEntry) (live.ExternalUpload, error) {
	b := make([]byte, 16)
	rand.Read(b)
	key := hex.EncodeToString(b)
	s.mu.Lock()
	if s.issued == nil {
		s.issued = map[string]live.UploadEntry{}
	}
	s.issued[key] = e
	s.mu.Unlock()
	return live.ExternalUpload{URL: s.URL + key, Header: map[string]string{"Content-Type": e.Type}}, nil
}

// ServeHTTP takes a PUT to a URL Presign issued, once.
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := path.Base(r.URL.Path)
	s.mu.Lock()
	e, ok := s.issued[key]
	delete(s.issued, key)
	s.mu.Unlock()
	if r.Method != http.MethodPut || !ok {
		http.Error(w, "not an upload URL", http.StatusForbidden)
		return
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	// A presigned URL is for one object of the size declared: no more.
	if _, err := save(s.Dir, e.Name, http.MaxBytesReader(w, r.Body, e.Size)); err != nil {
		status := http.StatusInternalServerError
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
		}
		http.Error(w, err.Error(), status)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func byteSize(n int64) string { return fmt.Sprintf("%d MB", n>>20) }
