package htmldiff

import (
	"bytes"
	"hash/maphash"
	"slices"
	"sync"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// Diff appends to dst the ops that turn the tree from into the tree to and
// returns the extended slice; applied in order to from (by Apply, or by the
// browser client to the DOM from was rendered into), they yield a tree Equal
// to to. Both are roots from Parse; neither is modified. The ops share
// strings and attribute slices with to, so to must not be modified while
// the ops are in use. Diff is safe for concurrent use.
//
// Children with an id unique among their siblings in both trees are matched
// by id, so reorders become moves; the others are matched by node type, tag
// and id in order. An element whose id is unique in both whole trees and
// that is matched to itself becomes the target of the ops inside it, which
// keeps paths short and lets the client check it patches the right element.
// When the ops for an element would take more bytes than its HTML (a list
// cleared or replaced), the element is morphed instead.
func Diff(dst []protocol.Op, from, to *html.Node) []protocol.Op {
	d := differPool.Get().(*differ)
	d.ops, d.base, d.cand = dst, len(dst), -1
	known := d.diffChildren(from, to)
	d.morphRootIfSmaller(from, to, known)
	ops := d.finish()
	d.release()
	differPool.Put(d)
	return ops
}

var differPool = sync.Pool{New: func() any {
	return &differ{ids: idTable{seed: maphash.MakeSeed()}}
}}

// differ holds the state of one Diff; its slices are reused through
// differPool so that diffing an unchanged tree allocates nothing.
type differ struct {
	ops  []protocol.Op
	base int      // ops[base:] are this diff's
	info []opInfo // for ops[base+i]
	size int      // estimated encoded size of this diff's ops

	// path is the path from the root to the parent being diffed, in final
	// child indexes: a parent's children are all put in place before any op
	// goes inside one of them.
	path  []int
	paths []int // full paths of all ops, back to back

	cands      []anchor // every matched element with an id, a possible target
	cand       int      // the innermost candidate around path, or -1
	inTemplate int      // template elements around path

	oldIDs, newIDs []string // every id seen in either tree
	idChecks       int      // ids counted by linear scans so far
	idsIndexed     bool     // ids holds oldIDs and newIDs

	nodes  []*html.Node // stack of child lists
	ints   []int32      // stack of per-child-list scratch arrays
	lcs    []int32
	hashes []uint64
	ids    idTable
	buf    bytes.Buffer
}

type opInfo struct {
	start, end int32 // d.paths[start:end] is the op's path (from the root until finish)
	cand       int32
	shared     bool // same target and path as the op before
	sizeBefore int  // d.size when the op was emitted
}

type anchor struct {
	id     string
	depth  int32 // length of the path to the element
	parent int32 // enclosing candidate, or -1
	state  int8  // 0 not checked, 1 valid target, -1 not
}

// release drops every reference into the trees so that a pooled differ
// does not keep them alive. The stacks clear what they pop as they go;
// only what is still in use needs clearing, so a small diff after a big
// one does not pay for the big one's capacity.
func (d *differ) release() {
	d.ops = nil
	d.info = d.info[:0]
	d.size = 0
	d.path = d.path[:0]
	d.paths = d.paths[:0]
	clear(d.cands)
	d.cands = d.cands[:0]
	d.inTemplate = 0
	clear(d.oldIDs)
	clear(d.newIDs)
	d.oldIDs, d.newIDs = d.oldIDs[:0], d.newIDs[:0]
	d.idChecks, d.idsIndexed = 0, false
	clear(d.ids.entries)
	d.ids.entries = d.ids.entries[:0]
	if d.buf.Cap() > 64<<10 {
		d.buf = bytes.Buffer{} // a big morph's HTML
	} else {
		d.buf.Reset()
	}
}

// emit records op, addressed to the node at d.path (child >= 0 appends one
// more index: the op touches that child of the current parent).
func (d *differ) emit(op protocol.Op, child int) {
	start := len(d.paths)
	d.paths = append(d.paths, d.path...)
	if child >= 0 {
		d.paths = append(d.paths, child)
	}
	d.info = append(d.info, opInfo{start: int32(start), end: int32(len(d.paths)), cand: int32(d.cand), sizeBefore: d.size})
	d.ops = append(d.ops, op)
	d.size += opSize(&op, len(d.paths)-start)
}

// finish turns the recorded full paths into target-relative paths, all in
// one fresh allocation (the ops outlive the pooled differ). Consecutive ops
// with the same target and path (moves and inserts in one parent) share
// their path slice.
func (d *differ) finish() []protocol.Op {
	ops := d.ops[d.base:]
	total := 0
	for i := range ops {
		inf := &d.info[i]
		c := d.resolveTarget(int(inf.cand))
		inf.cand = int32(c)
		inf.start += int32(d.depth(c))
		if c >= 0 {
			ops[i].Target = d.cands[c].id
		}
		if i > 0 && ops[i].Target == ops[i-1].Target && slices.Equal(d.opPath(i), d.opPath(i-1)) {
			inf.shared = true
			continue
		}
		total += int(inf.end - inf.start)
	}
	backing := make([]int, total)
	for i := range ops {
		if d.info[i].shared {
			ops[i].Path = ops[i-1].Path
			continue
		}
		src := d.opPath(i)
		p := backing[:len(src):len(src)]
		backing = backing[len(src):]
		copy(p, src)
		ops[i].Path = p
	}
	return d.ops
}

// opPath is the recorded path of this diff's op i.
func (d *differ) opPath(i int) []int {
	return d.paths[d.info[i].start:d.info[i].end]
}

func (d *differ) depth(c int) int {
	if c < 0 {
		return 0
	}
	return int(d.cands[c].depth)
}

// resolveTarget returns the innermost candidate from c outwards that is a
// valid target, or -1 for the root.
func (d *differ) resolveTarget(c int) int {
	for c >= 0 {
		a := &d.cands[c]
		if a.state == 0 {
			a.state = -1
			if d.uniqueID(a.id) {
				a.state = 1
			}
		}
		if a.state == 1 {
			return c
		}
		c = int(a.parent)
	}
	return -1
}

// uniqueID reports whether id occurs exactly once in each tree. A few
// linear scans are cheaper than indexing every id; many are not.
func (d *differ) uniqueID(id string) bool {
	if !d.idsIndexed && d.idChecks < 8 {
		d.idChecks++
		return countUpTo2(d.oldIDs, id) == 1 && countUpTo2(d.newIDs, id) == 1
	}
	if !d.idsIndexed {
		d.idsIndexed = true
		d.ids.reset(len(d.oldIDs) + len(d.newIDs))
		for _, s := range d.oldIDs {
			d.ids.entry(s).nOld++
		}
		for _, s := range d.newIDs {
			d.ids.entry(s).nNew++
		}
	}
	e := d.ids.lookup(id)
	return e != nil && e.nOld == 1 && e.nNew == 1
}

func countUpTo2(ids []string, id string) int {
	n := 0
	for _, s := range ids {
		if s == id {
			if n++; n == 2 {
				break
			}
		}
	}
	return n
}

// collectIDs records the ids of n's subtree, for subtrees the matching walk
// does not visit (removed, inserted, morphed).
func collectIDs(n *html.Node, ids *[]string) {
	if n.Type != html.ElementNode {
		return
	}
	if id := getID(n); id != "" {
		*ids = append(*ids, id)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		collectIDs(c, ids)
	}
}

// sameSig reports whether a and b may be matched: same node type and, for
// elements, same tag, namespace and id. Matched elements are patched in
// place; elements with different ids never are, as in morphdom, so that
// client-side state stays with its element.
func sameSig(a, b *html.Node) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case html.ElementNode:
		// Parsed nodes carry the atom of their tag: comparing atoms spares
		// a string comparison for every known tag.
		return a.DataAtom == b.DataAtom && (a.DataAtom != 0 || a.Data == b.Data) &&
			a.Namespace == b.Namespace && getID(a) == getID(b)
	case html.TextNode, html.CommentNode:
		return true
	}
	// No op changes a doctype or raw node: only identical ones match.
	return equalNode(a, b)
}

// diffMatched diffs two matched nodes; the node is child k of the parent
// at d.path. It returns a lower bound of n's HTML size, or 0 (see
// morphIfSmaller).
func (d *differ) diffMatched(o, n *html.Node, k int) int {
	switch o.Type {
	case html.ElementNode:
		d.path = append(d.path, k)
		known := d.diffElement(o, n)
		d.path = d.path[:len(d.path)-1]
		return known
	case html.TextNode, html.CommentNode:
		if o.Data != n.Data {
			d.emit(protocol.Op{Kind: protocol.OpText, Data: n.Data}, k)
		}
	}
	return 0
}

// diffElement diffs two matched elements (same tag, namespace and id);
// d.path leads to them. It returns a lower bound of n's HTML size, or 0.
func (d *differ) diffElement(o, n *html.Node) int {
	mark, sizeMark := len(d.ops), d.size
	id := getID(n) // o's too: sameSig matched them
	saved := d.cand
	if id != "" {
		d.oldIDs = append(d.oldIDs, id)
		d.newIDs = append(d.newIDs, id)
		if d.inTemplate == 0 {
			d.cands = append(d.cands, anchor{id: id, depth: int32(len(d.path)), parent: int32(saved)})
			d.cand = len(d.cands) - 1
		}
	}
	if !slices.Equal(o.Attr, n.Attr) {
		d.diffAttrs(o, n)
	}
	if mode := streamMode(n); mode != "" && d.inTemplate == 0 {
		// The client owns the children: only the render's batch goes.
		d.diffStream(o, n, mode)
		d.cand = saved
		return 0
	}
	tmpl := isTemplate(n)
	if tmpl {
		d.inTemplate++
	}
	known := d.diffChildren(o, n)
	if tmpl {
		d.inTemplate--
	}
	if d.size-sizeMark > morphThreshold {
		known = d.morphIfSmaller(o, n, mark, known)
	}
	d.cand = saved
	return known
}

func (d *differ) diffAttrs(o, n *html.Node) {
	for _, a := range o.Attr {
		if a.Key == protocol.AttrStream && a.Namespace == "" {
			continue // a stream's batch, sent as its op, never as an attribute
		}
		if _, ok := attrValue(n.Attr, a.Namespace, a.Key); !ok {
			d.emit(protocol.Op{Kind: protocol.OpUnattr, Name: qualifiedName(a)}, -1)
		}
	}
	for _, a := range n.Attr {
		if a.Key == protocol.AttrStream && a.Namespace == "" {
			continue
		}
		if v, ok := attrValue(o.Attr, a.Namespace, a.Key); !ok || v != a.Val {
			d.emit(protocol.Op{Kind: protocol.OpAttr, Name: qualifiedName(a), Data: a.Val}, -1)
		}
	}
}

// diffChildren diffs the children of two matched elements; d.path leads to
// them. The common case, the same shape on both sides, costs one walk and
// no allocation. It returns a lower bound of the children's HTML size, or 0.
func (d *differ) diffChildren(op, np *html.Node) int {
	o, n := op.FirstChild, np.FirstChild
	for o != nil && n != nil && sameSig(o, n) {
		o, n = o.NextSibling, n.NextSibling
	}
	if o != nil || n != nil {
		return d.diffChildList(op, np)
	}
	known, k := 0, 0
	for o, n := op.FirstChild, np.FirstChild; o != nil; o, n = o.NextSibling, n.NextSibling {
		known += d.diffMatched(o, n, k)
		k++
	}
	return known
}
