package live

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// UploadConfig configures one named upload of a view (Conn.AllowUpload).
// Every zero field takes its default.
type UploadConfig struct {
	// Accept lists what files the upload takes: extensions (".png"), MIME
	// types ("image/png") or families ("image/*"), as the accept attribute
	// of a file input. Empty accepts any file. It is checked against the
	// name and type the browser reports, before any byte is sent: it
	// keeps honest users from a mistake, not attackers from lying, so
	// check the content in ConsumeUploads if it matters.
	Accept []string

	// MaxEntries bounds the files the upload holds at once, those not yet
	// consumed included. Default 1.
	MaxEntries int

	// MaxSize bounds one file, in bytes. Default 8 MB.
	MaxSize int64

	// ChunkSize is the size of the binary frames the client sends the
	// file in. Default 64 KiB, at most 1 MiB. The connection reads one
	// chunk at a time into a buffer of this size, whatever the file's
	// size, so memory stays flat.
	ChunkSize int

	// TempDir is where the server writes files while they arrive. Default
	// os.TempDir().
	TempDir string

	// External, when set, sends the files elsewhere (a storage service's
	// presigned URL): it returns where the client must PUT the entry, and
	// the client uploads straight there, reporting its progress to the
	// view. The server never sees the bytes; ConsumeUploads hands the
	// entry with a nil reader. An error rejects the entry (its Err).
	External func(UploadEntry) (ExternalUpload, error)
}

// ExternalUpload is where the client PUTs one file of an External upload:
// the URL and the headers to send with it (a presigned URL's signature,
// Content-Type, ...).
type ExternalUpload struct {
	URL    string
	Header map[string]string
}

// UploadEntry is one file of an upload, as the view shows it.
type UploadEntry struct {
	// Ref names the entry: give it to Conn.CancelUpload, and render
	// live-upload-preview="{Ref}" on an img to show the file before it is
	// sent.
	Ref string
	// Name is the file's name on the user's machine, Size its bytes and
	// Type its MIME type, as the client declared them: untrusted input.
	// Never use Name as a path as it is.
	Name     string
	Size     int64
	Type     string
	Progress int   // percent received, 0 to 100
	Done     bool  // every byte arrived: ConsumeUploads will hand it
	Err      error // why the entry was refused or failed; nil if it is fine
	// URL is the External upload's URL, "" for a file the server holds.
	URL string
}

// Errors of upload entries (UploadEntry.Err), for errors.Is.
var (
	// ErrUploadTooLarge: the file is over MaxSize, or the client sent
	// more bytes than it declared.
	ErrUploadTooLarge = errors.New("live: file too large")
	// ErrUploadNotAccepted: the file's type or extension is not in Accept.
	ErrUploadNotAccepted = errors.New("live: file type not accepted")
	// ErrTooManyUploads: the files would be more than MaxEntries.
	ErrTooManyUploads = errors.New("live: too many files")
	// ErrUploadFailed: the file could not be received (the disk refused
	// it, the client reported a failed external upload).
	ErrUploadFailed = errors.New("live: upload failed")
)

// Bounds of an UploadConfig.
const (
	defaultChunk = 64 << 10
	maxChunk     = 1 << 20
)

// AllowUpload declares the view's upload called name, which file inputs
// with live-upload="name" and elements with live-drop-target="name" feed.
// Calling it again for the same name changes its config for the files
// announced from then on. It must be called from the view's callbacks
// (usually Mount). It panics on a config it cannot honour (a ChunkSize over
// 1 MiB, a negative bound): a mistake of the program, not of its users.
func (c *Conn) AllowUpload(name string, cfg UploadConfig) {
	if name == "" {
		panic("live: AllowUpload: empty name")
	}
	if cfg.ChunkSize < 0 || cfg.ChunkSize > maxChunk || cfg.MaxSize < 0 || cfg.MaxEntries < 0 {
		panic(fmt.Sprintf("live: AllowUpload(%q): ChunkSize must be 0 to %d, MaxSize and MaxEntries not negative", name, maxChunk))
	}
	if cfg.ChunkSize == 0 {
		cfg.ChunkSize = defaultChunk
	}
	if cfg.MaxSize == 0 {
		cfg.MaxSize = 8 << 20
	}
	if cfg.MaxEntries == 0 {
		cfg.MaxEntries = 1
	}
	if cfg.TempDir == "" {
		cfg.TempDir = os.TempDir()
	}
	c.s.uploads().allow(c.s, name, cfg)
}

// Uploads returns the entries of the upload name, in the order they were
// announced, with their progress as of now: render them. The view is
// rendered again as their progress changes. It must be called from the
// view's callbacks or Render.
func (c *Conn) Uploads(name string) []UploadEntry {
	u := c.s.uploads()
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []UploadEntry
	if sl := u.slots[name]; sl != nil {
		for _, e := range sl.entries {
			out = append(out, e.entry())
		}
	}
	return out
}

// CancelUpload drops the entry ref of the upload name, whatever its state:
// its temporary file is deleted and the client stops sending it. Unknown
// refs are ignored (the entry may be gone already). It must be called from
// the view's callbacks, typically for a cancel button:
// live-click="cancel" live-value-ref={ e.Ref }.
func (c *Conn) CancelUpload(name, ref string) {
	n, err := strconv.ParseUint(ref, 10, 64)
	if err != nil {
		return
	}
	u := c.s.uploads()
	u.mu.Lock()
	e := u.byRef[n]
	if e == nil || e.slot != name {
		u.mu.Unlock()
		return
	}
	received := e.received
	u.dropLocked(e)
	u.mu.Unlock()
	c.s.send(ackFrame(n, received, "canceled"))
}

// ConsumeUploads hands each finished entry of the upload name (Done) to
// fn with a reader of its bytes, then deletes its temporary file and drops
// it from Uploads: move the file to its real storage in fn. For an External
// entry the reader is nil (the bytes are at its URL). An error from fn
// stops the walk: that entry and the ones after it stay, and the error is
// returned wrapped. Entries still arriving or failed are left alone. It
// must be called from the view's callbacks.
func (c *Conn) ConsumeUploads(name string, fn func(UploadEntry, io.Reader) error) error {
	u := c.s.uploads()
	u.mu.Lock()
	var done []*upEntry
	if sl := u.slots[name]; sl != nil {
		for _, e := range sl.entries {
			if e.done && e.err == nil {
				done = append(done, e)
			}
		}
	}
	u.mu.Unlock()
	for _, e := range done {
		if err := consume(e, fn); err != nil {
			return fmt.Errorf("live: consuming upload %q: %w", e.name, err)
		}
		u.mu.Lock()
		u.dropLocked(e)
		u.mu.Unlock()
	}
	return nil
}

// consume calls fn with e's file. Its fields read here no longer change:
// the entry is done.
func consume(e *upEntry, fn func(UploadEntry, io.Reader) error) error {
	if e.ext != nil {
		return fn(e.entry(), nil)
	}
	f, err := os.Open(e.path)
	if err != nil {
		return err
	}
	defer f.Close()
	return fn(e.entry(), f)
}

// accepts reports whether the file name of MIME type typ matches accept.
func accepts(accept []string, name, typ string) bool {
	if len(accept) == 0 {
		return true
	}
	typ = strings.ToLower(typ)
	if t, _, err := mime.ParseMediaType(typ); err == nil {
		typ = t
	}
	ext := strings.ToLower(filepath.Ext(name))
	for _, a := range accept {
		a = strings.ToLower(strings.TrimSpace(a))
		switch {
		case strings.HasPrefix(a, "."):
			if ext == a {
				return true
			}
		case strings.HasSuffix(a, "/*"):
			if typ != "" && strings.HasPrefix(typ, a[:len(a)-1]) {
				return true
			}
		case a == typ:
			return true
		}
	}
	return false
}

// byteSize spells n bytes for an error message.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// externalHeader turns an ExternalUpload's headers into the JSON object the
// client sets on its request.
func externalHeader(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[http.CanonicalHeaderKey(k)] = v
	}
	return out
}
