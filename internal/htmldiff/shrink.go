package htmldiff

import (
	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// morphThreshold is the estimated size (bytes of JSON) of the ops for one
// element below which they are kept without weighing a morph instead.
const morphThreshold = 256

// morphIfSmaller replaces the ops emitted since mark for the matched
// element n (o in the old tree), d.path leading to it, with one morph when
// that is smaller: clearing or replacing a long list is a few bytes of
// HTML, not one remove per row. known is a lower bound of n's HTML size
// gathered below (0 if none); it returns one for n, so that ancestors whose
// ops are smaller than a part of their HTML do not look again.
func (d *differ) morphIfSmaller(o, n *html.Node, mark, known int) int {
	size := d.sizeSince(mark)
	if size <= morphThreshold || known >= size {
		return known
	}
	if est := htmlLowerBound(n); est >= size {
		return est
	}
	if hasTemplate(o) || hasTemplate(n) {
		return known
	}
	one := [1]*html.Node{n}
	src, ok := d.roundTrip(n.Parent, one[:])
	if !ok {
		return known
	}
	if morph := opSize(&protocol.Op{Kind: protocol.OpMorph, Data: src}, len(d.path)); morph < size {
		d.truncate(mark)
		d.emit(protocol.Op{Kind: protocol.OpMorph, Data: src}, -1)
	}
	return len(src)
}

// morphRootIfSmaller is morphIfSmaller for the root: a morph of the root
// replaces its children.
func (d *differ) morphRootIfSmaller(from, to *html.Node, known int) {
	size := d.sizeSince(d.base)
	if size <= morphThreshold || known >= size {
		return
	}
	est := 0
	for c := to.FirstChild; c != nil; c = c.NextSibling {
		est += htmlLowerBound(c)
	}
	if est >= size || hasTemplate(from) || hasTemplate(to) {
		return
	}
	base := len(d.nodes)
	for c := to.FirstChild; c != nil; c = c.NextSibling {
		d.nodes = append(d.nodes, c)
	}
	src, ok := d.roundTrip(to, d.nodes[base:])
	clear(d.nodes[base:])
	d.nodes = d.nodes[:base]
	if ok && opSize(&protocol.Op{Kind: protocol.OpMorph, Data: src}, 0) < size {
		d.truncate(d.base)
		d.cand = -1
		d.emit(protocol.Op{Kind: protocol.OpMorph, Data: src}, -1)
	}
}

// sizeSince is the estimated encoded size of the ops from ops[mark] on.
func (d *differ) sizeSince(mark int) int {
	if mark == len(d.ops) {
		return 0
	}
	return d.size - d.info[mark-d.base].sizeBefore
}

// truncate drops the ops from ops[mark] on.
func (d *differ) truncate(mark int) {
	if mark == len(d.ops) {
		return
	}
	i := mark - d.base
	d.paths = d.paths[:d.info[i].start]
	d.size = d.info[i].sizeBefore
	d.info = d.info[:i]
	clear(d.ops[mark:])
	d.ops = d.ops[:mark]
}

// opSize estimates the encoded size of op with a path of pathLen indexes
// (before targets shorten it; escapes not counted).
func opSize(op *protocol.Op, pathLen int) int {
	n := 12 + 2*pathLen + len(op.Target) + len(op.Name) + len(op.NS) + len(op.Data)
	for _, a := range op.Attrs {
		n += 8 + len(a.Namespace) + len(a.Key) + len(a.Val)
	}
	if s := op.Stream; s != nil {
		n += 8
		for _, id := range s.Deletes {
			n += 3 + len(id)
		}
		for _, it := range s.Inserts {
			n += 10 + len(it.ID) + len(it.HTML)
		}
	}
	return n
}

// htmlLowerBound is a cheap lower bound of the size of n's HTML: text as
// is (escaping only adds), tags and attributes without their end tags and
// quotes' escapes.
func htmlLowerBound(n *html.Node) int {
	switch n.Type {
	case html.TextNode, html.RawNode:
		return len(n.Data)
	case html.CommentNode:
		return 7 + len(n.Data)
	case html.ElementNode:
		size := 2 + len(n.Data)
		for _, a := range n.Attr {
			size += 4 + len(a.Namespace) + len(a.Key) + len(a.Val)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			size += htmlLowerBound(c)
		}
		return size
	}
	return 0
}
