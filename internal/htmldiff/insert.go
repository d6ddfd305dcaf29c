package htmldiff

import (
	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// insertRun inserts the new sibling nodes, starting at child index at of
// the parent at d.path (np in the new tree). Text and comments travel as
// text; runs of elements travel as one insert of their HTML when it parses
// back to the same nodes in np's context, and are built node by node with
// insertelement otherwise.
func (d *differ) insertRun(np *html.Node, nodes []*html.Node, at int) {
	for t := 0; t < len(nodes); {
		n := nodes[t]
		switch n.Type {
		case html.TextNode:
			d.emit(protocol.Op{Kind: protocol.OpInsertText, Index: at, Data: n.Data}, -1)
			at, t = at+1, t+1
		case html.CommentNode:
			d.emit(protocol.Op{Kind: protocol.OpInsertComment, Index: at, Data: n.Data}, -1)
			at, t = at+1, t+1
		case html.ElementNode:
			u := t + 1
			for u < len(nodes) && nodes[u].Type == html.ElementNode {
				u++
			}
			at = d.insertElements(np, nodes[t:u], at)
			t = u
		default:
			// Parse never yields other node types inside a fragment; send
			// what the serializer makes of them.
			if src, ok := d.render(nodes[t : t+1]); ok {
				d.emit(protocol.Op{Kind: protocol.OpInsert, Index: at, Data: src}, -1)
				at++
			}
			t++
		}
	}
}

// insertElements inserts sibling elements at child index at and returns
// the index after them.
func (d *differ) insertElements(np *html.Node, els []*html.Node, at int) int {
	if src, ok := d.roundTrip(np, els); ok {
		d.emit(protocol.Op{Kind: protocol.OpInsert, Index: at, Data: src}, -1)
		return at + len(els)
	}
	if len(els) > 1 {
		for i := range els {
			at = d.insertElements(np, els[i:i+1], at)
		}
		return at
	}
	el := els[0]
	d.emit(protocol.Op{Kind: protocol.OpInsertElement, Index: at, Name: el.Data, NS: el.Namespace, Attrs: el.Attr}, -1)
	base := len(d.nodes)
	for c := el.FirstChild; c != nil; c = c.NextSibling {
		d.nodes = append(d.nodes, c)
	}
	d.path = append(d.path, at)
	d.insertRun(el, d.nodes[base:len(d.nodes):len(d.nodes)], 0)
	d.path = d.path[:len(d.path)-1]
	clear(d.nodes[base:])
	d.nodes = d.nodes[:base]
	return at + 1
}

// roundTrip renders nodes and returns the HTML if parsing it in the context
// of their parent np gives back exactly the same nodes. The parser is
// context-sensitive and forgiving (foster parenting, the adoption agency,
// foreign content breakouts), so some trees it builds cannot be written as
// HTML at all; the check is as costly as the parse, which the benchmarks
// show is cheap next to rendering the page.
func (d *differ) roundTrip(np *html.Node, nodes []*html.Node) (string, bool) {
	if _, ok := d.renderBytes(nodes); !ok {
		return "", false
	}
	parsed, err := parseFragment(d.buf.Bytes(), np)
	if err != nil || len(parsed) != len(nodes) {
		return "", false
	}
	for i, p := range parsed {
		if !equalNode(p, nodes[i]) {
			return "", false
		}
	}
	return d.buf.String(), true
}

func (d *differ) render(nodes []*html.Node) (string, bool) {
	if _, ok := d.renderBytes(nodes); !ok {
		return "", false
	}
	return d.buf.String(), true
}

// renderBytes renders nodes into d.buf.
func (d *differ) renderBytes(nodes []*html.Node) ([]byte, bool) {
	d.buf.Reset()
	for _, n := range nodes {
		if err := html.Render(&d.buf, n); err != nil {
			return nil, false
		}
	}
	return d.buf.Bytes(), true
}
