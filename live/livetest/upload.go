package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

// uploadWindow is how many chunks may await their ack, as in the client
// (js/src/upload.js).
const uploadWindow = 4

// ack is the newest upload ack for an entry.
type ack struct {
	received int64
	err      string
	seen     bool
}

// Upload picks the file name holding data for the file input or drop
// target sel matches (live-upload="name" or live-drop-target="name"), as a
// user choosing a file or dropping one does, and sends it the way the
// browser client does: it announces the file, and once the view accepts it
// sends its bytes in binary chunk frames, flow-controlled by the server's
// acks, or PUTs it to the URL of an External upload and reports the
// progress. It returns when the file has arrived, the view refused it (the
// page shows why), or the server stopped it (an ack with an error: the
// page shows the entry's error); the renders that followed are applied.
// The file's type is what its extension says (mime.TypeByExtension), as a
// browser reports it.
func (p *Page) Upload(sel, name string, data []byte) {
	p.t.Helper()
	el := p.one("Upload", sel)
	slot := attrOr(el, protocol.AttrUpload, "")
	if slot == "" {
		slot = attrOr(el, protocol.AttrDropTarget, "")
	}
	if slot == "" || !ownedBy(p.root, el) {
		p.t.Fatalf("livetest: Upload(%q): %s has no %s or %s in the live root\n%s", sel, describe(el), protocol.AttrUpload, protocol.AttrDropTarget, p.around(el))
	}
	if !p.joined {
		p.t.Fatalf("livetest: Upload(%q): the page is not connected", sel)
	}
	typ := mime.TypeByExtension(filepath.Ext(name))
	p.begin()
	p.lastRef++
	e := &sent{ref: p.lastRef, name: "upload " + slot}
	e.frame = []any{protocol.KindUpload, e.ref, slot, []any{[]any{name, len(data), typ}}}
	p.pending = append(p.pending, e)
	p.action = append(p.action, e)
	p.sendFrame(e.frame)
	p.end()
	if e.err != "" || len(e.answer) == 0 {
		return
	}
	var answer []json.RawMessage
	var chunk int
	var entries [][]json.RawMessage
	if json.Unmarshal(e.answer, &answer) != nil || len(answer) != 2 ||
		json.Unmarshal(answer[0], &chunk) != nil || json.Unmarshal(answer[1], &entries) != nil || len(entries) != 1 || chunk <= 0 {
		p.t.Fatalf("livetest: Upload(%q): the server's answer is malformed: %s", sel, e.answer)
	}
	var ref uint64
	var ok bool
	if len(entries[0]) < 2 || json.Unmarshal(entries[0][0], &ref) != nil || json.Unmarshal(entries[0][1], &ok) != nil {
		p.t.Fatalf("livetest: Upload(%q): the server's answer is malformed: %s", sel, e.answer)
	}
	if !ok {
		return // refused: the view shows why
	}
	if len(entries[0]) == 4 {
		p.putExternal(sel, ref, entries[0][2], entries[0][3], data, typ)
	} else {
		p.sendChunks(sel, ref, data, chunk)
	}
	p.unsynced = true // the view's renders follow the last ack
	p.sync()
}

// sendChunks sends data for the entry ref in chunks, at most uploadWindow
// of them unacknowledged, until the server holds all of it or refuses more.
func (p *Page) sendChunks(sel string, ref uint64, data []byte, chunk int) {
	p.t.Helper()
	if p.acks == nil {
		p.acks = map[uint64]*ack{}
	}
	a := &ack{}
	p.acks[ref] = a
	defer delete(p.acks, ref)
	var sent int64
	size := int64(len(data))
	frame := make([]byte, 0, protocol.MaxChunkHeader+chunk)
	for {
		for a.err == "" && sent < size && sent-a.received < int64(uploadWindow*chunk) {
			end := min(sent+int64(chunk), size)
			frame = protocol.AppendChunkHeader(frame[:0], ref, sent)
			frame = append(frame, data[sent:end]...)
			if p.c == nil || p.c.sendBinary(frame) != nil {
				return // the reader notices the drop
			}
			sent = end
		}
		if a.err != "" || a.received >= size {
			return
		}
		before := *a
		p.wait(fmt.Sprintf("upload ack for %q", sel), func() bool { return *a != before || p.c == nil })
		if p.c == nil {
			return
		}
		sent = max(sent, a.received) // the server may hold more than was acked
	}
}

// putExternal PUTs data to an External upload's URL with its headers, as
// the client's XHR does, and reports the outcome to the view.
func (p *Page) putExternal(sel string, ref uint64, rawURL, rawHeader json.RawMessage, data []byte, typ string) {
	p.t.Helper()
	var u string
	var header map[string]string
	if json.Unmarshal(rawURL, &u) != nil || json.Unmarshal(rawHeader, &header) != nil {
		p.t.Fatalf("livetest: Upload(%q): the external upload's URL or headers are malformed", sel)
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.s.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(data))
	if err != nil {
		p.t.Fatalf("livetest: Upload(%q): %v", sel, err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	frame := []any{protocol.KindProgress, ref, len(data)}
	resp, err := http.DefaultClient.Do(req)
	switch {
	case err != nil:
		frame = []any{protocol.KindProgress, ref, 0, err.Error()}
	case resp.StatusCode/100 != 2:
		frame = []any{protocol.KindProgress, ref, 0, resp.Status}
	}
	if resp != nil {
		resp.Body.Close()
	}
	if p.acks == nil {
		p.acks = map[uint64]*ack{}
	}
	a := &ack{}
	p.acks[ref] = a
	defer delete(p.acks, ref)
	p.sendFrame(frame)
	p.wait(fmt.Sprintf("answer to the external upload of %q", sel), func() bool { return a.seen || p.c == nil })
}

// handleAck records an upload ack: [7, ref, received, error?].
func (p *Page) handleAck(f []json.RawMessage) {
	var ref uint64
	var received int64
	var msg string
	if len(f) < 3 || json.Unmarshal(f[1], &ref) != nil || json.Unmarshal(f[2], &received) != nil ||
		len(f) == 4 && json.Unmarshal(f[3], &msg) != nil {
		p.report("%s: the server sent a malformed upload ack", p.path)
		return
	}
	if a := p.acks[ref]; a != nil {
		a.received, a.err, a.seen = received, msg, true
	}
}

// sendBinary writes one binary frame.
func (c *conn) sendBinary(frame []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageBinary, frame)
}
