package live

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/templive/templive/internal/protocol"
)

// uploads holds a view's uploads. The view's loop announces and drops
// entries; the connection's reader writes their chunks as they arrive,
// without a trip through the view's mailbox (a chunk is bytes for a file,
// not an event), and posts uploadMsg when the view has progress to show.
// Both take mu.
type uploads struct {
	mu    sync.Mutex
	slots map[string]*uploadSlot
	byRef map[uint64]*upEntry
	seq   uint64
	// limit is the largest chunk frame any upload of the view takes,
	// header included: the connection's read limit for binary frames. 0
	// while the view allows no upload, and binary frames are refused.
	limit  atomic.Int64
	create func(dir string) (uploadFile, error) // Handler.createTemp
}

type uploadSlot struct {
	cfg     UploadConfig
	entries []*upEntry
}

// An upEntry is one file of an upload.
type upEntry struct {
	ref       uint64
	slot      string
	cfg       *UploadConfig
	name, typ string
	size      int64
	ext       *ExternalUpload // External: the bytes go there, not here
	f         uploadFile      // the temporary file, open while it arrives
	path      string
	received  int64
	shown     int // the percent the view was last told of
	done      bool
	err       error
}

// uploadFile is where an entry's bytes go: an *os.File, or a failing
// writer in tests (SetUploadFile).
type uploadFile interface {
	io.Writer
	Close() error
	Name() string
}

// uploadMsg tells the view that an upload progressed: render.
type uploadMsg struct{}

func (e *upEntry) entry() UploadEntry {
	out := UploadEntry{
		Ref:  strconv.FormatUint(e.ref, 10),
		Name: e.name, Size: e.size, Type: e.typ,
		Progress: e.percent(), Done: e.done, Err: e.err,
	}
	if e.ext != nil {
		out.URL = e.ext.URL
	}
	return out
}

func (e *upEntry) percent() int {
	if e.size == 0 {
		if e.done {
			return 100
		}
		return 0
	}
	return int(e.received * 100 / e.size)
}

// uploads returns the view's uploads, made on first use: most views have
// none.
func (s *session) uploads() *uploads {
	s.upOnce.Do(func() {
		s.ups = &uploads{slots: map[string]*uploadSlot{}, byRef: map[uint64]*upEntry{}, create: s.h.createTemp}
		s.upsReady.Store(s.ups)
		s.onEnd(s.ups.clear)
	})
	return s.ups
}

func (u *uploads) allow(s *session, name string, cfg UploadConfig) {
	u.mu.Lock()
	sl := u.slots[name]
	if sl == nil {
		sl = &uploadSlot{}
		u.slots[name] = sl
	}
	sl.cfg = cfg
	u.mu.Unlock()
	if n := int64(cfg.ChunkSize + protocol.MaxChunkHeader); n > u.limit.Load() {
		u.limit.Store(n)
		if s.cur != nil { // its reader may wait for the next frame already
			s.cur.ws.SetReadLimit(max(n, s.h.opts.ReadLimit))
		}
	}
}

// dropLocked forgets e and deletes its file.
func (u *uploads) dropLocked(e *upEntry) {
	u.failLocked(e, e.err)
	delete(u.byRef, e.ref)
	if sl := u.slots[e.slot]; sl != nil {
		for i, x := range sl.entries {
			if x == e {
				sl.entries = append(sl.entries[:i:i], sl.entries[i+1:]...)
				break
			}
		}
	}
}

// failLocked marks e failed with err and deletes what arrived of it.
func (u *uploads) failLocked(e *upEntry, err error) {
	e.err = err
	if e.f != nil {
		e.f.Close()
		e.f = nil
	}
	if e.path != "" {
		os.Remove(e.path)
		e.path = ""
	}
}

// clear deletes every file of the view: it ended.
func (u *uploads) clear() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, e := range u.byRef {
		u.failLocked(e, ErrUploadFailed)
	}
	clear(u.byRef)
	clear(u.slots)
}

// announce handles an upload frame, in the view's loop: it validates each
// file against its upload's config, adds it as an entry (with its error,
// if refused), and returns the reply's answer for the client:
// [chunkSize, [[ref, ok, url?, headers?], ...]]. The new entries are made
// without holding mu (External is the app's code, a temporary file is a
// disk's), and only the loop adds entries, so nothing else sees them
// until they are added.
func (u *uploads) announce(up *protocol.Upload) ([]byte, error) {
	u.mu.Lock()
	sl := u.slots[up.Name]
	if sl == nil {
		u.mu.Unlock()
		return nil, fmt.Errorf("live: no upload %q (AllowUpload)", up.Name)
	}
	// A new choice of files replaces the refusals of the last one.
	kept := sl.entries[:0]
	for _, e := range sl.entries {
		if e.err != nil {
			delete(u.byRef, e.ref)
			continue
		}
		kept = append(kept, e)
	}
	clear(sl.entries[len(kept):])
	sl.entries = kept
	room := sl.cfg.MaxEntries - len(kept)
	snapshot := sl.cfg // a later AllowUpload changes nothing for these files
	cfg := &snapshot
	first := u.seq + 1
	u.seq += uint64(len(up.Files))
	u.mu.Unlock()

	added := make([]*upEntry, 0, len(up.Files))
	for i, f := range up.Files {
		e := &upEntry{ref: first + uint64(i), slot: up.Name, cfg: cfg, name: f.Name, typ: f.Type, size: f.Size}
		switch {
		case room <= 0:
			e.err = fmt.Errorf("%w: at most %d", ErrTooManyUploads, cfg.MaxEntries)
		case f.Size > cfg.MaxSize:
			e.err = fmt.Errorf("%w: %s, at most %s", ErrUploadTooLarge, byteSize(f.Size), byteSize(cfg.MaxSize))
		case !accepts(cfg.Accept, f.Name, f.Type):
			e.err = fmt.Errorf("%w: %s", ErrUploadNotAccepted, f.Name)
		}
		if e.err == nil {
			e.err = u.start(e)
		}
		if e.err == nil {
			room--
		}
		added = append(added, e)
	}

	list := make([]any, 0, len(added))
	u.mu.Lock()
	for _, e := range added {
		u.byRef[e.ref] = e
		sl.entries = append(sl.entries, e)
		item := []any{e.ref, e.err == nil}
		if e.ext != nil && e.err == nil {
			item = append(item, e.ext.URL, externalHeader(e.ext.Header))
		}
		list = append(list, item)
	}
	u.mu.Unlock()
	return json.Marshal([]any{cfg.ChunkSize, list})
}

// start gets an accepted entry ready for its bytes: an external URL, or a
// temporary file.
func (u *uploads) start(e *upEntry) error {
	if e.cfg.External != nil {
		ext, err := e.cfg.External(e.entry())
		if err != nil {
			return fmt.Errorf("%w: %w", ErrUploadFailed, err)
		}
		e.ext = &ext
		return nil
	}
	f, err := u.create(e.cfg.TempDir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUploadFailed, err)
	}
	e.f, e.path = f, f.Name()
	if e.size == 0 {
		u.finishLocked(e)
	}
	return nil
}

// finishLocked closes the file of an entry whose every byte arrived.
func (u *uploads) finishLocked(e *upEntry) {
	e.done = true
	if e.f != nil {
		if err := e.f.Close(); err != nil {
			u.failLocked(e, fmt.Errorf("%w: %w", ErrUploadFailed, err))
		}
		e.f = nil
	}
}

// createTemp makes the temporary file of an upload in dir: an *os.File,
// unless a test made the Handler's disk fail (SetUploadFile).
func (h *Handler) createTemp(dir string) (uploadFile, error) {
	if h.uploadFile != nil {
		return h.uploadFile(dir)
	}
	return os.CreateTemp(dir, "templive-upload-*")
}

func ackFrame(ref uint64, received int64, msg string) []byte {
	return protocol.AppendAck(nil, ref, received, msg)
}
