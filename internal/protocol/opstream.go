package protocol

import "encoding/json"

// StreamOp is the batch of an OpStream, applied to the container in this
// order: Reset removes every child; Deletes removes the element children
// with those ids; each of Inserts is put in place; then Limit trims the
// element children (a positive limit keeps the first Limit, a negative
// one the last -Limit, 0 keeps all).
type StreamOp struct {
	Reset   bool
	Limit   int
	Deletes []string
	Inserts []StreamItem
}

// StreamItem is one insert of a StreamOp. HTML is the item's markup,
// parsed in the container's context. An item whose ID names an element
// child of the container replaces it where it is (in the browser, a
// morph, which keeps its state); otherwise the nodes go before the At-th
// element child (0 the first), or last when At is negative or past the
// end.
type StreamItem struct {
	ID   string
	At   int
	HTML string
}

// StreamMeta is what a stream container's live-stream attribute
// (AttrStream) holds: the render's batch, less its items, which are the
// container's children. live.Stream writes it; the differ and the appliers
// read it.
type StreamMeta struct {
	Reset   bool           `json:"r,omitempty"`
	Limit   int            `json:"l,omitempty"`
	Deletes []string       `json:"d,omitempty"`
	At      map[string]int `json:"a,omitempty"` // the position of each item not appended
}

// AppendStreamMeta appends m's encoding, the value of a live-stream
// attribute, to dst.
func AppendStreamMeta(dst []byte, m *StreamMeta) []byte {
	b, _ := json.Marshal(m) // cannot fail: strings, ints and a map of them
	return append(dst, b...)
}
