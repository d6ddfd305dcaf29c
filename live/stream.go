package live

import (
	"iter"
	"slices"

	"github.com/a-h/templ"

	"github.com/templive/templive/internal/protocol"
)

// Positions for Stream.Insert.
const (
	StreamStart = 0  // before every item
	StreamEnd   = -1 // after every item
)

// A Stream is a list whose items live in the browser, not in the view: a
// chat's messages, a feed, a log, a table of thousands of rows. The view
// inserts, deletes and resets items; the next render sends only those
// changes, and then the stream lets go of them. However long the list
// grows, the view holds nothing per item and a render costs the same.
//
// A template renders a stream into a container element with an id, with
// the stream's attributes, and with one element per pending item whose id
// is the item's DOM id:
//
//	<ul id="messages" { v.Messages.Attrs()... }>
//		for id, m := range v.Messages.Items() {
//			<li id={ id }>{ m.Text }</li>
//		}
//	</ul>
//
// The client keeps the container's children: each render's items are
// inserted where Insert asked (an item whose DOM id is already there is
// updated in place, keeping its position), deleted ones are removed, and
// the container is trimmed to the limit. Items renders the pending items
// and empties the batch: a Stream expects exactly one render per change,
// which is how a view is rendered.
//
// The first render of a stream (the page's GET, or a mount after the view
// was lost) shows the pending items in their final order and resets the
// container, so a page that rejoins a fresh view shows what it mounted,
// not stale items. A page that missed frames on a resume (a resync) keeps
// the items it had: the server no longer has the others.
//
// A Stream belongs to one view and is not safe for concurrent use; keep
// it in the view's state.
type Stream[T any] struct {
	key      func(T) string
	limit    int
	reset    bool
	deletes  []string
	pending  []streamEntry[T]
	rendered bool
}

type streamEntry[T any] struct {
	id   string
	item T
	at   int
}

// NewStream returns an empty stream whose items have the DOM ids key
// returns: unique within the page, stable for an item, and valid as an
// HTML id. NewStream panics if key is nil.
func NewStream[T any](key func(T) string) *Stream[T] {
	if key == nil {
		panic("live: NewStream needs a key function")
	}
	return &Stream[T]{key: key}
}

// ID returns the DOM id of item.
func (s *Stream[T]) ID(item T) string { return s.key(item) }

// Insert inserts item at position at among the items the page shows:
// StreamStart, StreamEnd, or an index (past the end appends). An item
// whose DOM id the page already shows is updated where it is. Inserting
// the same id twice before a render sends only the later one.
func (s *Stream[T]) Insert(item T, at int) {
	if at < 0 {
		at = StreamEnd
	}
	id := s.key(item)
	s.dropPending(id)
	s.pending = append(s.pending, streamEntry[T]{id: id, item: item, at: at})
}

// Append inserts items at the end, in order.
func (s *Stream[T]) Append(items ...T) {
	for _, it := range items {
		s.Insert(it, StreamEnd)
	}
}

// Delete removes item from the page.
func (s *Stream[T]) Delete(item T) { s.DeleteID(s.key(item)) }

// DeleteID removes the item with that DOM id from the page; an id the page
// does not show is ignored.
func (s *Stream[T]) DeleteID(id string) {
	s.dropPending(id)
	s.deletes = append(s.deletes, id)
}

// Reset removes every item from the page, then inserts items, in order.
func (s *Stream[T]) Reset(items ...T) {
	clear(s.pending)
	s.pending, s.deletes, s.reset = s.pending[:0], nil, true
	s.Append(items...)
}

// SetLimit keeps at most n items on the page from now on: a positive n
// keeps the first n (items past them are removed), a negative n keeps the
// last -n (for a feed that grows at the end), 0 keeps all (the default).
// The page trims after each render's inserts.
func (s *Stream[T]) SetLimit(n int) { s.limit = n }

// Attrs returns the container's attributes: live-update="stream" and the
// render's batch in live-stream. Call it before Items, in the container's
// start tag.
func (s *Stream[T]) Attrs() templ.Attributer {
	m := protocol.StreamMeta{Reset: s.reset || !s.rendered, Limit: s.limit}
	if s.rendered {
		m.Deletes = s.deletes
		for _, e := range s.pending {
			if e.at != StreamEnd {
				if m.At == nil {
					m.At = make(map[string]int)
				}
				m.At[e.id] = e.at
			}
		}
	}
	return templ.OrderedAttributes{
		{Key: protocol.AttrUpdate, Value: protocol.UpdateStream},
		{Key: protocol.AttrStream, Value: string(protocol.AppendStreamMeta(nil, &m))},
	}
}

// Items yields the DOM id and the item of each pending insert, for the
// template to render, and then forgets them: the batch is sent.
func (s *Stream[T]) Items() iter.Seq2[string, T] {
	return func(yield func(string, T) bool) {
		entries := s.pending
		if !s.rendered {
			entries = s.resolved()
		}
		s.pending, s.deletes, s.reset, s.rendered = nil, nil, false, true
		for _, e := range entries {
			if !yield(e.id, e.item) {
				return
			}
		}
	}
}

// resolved returns the pending items in the order the page shows them
// once inserted, trimmed to the limit: a first render is plain HTML.
func (s *Stream[T]) resolved() []streamEntry[T] {
	out := make([]streamEntry[T], 0, len(s.pending))
	for _, e := range s.pending {
		if e.at == StreamEnd || e.at >= len(out) {
			out = append(out, e)
			continue
		}
		out = append(out, streamEntry[T]{})
		copy(out[e.at+1:], out[e.at:])
		out[e.at] = e
	}
	switch {
	case s.limit > 0 && len(out) > s.limit:
		out = out[:s.limit]
	case s.limit < 0 && len(out) > -s.limit:
		out = out[len(out)+s.limit:]
	}
	return out
}

// dropPending forgets a pending insert of id.
func (s *Stream[T]) dropPending(id string) {
	for i, e := range s.pending {
		if e.id == id {
			s.pending = slices.Delete(s.pending, i, i+1) // zeroes the freed slot
			return
		}
	}
}
