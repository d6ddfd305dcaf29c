package htmldiff

import (
	"sync"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// A Doc is a rendered fragment kept for diffing: its bytes and its tree (as
// Parse builds it), both brought up to date by Update. A Doc is what a live
// view keeps of its last render.
//
// Update makes a new render cost little more than the bytes that changed.
// When the fast builder took the document, the Doc knows where every node
// came from; a new render is compared byte for byte with the last, only
// the smallest element content around the bytes that changed is parsed
// again, and only that part is diffed, the ops addressed as Diff would
// address them in the whole tree. Whenever that cannot be done exactly (the
// new bytes need the full HTML parser, ids are shared with the rest of the
// page, ...), Update parses the whole render and diffs the whole tree.
//
// A Doc is not safe for concurrent use.
type Doc struct {
	src   []byte
	root  *html.Node
	spans []span           // the spans of root's tree; nil when x/net/html built it
	ids   map[string]int32 // how many elements have each id, with spans
	waste int              // bytes parsed into the tree since it was built whole: the memory it may hold on to
	owned bool             // src was assembled by UpdateContent, not given by the caller
	spare []byte           // a render UpdateContent assembled, no longer kept: memory for the next

	// How many updates took each way, for tests.
	regions, wholes int

	// Scratch, only while NewDoc or Update runs: a Doc at rest (a view
	// waiting for its next event) holds nothing but its render.
	*scratch
}

// scratch is what parsing and updating a Doc needs for a while; it is
// pooled across Docs.
type scratch struct {
	b              builder
	reuse          reuse
	levels         []level
	stack          []*html.Node
	path           []int
	copies         []html.Node
	oldP, newP     html.Node
	oldIDs, newIDs []string
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// borrow lends d a scratch until the returned func gives it back.
func (d *Doc) borrow() (giveBack func()) {
	d.scratch = scratchPool.Get().(*scratch)
	return d.giveBack
}

func (d *Doc) giveBack() {
	sc := d.scratch
	d.scratch = nil
	// Nothing of a tree stays reachable from the pool.
	sc.reuse.release()
	clear(sc.levels)
	clear(sc.stack)
	clear(sc.b.ids)
	clear(sc.oldIDs)
	clear(sc.newIDs)
	sc.b.ids, sc.oldIDs, sc.newIDs = sc.b.ids[:0], sc.oldIDs[:0], sc.newIDs[:0]
	scratchPool.Put(sc)
}

// NewDoc parses src as Parse does and keeps it. NewDoc and Update keep src:
// the caller must not modify it afterwards.
func NewDoc(src []byte) (*Doc, error) {
	d := &Doc{}
	defer d.borrow()()
	root, spans, err := d.build(src)
	if err != nil {
		return nil, err
	}
	d.set(src, root, spans)
	return d, nil
}

// NewDocAtRest returns a Doc of src as Compact leaves one: its tree is
// built when an Update, UpdateContent or Tree first needs it, so a Doc
// that never changes never costs a parse. src must not change.
func NewDocAtRest(src []byte) *Doc { return &Doc{src: src} }

// Tree returns the tree of the last render, a root as from Parse. It
// belongs to the Doc, which changes it in place on Update: the caller must
// not modify it nor keep it across Update or Compact.
func (d *Doc) Tree() *html.Node {
	if d.root == nil {
		defer d.borrow()()
		d.restore()
	}
	return d.root
}

// Compact lets go of the tree and keeps the render's bytes: a Doc at rest
// then costs little more than its bytes, where its tree costs about ten
// times as much. The next Update with a change to make parses the bytes
// again first, which yields the same tree: its ops are the ones it would
// have made without Compact.
func (d *Doc) Compact() {
	d.root, d.spans, d.ids, d.waste = nil, nil, nil, 0
	d.spare = nil
}

// restore builds the tree of d.src again, after Compact.
func (d *Doc) restore() {
	root, spans, err := d.build(d.src)
	if err != nil {
		// Parse fails only when reading fails, and these bytes were
		// parsed before.
		panic("htmldiff: the bytes of a Doc no longer parse: " + err.Error())
	}
	d.set(d.src, root, spans)
}

// Bytes returns the last render.
func (d *Doc) Bytes() []byte { return d.src }

// Update appends to dst the ops that turn the last render into src, as
// Diff does for Parse(d.Bytes()) and Parse(src), and keeps src as the last
// render. Applied in order to the tree of the last render, the ops yield a
// tree Equal to Parse(src). They share strings and attributes with the
// Doc's tree. On error (src does not parse) the Doc is unchanged.
func (d *Doc) Update(dst []protocol.Op, src []byte) ([]protocol.Op, error) {
	p := commonPrefix(d.src, src)
	if p == len(src) && p == len(d.src) {
		return dst, nil
	}
	defer d.borrow()()
	if d.root == nil {
		d.restore()
	}
	prev, prevOwned := d.src, d.owned
	dst, err := d.updateAt(dst, src, p, commonSuffix(d.src[p:], src[p:]))
	if err == nil {
		d.owned = false
		if prevOwned {
			d.spare = prev
		}
	}
	return dst, err
}

// updateAt is Update once the bytes that changed are known: src has the
// first p and the last s bytes of the last render. It runs with a scratch
// and a tree.
func (d *Doc) updateAt(dst []protocol.Op, src []byte, p, s int) ([]protocol.Op, error) {
	if d.spans != nil && d.waste <= 2*len(src)+4096 {
		if ops, ok := d.update(dst, src, p, len(d.src)-s, len(src)-s); ok {
			d.regions++
			return ops, nil
		}
	}
	d.wholes++
	root, spans, err := d.build(src)
	if err != nil {
		return dst, err
	}
	dst = Diff(dst, d.root, root)
	d.set(src, root, spans)
	return dst, nil
}

// build parses src, with the fast builder when it can.
func (d *Doc) build(src []byte) (*html.Node, []span, error) {
	root, err := d.b.fastParse(src)
	if err == nil {
		spans := d.b.spans
		d.b.spans = nil
		return root, spans, nil
	}
	root, err = Parse(src)
	return root, nil, err
}

func (d *Doc) set(src []byte, root *html.Node, spans []span) {
	d.src, d.root, d.spans, d.waste = src, root, spans, 0
	d.ids = nil
	if spans != nil {
		d.ids = make(map[string]int32, len(d.b.ids))
		for _, id := range d.b.ids {
			d.ids[id]++
		}
	}
}

// update tries the incremental way: src differs from d.src in the bytes
// [p, qo) of the old source, which are [p, qn) in the new one. It reports
// false when the change must be handled by a whole parse and diff, and
// then has changed nothing.
func (d *Doc) update(dst []protocol.Op, src []byte, p, qo, qn int) ([]protocol.Op, bool) {
	p, qo, qn = d.align(src, p, qo, qn)
	d.levels = d.levels[:0]
	n, si, pos, k := d.root, 0, 0, 0
	for {
		d.levels = append(d.levels, level{n: n, span: si, pos: pos, k: k})
		c, ci, cpos, ck, ok := d.descend(n, si, pos, p, qo)
		if !ok {
			break
		}
		n, si, pos, k = c, ci, cpos, ck
	}
	defer clear(d.levels)
	// Parse the content around the change at the deepest level; if that
	// content is not a run of whole nodes (the change moved a boundary
	// between elements), at the levels above.
	for top, tries := len(d.levels)-1, 0; top >= 0 && tries < 3; top, tries = top-1, tries+1 {
		if r, ok := d.childRange(top, p, qo, tries == 0); ok {
			if ops, ok := d.replaceRange(dst, src, top, r, qn-qo); ok {
				return ops, true
			}
		}
	}
	return dst, false
}

// replaceRange parses the new bytes of the children r of the deepest level,
// diffs them with the old ones, and on success puts them in the tree.
func (d *Doc) replaceRange(dst []protocol.Op, src []byte, top int, r childRange, delta int) ([]protocol.Op, bool) {
	x := d.levels[top].n
	shell := func(n *html.Node) *html.Node {
		*n = html.Node{Type: html.ElementNode, DataAtom: x.DataAtom, Data: x.Data, Namespace: x.Namespace, Attr: x.Attr}
		return n
	}

	// The old children of the range. The new bytes may hold some of them
	// unchanged (moved rows): those are moved into the new tree as they
	// are rather than parsed again.
	u := &d.reuse
	u.reset(d.src, d.spans)
	for c, k, pos, si := r.first, r.i, r.start, r.si; k < r.j; c, k = c.NextSibling, k+1 {
		u.add(c, pos, si)
		sp := d.spans[si]
		pos, si = pos+int(sp.size), si+int(sp.count)
	}
	newP := shell(&d.newP)
	stack := d.stack[:0]
	for _, lv := range d.levels[:top] {
		stack = append(stack, lv.n)
	}
	stack = append(stack, newP)
	d.stack = stack
	region := src[r.start : r.end+delta]
	d.b.spans = d.b.spans[:0]
	d.b.reuse = u
	err := d.b.parse(region, stack, false)
	d.b.reuse = nil
	// Text next to the range would merge with new text at its ends.
	if f := newP.FirstChild; err == nil && f != nil && f.Type == html.TextNode && r.prev != nil && r.prev.Type == html.TextNode {
		err = errSlow
	}
	if l := newP.LastChild; err == nil && l != nil && l.Type == html.TextNode && r.next != nil && r.next.Type == html.TextNode {
		err = errSlow
	}
	if err != nil {
		u.restore(x, r.prev, r.next)
		*newP = html.Node{}
		return dst, false
	}

	// The ids that leave and enter the document; those of moved children
	// do both, so they are left out.
	d.oldIDs = d.oldIDs[:0]
	for k, c := range u.olds {
		if !u.used[k] {
			collectIDs(c, &d.oldIDs)
		}
	}
	d.newIDs = append(d.newIDs[:0], d.b.ids...)
	anchor, path := d.anchor(top)

	// Diff the range alone: the old children stand under a shell of x as
	// shallow copies (sharing their children), since some of them are in
	// the new tree already.
	oldP := shell(&d.oldP)
	if cap(d.copies) < len(u.olds) {
		d.copies = make([]html.Node, len(u.olds))
	}
	copies := d.copies[:len(u.olds)]
	for k, c := range u.olds {
		cp := &copies[k]
		*cp = html.Node{Type: c.Type, DataAtom: c.DataAtom, Data: c.Data, Namespace: c.Namespace, Attr: c.Attr,
			FirstChild: c.FirstChild, LastChild: c.LastChild}
		oldP.AppendChild(cp)
	}
	base := len(dst)
	ops := Diff(dst, oldP, newP)
	clear(copies)
	*oldP = html.Node{}
	clear(d.stack)
	whole := r.i == 0 && r.next == nil && top == 0
	if !d.translate(ops[base:], anchor, path, r.i, whole) {
		clear(ops[base:])
		u.restore(x, r.prev, r.next)
		*newP = html.Node{}
		return ops[:base], false
	}

	// Splice the new nodes in, and bring spans and ids up to date.
	for c := newP.FirstChild; c != nil; c = c.NextSibling {
		c.Parent = x
	}
	head, tail := newP.FirstChild, newP.LastChild
	if head == nil {
		head, tail = r.next, r.prev
	} else {
		head.PrevSibling, tail.NextSibling = r.prev, r.next
	}
	if r.prev != nil {
		r.prev.NextSibling = head
	} else {
		x.FirstChild = head
	}
	if r.next != nil {
		r.next.PrevSibling = tail
	} else {
		x.LastChild = tail
	}
	dcount := int32(len(d.b.spans) - (r.sj - r.si))
	d.spans = replaceSpans(d.spans, r.si, r.sj, d.b.spans)
	for _, lv := range d.levels[:top+1] {
		d.spans[lv.span].size += int32(delta)
		d.spans[lv.span].count += dcount
	}
	for _, id := range d.oldIDs {
		if d.ids[id]--; d.ids[id] <= 0 {
			delete(d.ids, id)
		}
	}
	for _, id := range d.newIDs {
		d.ids[id]++
	}
	*newP = html.Node{}
	d.src = src
	d.waste += len(region) - u.reusedBytes
	u.release()
	return ops, true
}

// replaceSpans replaces s[i:j] with t.
func replaceSpans(s []span, i, j int, t []span) []span {
	if len(t) == j-i {
		copy(s[i:], t)
		return s
	}
	if grow := len(t) - (j - i); grow > 0 && len(s)+grow > cap(s) {
		out := make([]span, len(s)+grow, (len(s)+grow)*5/4)
		copy(out, s[:i])
		copy(out[i:], t)
		copy(out[i+len(t):], s[j:])
		return out
	}
	tail := len(s) - j
	s = s[:i+len(t)+tail]
	copy(s[i+len(t):], s[j:j+tail])
	copy(s[i:], t)
	return s
}

// anchor returns the element Diff would address ops inside level top
// from: the innermost element around them whose id is unique in the old
// and the new document, and the path from it down to that level.
func (d *Doc) anchor(top int) (string, []int) {
	for a := top; a > 0; a-- {
		id := getID(d.levels[a].n)
		if id == "" {
			continue
		}
		old := d.ids[id]
		now := old - int32(countID(d.oldIDs, id)) + int32(countID(d.newIDs, id))
		if old != 1 || now != 1 {
			continue
		}
		d.path = d.path[:0]
		for _, lv := range d.levels[a+1 : top+1] {
			d.path = append(d.path, lv.k)
		}
		return id, d.path
	}
	d.path = d.path[:0]
	for _, lv := range d.levels[1 : top+1] {
		d.path = append(d.path, lv.k)
	}
	return "", d.path
}

func countID(ids []string, id string) int {
	n := 0
	for _, s := range ids {
		if s == id {
			n++
		}
	}
	return n
}

// translate readdresses ops that Diff addressed from a shell holding the
// children from index i of the deepest level: ops on the shell's subtree
// from anchor by path. Ops addressed from an element inside the range
// stay, if its id is unique in the whole document too. It reports false
// for ops it cannot readdress: a morph of the shell, unless the range is
// the whole root.
func (d *Doc) translate(ops []protocol.Op, anchor string, path []int, i int, whole bool) bool {
	total := 0
	for k := range ops {
		op := &ops[k]
		if op.Target != "" {
			if d.ids[op.Target] != 1 {
				return false // unique in the range, not in the document
			}
			continue
		}
		if len(op.Path) == 0 {
			switch op.Kind {
			case protocol.OpInsert, protocol.OpInsertText, protocol.OpInsertComment, protocol.OpInsertElement, protocol.OpMove:
			case protocol.OpMorph:
				if !whole {
					return false
				}
				continue
			default:
				return false // Diff does not patch its root
			}
		}
		total += len(path) + len(op.Path)
	}
	backing := make([]int, 0, total)
	for k := range ops {
		op := &ops[k]
		if op.Target != "" || op.Kind == protocol.OpMorph && len(op.Path) == 0 {
			continue
		}
		start := len(backing)
		backing = append(backing, path...)
		if len(op.Path) == 0 {
			switch op.Kind {
			case protocol.OpInsert, protocol.OpInsertText, protocol.OpInsertComment, protocol.OpInsertElement:
				op.Index += i
			case protocol.OpMove:
				op.Index += i
				op.To += i
			}
		} else {
			backing = append(backing, op.Path[0]+i)
			backing = append(backing, op.Path[1:]...)
		}
		op.Target = anchor
		op.Path = backing[start:len(backing):len(backing)]
	}
	return true
}
