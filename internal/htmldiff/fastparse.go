package htmldiff

import (
	"bytes"
	"errors"
	"unsafe"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The fast builder builds the same tree as Parse for the HTML that templ
// writes, several times faster, and records where each node came from. It
// understands well-formed markup only: every element closed by its own end
// tag (or void), text, comments, attributes, entities, raw text in script
// and style, RCDATA in textarea and title, SVG and MathML. Whenever the
// input needs any other rule of HTML tree construction (an implied or
// omitted end tag, foster parenting, the adoption agency, a p closed by a
// block, select, template, html/head/body tags, a NUL or CR byte, a "<" in
// text, ...) it gives up with errSlow and the caller uses x/net/html.
//
// Its rules are all functions of the stack of open elements, which is what
// lets a Doc re-parse one element's content alone: the tree that content
// gets inside the whole document is the tree it gets on its own with the
// same ancestors.

// errSlow reports input outside the fast builder's subset of HTML.
var errSlow = errors.New("htmldiff: input needs the full HTML parser")

// maxFastDepth bounds the stack of open elements; x/net/html fails past 512.
const maxFastDepth = 480

// A span says where a node came from in its source: the node's bytes and,
// for an element, the bytes of its start and end tags (0 for a void or
// self-closed element). Spans are kept in document order, one per node of a
// pre-order walk; count (the spans of the node's subtree, its own included)
// lets a walk skip a subtree.
type span struct {
	size, open, close, count int32
}

// builder is the fast tree builder. Its slices are reused from one parse to
// the next; the nodes and attributes it allocates are not.
type builder struct {
	buf     []byte // the source
	src     string // the same bytes, to read; str makes the strings the tree keeps
	pos     int
	chunk   string // a copy of buf[chunkAt:], or of part of it
	chunkAt int
	stack   []*html.Node // open elements, the parent of new nodes on top
	spanAt  []int32      // index in spans of each open element; -1 below base
	base    int          // len(stack) when the parse began: where it must end
	spans   []span       // one per node built, in document order
	ids     []string     // the ids of the elements built
	nodes   []html.Node  // free nodes of the current slab
	attrs   []html.Attribute
	slab    int
	tmp     []html.Attribute
	reuse   *reuse // old elements the top level may take instead of parsing

	// The tag just read.
	name        string
	tag         atom.Atom
	selfClosing bool
}

// fastParse builds the tree Parse builds for src, with the spans of every
// node, the root's first; or it returns errSlow.
func (b *builder) fastParse(src []byte) (*html.Node, error) {
	root := newRoot()
	b.spans = append(b.spans[:0], span{size: int32(len(src)), count: 1})
	if err := b.parse(src, []*html.Node{root}, true); err != nil {
		return nil, err
	}
	b.spans[0].count = int32(len(b.spans))
	return root, nil
}

// parse builds the nodes of src as the last children of the element on
// top of stack; the elements below it are its ancestors, the root first.
// It appends a span per node to b.spans and the ids it meets to b.ids. It
// fails with errSlow unless src is a run of complete nodes that the whole
// document's parse would build the same way.
//
// With whole, the tree's strings are substrings of one copy of src; else
// of copies of the parts of src the nodes built use (the builder may take
// old elements for most of src, see reuse).
func (b *builder) parse(src []byte, stack []*html.Node, whole bool) error {
	if len(src) > 1<<30 || bytes.IndexByte(src, 0) >= 0 || bytes.IndexByte(src, '\r') >= 0 {
		return errSlow // NUL and CR are rewritten by the tokenizer
	}
	b.buf, b.pos = src, 0
	if whole {
		b.src = string(src)
		b.chunk, b.chunkAt = b.src, 0
	} else {
		// Only read while parsing; str copies what the tree keeps.
		b.src = unsafe.String(unsafe.SliceData(src), len(src))
		b.chunk, b.chunkAt = "", 0
	}
	b.stack = append(b.stack[:0], stack...)
	b.spanAt = b.spanAt[:0]
	for range stack {
		b.spanAt = append(b.spanAt, -1)
	}
	b.base = len(stack)
	b.ids = b.ids[:0]
	b.slab = min(len(src)/16+2, 2048)
	err := b.run()
	b.buf, b.src, b.chunk, b.nodes, b.attrs = nil, "", "", nil, nil
	clear(b.stack)
	clear(b.tmp)
	b.name = ""
	return err
}

func (b *builder) run() error {
	s := b.src
	for b.pos < len(s) {
		if s[b.pos] != '<' {
			if err := b.text(); err != nil {
				return err
			}
			continue
		}
		if b.pos+1 == len(s) {
			return errSlow
		}
		var err error
		switch c := s[b.pos+1]; {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			if b.reuse != nil && len(b.stack) == b.base {
				if k := b.reuse.find(b.buf[b.pos:]); k >= 0 {
					b.pos += b.reuse.take(k, b)
					continue
				}
			}
			err = b.startTag()
		case c == '/':
			err = b.endTag()
		case c == '!':
			err = b.comment()
		default:
			return errSlow // "<" in text
		}
		if err != nil {
			return err
		}
	}
	if len(b.stack) != b.base {
		return errSlow // unclosed elements
	}
	return nil
}

func (b *builder) top() *html.Node { return b.stack[len(b.stack)-1] }

// str returns the source bytes [i, j) as a string the tree may keep.
func (b *builder) str(i, j int) string {
	if i >= b.chunkAt && j <= b.chunkAt+len(b.chunk) {
		return b.chunk[i-b.chunkAt : j-b.chunkAt]
	}
	b.chunk, b.chunkAt = string(b.buf[i:max(j, min(i+4096, len(b.buf)))]), i
	return b.chunk[:j-i]
}

func (b *builder) newNode(t html.NodeType) *html.Node {
	if len(b.nodes) == 0 {
		b.nodes = make([]html.Node, b.slab)
	}
	n := &b.nodes[0]
	b.nodes = b.nodes[1:]
	n.Type = t
	return n
}

// add appends n to the element on top of the stack.
func (b *builder) add(n *html.Node) {
	p := b.top()
	n.Parent = p
	if last := p.LastChild; last != nil {
		last.NextSibling = n
		n.PrevSibling = last
	} else {
		p.FirstChild = n
	}
	p.LastChild = n
}

func (b *builder) push(n *html.Node, tagStart int) error {
	if len(b.stack) >= maxFastDepth {
		return errSlow
	}
	b.stack = append(b.stack, n)
	b.spans = append(b.spans, span{size: int32(tagStart), open: int32(b.pos - tagStart)})
	b.spanAt = append(b.spanAt, int32(len(b.spans)-1))
	return nil
}

// pop closes the element on top of the stack; its end tag began at
// tagStart and ends at b.pos.
func (b *builder) pop(tagStart int) {
	i := b.spanAt[len(b.spanAt)-1]
	sp := &b.spans[i]
	sp.close = int32(b.pos - tagStart)
	sp.size = int32(b.pos) - sp.size
	sp.count = int32(len(b.spans)) - i
	b.stack[len(b.stack)-1] = nil
	b.stack = b.stack[:len(b.stack)-1]
	b.spanAt = b.spanAt[:len(b.spanAt)-1]
}

// element makes an element of the tag just read, with its attributes.
func (b *builder) element(ns string) *html.Node {
	n := b.newNode(html.ElementNode)
	n.DataAtom, n.Data, n.Namespace = b.tag, b.name, ns
	if k := len(b.tmp); k > 0 {
		if len(b.attrs) < k {
			b.attrs = make([]html.Attribute, max(b.slab/2, k))
		}
		n.Attr = b.attrs[:k:k]
		b.attrs = b.attrs[k:]
		copy(n.Attr, b.tmp)
		for _, a := range n.Attr {
			if a.Key == "id" && a.Namespace == "" && a.Val != "" {
				b.ids = append(b.ids, a.Val)
			}
		}
	}
	return n
}

// void adds an element that has no content; its tag began at tagStart.
func (b *builder) void(n *html.Node, tagStart int) {
	b.add(n)
	size := int32(b.pos - tagStart)
	b.spans = append(b.spans, span{size: size, open: size, count: 1})
}

// open adds an element and opens it.
func (b *builder) open(n *html.Node, tagStart int) error {
	b.add(n)
	return b.push(n, tagStart)
}
