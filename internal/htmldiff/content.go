package htmldiff

import (
	"bytes"
	"errors"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// ErrNoContent is returned by UpdateContent when the Doc cannot replace
// the content of the element alone: no element has the id, more than one
// has it, the element's content is raw text (script, style, textarea, pre,
// ...), or the full HTML parser built the last render, so the Doc does not
// know where the element's bytes are. The caller renders the whole
// document and calls Update instead.
var ErrNoContent = errors.New("htmldiff: no element whose content can be replaced alone")

// UpdateContent is Update for a render that differs from the last one only
// in the content of the element whose id is id: the new render is the last
// one with that element's content replaced by inner. It appends the ops
// that turn the last render into the new one, exactly as Update would for
// the whole new render, and keeps the new render; but the caller renders
// only inner, and the Doc finds, parses and diffs only what changed inside
// the element. The whole document is parsed and diffed again only when
// inner changes more than the element's content (an unclosed tag, say),
// which Update would do too.
//
// On error (ErrNoContent, or the new render does not parse) the Doc is
// unchanged. The Doc may reuse the memory of renders it assembled itself:
// after UpdateContent, a slice returned by Bytes before the last Update or
// UpdateContent may change.
func (d *Doc) UpdateContent(dst []protocol.Op, id string, inner []byte) ([]protocol.Op, error) {
	if id == "" {
		return dst, ErrNoContent
	}
	defer d.borrow()()
	if d.root == nil {
		d.restore()
	}
	a, b, ok := d.content(id)
	if !ok {
		return dst, ErrNoContent
	}
	old := d.src[a:b]
	p := commonPrefix(old, inner)
	if p == len(old) && p == len(inner) {
		return dst, nil
	}
	s := commonSuffix(old[p:], inner[p:])
	n := len(d.src) - len(old) + len(inner)
	src := d.spare[:0]
	d.spare = nil
	if cap(src) < n {
		src = make([]byte, 0, n+n/8)
	}
	src = append(append(append(src, d.src[:a]...), inner...), d.src[b:]...)
	prev, prevOwned := d.src, d.owned
	ops, err := d.updateAt(dst, src, a+p, len(d.src)-b+s)
	if err != nil {
		d.spare = src
		return ops, err
	}
	d.owned = true
	if prevOwned {
		d.spare = prev
	}
	return ops, nil
}

// content returns where the content of the one element with the id is in
// the last render, if the Doc may parse that content alone.
func (d *Doc) content(id string) (start, end int, ok bool) {
	if d.spans == nil || d.ids[id] != 1 {
		return 0, 0, false
	}
	// templ writes an id as id="...": look there first, and check with the
	// tree, since the bytes may also be text, a comment or another value.
	needle := make([]byte, 0, len(id)+5)
	needle = append(append(append(needle, `id="`...), html.EscapeString(id)...), '"')
	for from := 0; from < len(d.src); {
		k := bytes.Index(d.src[from:], needle)
		if k < 0 {
			break
		}
		k += from
		if n, si, pos := d.at(k); n != nil && getID(n) == id {
			return d.contentSpan(n, si, pos)
		}
		from = k + 1
	}
	// Written some other way: walk the whole tree.
	var found *html.Node
	var fsi, fpos int
	d.walk(d.root, 0, 0, func(n *html.Node, si, pos int) bool {
		if n.Type == html.ElementNode && getID(n) == id {
			found, fsi, fpos = n, si, pos
			return false
		}
		return true
	})
	if found == nil {
		return 0, 0, false
	}
	return d.contentSpan(found, fsi, fpos)
}

// contentSpan returns the bytes of n's content, if the Doc may parse them
// alone.
func (d *Doc) contentSpan(n *html.Node, si, pos int) (int, int, bool) {
	sp := d.spans[si]
	if sp.close == 0 || !descendable(n) {
		return 0, 0, false
	}
	return pos + int(sp.open), pos + int(sp.size) - int(sp.close), true
}

// at returns the element whose start tag holds the byte k of the last
// render, with its span index and position, or nil.
func (d *Doc) at(k int) (*html.Node, int, int) {
	n, si, pos := d.root, 0, 0
	for {
		sp := d.spans[si]
		if n != d.root && k < pos+int(sp.open) {
			if n.Type != html.ElementNode {
				return nil, 0, 0
			}
			return n, si, pos
		}
		cpos, ci := pos+int(sp.open), si+1
		var next *html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			csp := d.spans[ci]
			if k < cpos+int(csp.size) {
				next = c
				break
			}
			cpos, ci = cpos+int(csp.size), ci+int(csp.count)
		}
		if next == nil || k < cpos {
			return nil, 0, 0
		}
		n, si, pos = next, ci, cpos
	}
}

// walk calls fn for n (at span si, starting at pos) and its descendants in
// document order until fn returns false; it reports whether fn always
// returned true.
func (d *Doc) walk(n *html.Node, si, pos int, fn func(n *html.Node, si, pos int) bool) bool {
	if !fn(n, si, pos) {
		return false
	}
	sp := d.spans[si]
	cpos, ci := pos+int(sp.open), si+1
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !d.walk(c, ci, cpos, fn) {
			return false
		}
		csp := d.spans[ci]
		cpos, ci = cpos+int(csp.size), ci+int(csp.count)
	}
	return true
}
