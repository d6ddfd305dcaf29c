package live

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

// The fallback transport. Where a proxy refuses WebSockets, the client
// opens a stream of server-sent events on the page's URL (a GET that
// accepts text/event-stream) and sends its frames up as POSTs to the same
// URL, each carrying the stream's id in the Live-Stream header. The frames
// are the WebSocket's, so joins, refs, resumes, the at-most-once
// handling of re-sent events and uploads are the same; a streamConn stands
// in for the WebSocket under a wsConn. A POST whose Content-Type is
// application/octet-stream carries a binary frame (an upload's chunk).

// A transport carries a live connection's frames: *websocket.Conn, or a
// streamConn.
type transport interface {
	Read(ctx context.Context) (websocket.MessageType, []byte, error)
	Reader(ctx context.Context) (websocket.MessageType, io.Reader, error)
	SetReadLimit(n int64)
	Write(ctx context.Context, typ websocket.MessageType, p []byte) error
	Close(code websocket.StatusCode, reason string) error
	CloseNow() error
}

// deadlines bound a transport's reads and writes: the net.Conn under a
// WebSocket, or a streamConn itself.
type deadlines interface {
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}

// streamInbox bounds the POSTed frames waiting for the connection's
// reader; a POST beyond it waits, as a WebSocket's sender waits for TCP.
const streamInbox = 16

// streamReading bounds the POSTs of one stream whose bodies are read at
// once (a page sends one at a time; a retry may overlap a stalled one):
// the others wait before reading, so a stream holds at most this many
// bodies, up to their limit each, beside its inbox.
const streamReading = 2

var (
	errStreamClosed  = errors.New("live: stream closed")
	errStreamTimeout = errors.New("live: stream read timeout")
)

func isStream(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// A streamConn is one fallback connection: the response of a GET that
// streams server-sent events down, and the frames POSTs bring up.
type streamConn struct {
	id   string
	w    http.ResponseWriter
	rc   *http.ResponseController
	in   chan postedFrame
	busy chan struct{}           // a slot per POST whose body is being read: bounds what POSTs hold
	done chan struct{}           // closed when the stream ends
	view atomic.Pointer[session] // the one the reader serves: its uploads bound binary POSTs

	mu       sync.Mutex // orders writes and the end
	closed   bool
	deadline time.Time // for reads
}

// A postedFrame is a frame a POST brought up.
type postedFrame struct {
	typ  websocket.MessageType
	data []byte
}

func newStreamConn(w http.ResponseWriter) *streamConn {
	id := make([]byte, 16)
	rand.Read(id)
	return &streamConn{
		id:   base64.RawURLEncoding.EncodeToString(id),
		w:    w,
		rc:   http.NewResponseController(w),
		in:   make(chan postedFrame, streamInbox),
		busy: make(chan struct{}, streamReading),
		done: make(chan struct{}),
	}
}

// Read returns the next POSTed frame, or an error once the stream ended
// or the read deadline passed.
func (c *streamConn) Read(ctx context.Context) (websocket.MessageType, []byte, error) {
	c.mu.Lock()
	d := c.deadline
	c.mu.Unlock()
	var expired <-chan time.Time
	if !d.IsZero() {
		t := time.NewTimer(time.Until(d))
		defer t.Stop()
		expired = t.C
	}
	select {
	case f := <-c.in:
		return f.typ, f.data, nil
	case <-c.done:
		return 0, nil, errStreamClosed
	case <-expired:
		return 0, nil, errStreamTimeout
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	}
}

// Reader is Read for a reader of the frame: a stream's frames are whole
// already.
func (c *streamConn) Reader(ctx context.Context) (websocket.MessageType, io.Reader, error) {
	typ, frame, err := c.Read(ctx)
	if err != nil {
		return 0, nil, err
	}
	return typ, bytes.NewReader(frame), nil
}

// SetReadLimit does nothing: servePost bounds a text frame by
// Options.ReadLimit and a binary one by the uploads of the view served
// (serving), when it reads the POST.
func (c *streamConn) SetReadLimit(int64) {}

// serving tells the stream which view its reader serves, before each read.
func (c *streamConn) serving(s *session) {
	if c.view.Load() != s {
		c.view.Store(s)
	}
}

// chunkLimit bounds a binary frame: the read limit of the view's upload
// chunks, or 0 when it allows no upload (or before the join).
func (c *streamConn) chunkLimit() int64 {
	if s := c.view.Load(); s != nil {
		return s.uploadLimit()
	}
	return 0
}

// Write sends one frame as a server-sent event.
func (c *streamConn) Write(ctx context.Context, typ websocket.MessageType, p []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errStreamClosed
	}
	return c.event("", p)
}

// event writes one server-sent event and flushes it. Frames are JSON with
// no raw newline; any there would be sent as more data lines, which the
// browser joins back with newlines.
func (c *streamConn) event(name string, data []byte) error {
	var b []byte
	if name != "" {
		b = append(b, "event: "+name+"\n"...)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		b = append(b, "data: "...)
		b = append(b, line...)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	if _, err := c.w.Write(b); err != nil {
		return err
	}
	return c.rc.Flush()
}

// Close sends the close event, [code, reason], and ends the stream.
func (c *streamConn) Close(code websocket.StatusCode, reason string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	msg, _ := json.Marshal([]any{int(code), reason})
	err := c.event(protocol.StreamClose, msg)
	c.endLocked()
	return err
}

// CloseNow ends the stream without a word.
func (c *streamConn) CloseNow() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked()
	return nil
}

func (c *streamConn) endLocked() {
	if !c.closed {
		c.closed = true
		close(c.done)
	}
}

func (c *streamConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return nil
}

func (c *streamConn) SetWriteDeadline(t time.Time) error {
	err := c.rc.SetWriteDeadline(t)
	if errors.Is(err, http.ErrNotSupported) {
		return nil // a writer that cannot time out (httptest's recorder)
	}
	return err
}

// streams holds a Handler's open fallback streams by id, for their POSTs.
type streams struct {
	mu   sync.Mutex
	byID map[string]*streamConn
}

func (s *streams) add(c *streamConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID == nil {
		s.byID = make(map[string]*streamConn)
	}
	s.byID[c.id] = c
}

func (s *streams) remove(c *streamConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, c.id)
}

func (s *streams) get(id string) *streamConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}

// serveStream serves a fallback connection: it announces the stream's id,
// then runs the connection as serveLive runs a WebSocket's, on this
// request, until it ends or the client goes away.
func (h *Handler) serveStream(w http.ResponseWriter, r *http.Request) {
	if !h.sameOrigin(r) {
		http.Error(w, "live: cross-origin stream refused", http.StatusForbidden)
		return
	}
	c := newStreamConn(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: do not hold the stream back
	w.WriteHeader(http.StatusOK)
	h.streams.add(c) // before the page hears the id and POSTs
	defer h.streams.remove(c)
	c.mu.Lock()
	err := c.event(protocol.StreamOpen, []byte(c.id))
	c.mu.Unlock()
	if err != nil {
		h.log.WarnContext(r.Context(), "live: stream refused", "path", r.URL.Path, "err", err)
		return
	}
	stop := context.AfterFunc(r.Context(), func() { c.CloseNow() }) // the client went away
	defer stop()
	h.runConn(r, newWSConn(h, c, c), false)
}

// servePost hands a POSTed frame to its stream. It answers 204 once the
// connection's reader has it, 404 for a stream that is not (or no longer)
// open, 403 for another site's request, and 413 for a frame over its
// limit, which also ends the stream with status 1009, as a WebSocket
// would. A text frame's limit is ReadLimit; a binary frame's is the read
// limit of the view's upload chunks, and a view that allows no upload
// answers it 415 and ends the stream with 1003, as a WebSocket would.
func (h *Handler) servePost(w http.ResponseWriter, r *http.Request) {
	if !h.sameOrigin(r) {
		http.Error(w, "live: cross-origin frame refused", http.StatusForbidden)
		return
	}
	c := h.streams.get(r.Header.Get(protocol.StreamHeader))
	if c == nil {
		http.Error(w, "live: no such stream", http.StatusNotFound)
		return
	}
	f := postedFrame{typ: websocket.MessageText}
	limit, what := h.opts.ReadLimit, "frame"
	if isBinary(r) {
		f.typ, limit, what = websocket.MessageBinary, c.chunkLimit(), "chunk"
		if limit == 0 {
			h.log.WarnContext(r.Context(), "live: a binary frame to a view that allows no upload")
			c.Close(websocket.StatusUnsupportedData, "binary frames are not supported")
			http.Error(w, "live: binary frames are not supported", http.StatusUnsupportedMediaType)
			return
		}
	}
	select {
	case c.busy <- struct{}{}:
		defer func() { <-c.busy }()
	case <-c.done:
		http.Error(w, "live: stream closed", http.StatusGone)
		return
	case <-r.Context().Done():
		return
	}
	var err error
	f.data, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.log.WarnContext(r.Context(), "live: "+what+" over the read limit", "limit", limit)
			c.Close(websocket.StatusMessageTooBig, what+" too big")
			http.Error(w, "live: "+what+" too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "live: reading the frame: "+err.Error(), http.StatusBadRequest)
		return
	}
	select {
	case c.in <- f:
		w.WriteHeader(http.StatusNoContent)
	case <-c.done:
		http.Error(w, "live: stream closed", http.StatusGone)
	case <-r.Context().Done():
	}
}

// isBinary reports whether a POST carries a binary frame.
func isBinary(r *http.Request) bool {
	t, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return t == protocol.StreamBinary
}

// sameOrigin reports whether a stream or a POST comes from the page's own host, or
// one of OriginPatterns, as websocket.Accept checks an upgrade. A request
// with no Origin header (not sent by a browser's fetch) passes: the
// stream id it must carry is known only to the page.
func (h *Handler) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range h.opts.OriginPatterns {
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(u.Host)); ok {
			return true
		}
	}
	return false
}
