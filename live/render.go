package live

import (
	"context"

	"github.com/templive/templive/internal/htmldiff"
	"github.com/templive/templive/internal/protocol"
)

// Rendering a view and answering its page: the last render is what the
// client has, and each new one is diffed against it.

// renderTree renders the view, keeps it as what the client will have, and
// returns the HTML.
func (s *session) renderTree(ctx context.Context) ([]byte, error) {
	body, err := s.renderBody(ctx)
	if err != nil {
		return nil, err
	}
	// Its tree is built when the first change needs it: a page that never
	// changes never costs a parse, and a page only loaded holds no tree.
	s.doc = htmldiff.NewDocAtRest(body)
	return body, nil
}

// renderDiff renders the view and returns the encoded ops that turn the
// last render into this one, or nil when nothing changed.
func (s *session) renderDiff() (out []byte, err error) {
	ctx := s.opCtx()
	s.beforeRender()
	body, err := s.renderBody(ctx)
	if err != nil {
		return nil, err
	}
	s.afterRender()
	if end := s.h.opts.Observer.diff(ctx, s.route); end != nil {
		defer func() { end(len(out), err) }()
	}
	// Update parses and diffs again only what changed since the last render.
	if s.ops, err = s.doc.Update(s.ops[:0], body); err != nil {
		return nil, err
	}
	s.coalesced = 0 // this render shows every update put off
	if len(s.ops) == 0 {
		return nil, nil
	}
	return protocol.AppendOps(nil, s.ops), nil
}

// renderAll renders the view and returns one op that morphs the whole root
// into it: what a client whose DOM is not the last render needs.
func (s *session) renderAll() ([]byte, error) {
	s.beforeRender()
	body, err := s.renderTree(s.ctx)
	if err != nil {
		return nil, err
	}
	s.afterRender()
	return protocol.AppendOps(nil, []protocol.Op{{Kind: protocol.OpMorph, Path: []int{}, Data: string(body)}}), nil
}

func (s *session) resync(ref uint64) {
	ops, err := s.renderAll()
	if err != nil {
		s.renderFailed(ref, err)
		return
	}
	s.reply(ref, ops)
}

func (s *session) renderFailed(ref uint64, err error) {
	s.h.log.ErrorContext(s.ctx, "live: render failed", "err", err)
	s.send(protocol.AppendError(nil, ref, "render failed"))
}

func (s *session) reply(ref uint64, ops []byte) {
	s.deliver(protocol.AppendReply(nil, ref, ops), ops != nil)
}

func (s *session) send(frame []byte) {
	if s.cur != nil {
		s.cur.send(frame)
	}
}
