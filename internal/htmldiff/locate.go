package htmldiff

import (
	"bytes"
	"encoding/binary"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Finding what changed between two renders, and the smallest part of the
// kept tree around it that a Doc can parse again alone.

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+512 <= n && bytes.Equal(a[i:i+512], b[i:i+512]) {
		i += 512
	}
	for i+8 <= n && binary.LittleEndian.Uint64(a[i:]) == binary.LittleEndian.Uint64(b[i:]) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest common suffix of a and b.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	a, b = a[len(a)-n:], b[len(b)-n:]
	i := n
	for i >= 512 && bytes.Equal(a[i-512:i], b[i-512:i]) {
		i -= 512
	}
	for i >= 8 && binary.LittleEndian.Uint64(a[i-8:]) == binary.LittleEndian.Uint64(b[i-8:]) {
		i -= 8
	}
	for i > 0 && a[i-1] == b[i-1] {
		i--
	}
	return n - i
}

// A level is one element on the way from the root down to the bytes that
// changed.
type level struct {
	n    *html.Node
	span int // its index in spans
	pos  int // where it starts in the old source
	k    int // its index among its parent's children
}

// descendable reports whether the Doc may parse the content of n alone:
// not raw text, not a pre (which drops a first newline), not a template.
func descendable(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if n.Namespace != "" {
		return true
	}
	if streamMode(n) != "" {
		return false // its children are diffed as a batch, with it (stream.go)
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes,
		atom.Noscript, atom.Plaintext, atom.Pre, atom.Listing, atom.Template:
		return false
	}
	return true
}

// align moves an insertion or a removal that can be placed at several
// positions (inserting "<li>b</li>" after "<li>a</li>" leaves the bytes
// "b</li><li>" between the common prefix and suffix) to one where it is a
// run of whole nodes, if there is one nearby.
func (d *Doc) align(src []byte, p, qo, qn int) (int, int, int) {
	var b []byte // the side that has the bytes
	var q int
	switch {
	case p == qo:
		b, q = src, qn
	case p == qn:
		b, q = d.src, qo
	default:
		return p, qo, qn
	}
	for t := 0; t <= p && t <= 4096; t++ {
		if t > 0 && b[p-t] != b[q-t] {
			break
		}
		if s, e := p-t, q-t; b[s] == '<' && s+1 < e && b[s+1] != '/' && b[e-1] == '>' {
			return p - t, qo - t, qn - t
		}
	}
	return p, qo, qn
}

// descend finds the child of n (at span si, starting at pos) whose content
// holds all the changed bytes [p, qo), if there is one the Doc may parse
// alone.
func (d *Doc) descend(n *html.Node, si, pos, p, qo int) (*html.Node, int, int, int, bool) {
	sp := d.spans[si]
	cpos, ci := pos+int(sp.open), si+1
	for c, k := n.FirstChild, 0; c != nil; c, k = c.NextSibling, k+1 {
		csp := d.spans[ci]
		end := cpos + int(csp.size)
		if end > p || end == p && c.Type == html.TextNode {
			// c is the first child the change touches.
			if cpos+int(csp.open) <= p && qo <= end-int(csp.close) && csp.close > 0 && descendable(c) {
				return c, ci, cpos, k, true
			}
			return nil, 0, 0, 0, false
		}
		cpos, ci = end, ci+int(csp.count)
	}
	return nil, 0, 0, 0, false
}

// A childRange is the children [i, j) of a level that the changed bytes
// touch: spans [si, sj), old bytes [start, end), between prev and next.
type childRange struct {
	i, j       int
	si, sj     int
	start, end int
	first      *html.Node // child i, if i < j
	prev, next *html.Node // the children around the range, or nil
}

// childRange finds the children of level top that the change touches.
// With deepest, those holding or bordering the changed bytes [p, qo) (a
// text node that ends or starts right there included: new text would
// merge with it), or none at an insertion between two children; above,
// the one child on the way down.
func (d *Doc) childRange(top, p, qo int, deepest bool) (childRange, bool) {
	lv := d.levels[top]
	want := -1
	if !deepest {
		want = d.levels[top+1].k
	}
	r := childRange{i: -1}
	cpos, ci := lv.pos+int(d.spans[lv.span].open), lv.span+1
	var prev *html.Node
	k := 0
	c := lv.n.FirstChild
	for ; c != nil; c, k = c.NextSibling, k+1 {
		csp := d.spans[ci]
		end := cpos + int(csp.size)
		in, after := k == want, k > want
		if deepest {
			text := c.Type == html.TextNode
			in = (end > p || end == p && text) && (cpos < qo || cpos == qo && text)
			after = !in && cpos >= qo
		}
		if after {
			break
		}
		if in {
			if r.i < 0 {
				r.i, r.si, r.start, r.prev, r.first = k, ci, cpos, prev, c
			}
			r.j, r.sj, r.end = k+1, ci+int(csp.count), end
		}
		prev = c
		cpos, ci = end, ci+int(csp.count)
	}
	if r.i < 0 {
		if !deepest || cpos != p {
			return r, false
		}
		r.i, r.j, r.si, r.sj, r.start, r.end, r.prev = k, k, ci, ci, p, p, prev
	}
	r.next = c
	return r, true
}
