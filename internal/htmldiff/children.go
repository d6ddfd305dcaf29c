package htmldiff

import (
	"hash/maphash"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// How a new child is obtained from the old children.
const (
	viaInsert int32 = iota // inserted
	viaMatch               // matched: patched in place
	viaMorph               // paired with an element of another tag: morphed
	viaSame                // matched and equal: nothing to do
)

// lcsLimit bounds the table of the exact longest-common-subsequence match
// (entries, 4 bytes each); longer child lists are matched by matchLarge.
const lcsLimit = 1 << 14

// diffChildList diffs child lists that differ in shape. It matches old
// children to new ones, removes the unmatched old ones from the end, puts
// every new child in place (moves and inserts), and only then recurses, so
// that every op inside a child sees its final index. It returns a lower
// bound of the new children's HTML size, or 0.
func (d *differ) diffChildList(op, np *html.Node) int {
	nodeBase, intBase := len(d.nodes), len(d.ints)
	for c := op.FirstChild; c != nil; c = c.NextSibling {
		d.nodes = append(d.nodes, c)
	}
	m := len(d.nodes) - nodeBase
	for c := np.FirstChild; c != nil; c = c.NextSibling {
		d.nodes = append(d.nodes, c)
	}
	oc := d.nodes[nodeBase : nodeBase+m : nodeBase+m]
	nc := d.nodes[nodeBase+m : len(d.nodes) : len(d.nodes)]
	om := d.alloc(len(oc), -1) // old child -> new index
	nm := d.alloc(len(nc), -1) // new child -> old index
	how := d.alloc(len(nc), viaInsert)

	d.matchKeyed(oc, nc, om, nm)
	d.matchInOrder(oc, nc, om, nm, how)
	d.pairLeftovers(oc, nc, om, nm, how)

	for i := len(oc) - 1; i >= 0; i-- {
		if om[i] < 0 {
			collectIDs(oc[i], &d.oldIDs)
			d.emit(protocol.Op{Kind: protocol.OpRemove}, i)
		}
	}
	d.place(np, nc, om, nm)
	known := 0
	for k, i := range nm {
		switch how[k] {
		case viaMatch:
			known += d.diffMatched(oc[i], nc[k], k)
		case viaMorph:
			d.morph(np, oc[i], nc[k], k)
		case viaSame:
			collectIDs(oc[i], &d.oldIDs)
			collectIDs(nc[k], &d.newIDs)
		}
	}
	clear(d.nodes[nodeBase:])
	d.nodes = d.nodes[:nodeBase]
	d.ints = d.ints[:intBase]
	return known
}

// alloc pushes n int32s set to fill on the scratch stack. The caller pops
// them by truncating d.ints; the returned slice stays valid even if a
// deeper call grows the stack.
func (d *differ) alloc(n int, fill int32) []int32 {
	start := len(d.ints)
	if cap(d.ints)-start < n {
		d.ints = append(d.ints[:cap(d.ints)], make([]int32, n)...)
	}
	d.ints = d.ints[:start+n]
	s := d.ints[start : start+n : start+n]
	for i := range s {
		s[i] = fill
	}
	return s
}

// matchKeyed matches children by an id that occurs once among the old
// children and once among the new ones.
func (d *differ) matchKeyed(oc, nc []*html.Node, om, nm []int32) {
	keyed := 0
	for _, c := range oc {
		if c.Type == html.ElementNode && getID(c) != "" {
			keyed++
		}
	}
	if keyed == 0 {
		return
	}
	for _, c := range nc {
		if c.Type == html.ElementNode && getID(c) != "" {
			keyed++
		}
	}
	t := &d.ids
	t.reset(keyed)
	for i, c := range oc {
		if id := getID(c); id != "" {
			e := t.entry(id)
			e.nOld++
			e.lastOld = int32(i)
		}
	}
	for k, c := range nc {
		if id := getID(c); id != "" {
			e := t.entry(id)
			e.nNew++
			e.lastNew = int32(k)
		}
	}
	for _, e := range t.entries {
		if e.nOld == 1 && e.nNew == 1 && sameSig(oc[e.lastOld], nc[e.lastNew]) {
			om[e.lastOld], nm[e.lastNew] = e.lastNew, e.lastOld
		}
	}
}

// matchInOrder matches the children left by matchKeyed in order. Equal
// children at both ends match first, so that inserting <p>x</p> between
// two paragraphs is one insert and not a text change plus an insert; then
// the ends by sameSig. What remains in the middle is matched by content
// hash and signature: exactly (a weighted longest common subsequence) when
// it is small enough, greedily when it is not.
func (d *differ) matchInOrder(oc, nc []*html.Node, om, nm, how []int32) {
	base := len(d.ints)
	for i, k := range om {
		if k < 0 {
			d.ints = append(d.ints, int32(i))
		}
	}
	mid := len(d.ints)
	for k, i := range nm {
		if i < 0 {
			d.ints = append(d.ints, int32(k))
		}
	}
	ou := d.ints[base:mid:mid] // unmatched old children
	nu := d.ints[mid:]         // unmatched new children
	defer func() { d.ints = d.ints[:base] }()

	for len(ou) > 0 && len(nu) > 0 && equalNode(oc[ou[0]], nc[nu[0]]) {
		om[ou[0]], nm[nu[0]], how[nu[0]] = nu[0], ou[0], viaSame
		ou, nu = ou[1:], nu[1:]
	}
	for len(ou) > 0 && len(nu) > 0 && equalNode(oc[ou[len(ou)-1]], nc[nu[len(nu)-1]]) {
		i, k := ou[len(ou)-1], nu[len(nu)-1]
		om[i], nm[k], how[k] = k, i, viaSame
		ou, nu = ou[:len(ou)-1], nu[:len(nu)-1]
	}
	for len(ou) > 0 && len(nu) > 0 && sameSig(oc[ou[0]], nc[nu[0]]) {
		om[ou[0]], nm[nu[0]] = nu[0], ou[0]
		ou, nu = ou[1:], nu[1:]
	}
	for len(ou) > 0 && len(nu) > 0 && sameSig(oc[ou[len(ou)-1]], nc[nu[len(nu)-1]]) {
		i, k := ou[len(ou)-1], nu[len(nu)-1]
		om[i], nm[k] = k, i
		ou, nu = ou[:len(ou)-1], nu[:len(nu)-1]
	}
	if len(ou) == 0 || len(nu) == 0 {
		return
	}

	hbase := len(d.hashes)
	defer func() { d.hashes = d.hashes[:hbase] }()
	for _, i := range ou {
		d.hashes = append(d.hashes, d.hash(oc[i]))
	}
	for _, k := range nu {
		d.hashes = append(d.hashes, d.hash(nc[k]))
	}
	ho, hn := d.hashes[hbase:hbase+len(ou)], d.hashes[hbase+len(ou):]
	m := middle{oc: oc, nc: nc, ou: ou, nu: nu, ho: ho, hn: hn, om: om, nm: nm}
	if (len(ou)+1)*(len(nu)+1) <= lcsLimit {
		d.matchWeighted(&m)
	} else {
		d.matchLarge(&m)
	}
}

// middle is the part of two child lists left to match after the ends.
type middle struct {
	oc, nc []*html.Node
	ou, nu []int32  // indexes into oc and nc
	ho, hn []uint64 // content hashes of oc[ou[i]] and nc[nu[j]]
	om, nm []int32
}

func (m *middle) match(i, j int) {
	m.om[m.ou[i]], m.nm[m.nu[j]] = m.nu[j], m.ou[i]
}

// weight is the value of matching ou[i] with nu[j]: 0 when they cannot be
// matched, 2 when they are (by hash) equal, 1 when only the signature is.
func (m *middle) weight(i, j int) int32 {
	if !sameSig(m.oc[m.ou[i]], m.nc[m.nu[j]]) {
		return 0
	}
	if m.ho[i] == m.hn[j] {
		return 2
	}
	return 1
}

// matchWeighted matches the heaviest common subsequence: as many children
// as possible, equal ones first.
func (d *differ) matchWeighted(m *middle) {
	a, b := len(m.ou), len(m.nu)
	w := b + 1
	if cap(d.lcs) < (a+1)*w {
		d.lcs = make([]int32, (a+1)*w)
	}
	t := d.lcs[:(a+1)*w]
	// t[i*w+j] is the best weight for ou[i:] and nu[j:].
	for j := 0; j <= b; j++ {
		t[a*w+j] = 0
	}
	for i := a - 1; i >= 0; i-- {
		t[i*w+b] = 0
		for j := b - 1; j >= 0; j-- {
			best := max(t[(i+1)*w+j], t[i*w+j+1])
			if x := m.weight(i, j); x > 0 {
				best = max(best, t[(i+1)*w+j+1]+x)
			}
			t[i*w+j] = best
		}
	}
	for i, j := 0, 0; i < a && j < b; {
		switch x := m.weight(i, j); {
		case x > 0 && t[i*w+j] == t[(i+1)*w+j+1]+x:
			m.match(i, j)
			i, j = i+1, j+1
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			i++
		default:
			j++
		}
	}
}

// matchGreedy walks both lists once. Equal children match; on a mismatch
// it looks a little ahead on either side for an equal child to
// resynchronise on (an insertion or a removal); failing that it patches
// the child in place when the signatures agree, and otherwise skips to the
// nearest child of the same signature, so that one stray child does not
// shift the rest of the list.
func (m *middle) matchGreedy() {
	const window = 32
	a, b := len(m.ou), len(m.nu)
	// ahead looks up to window children ahead on either side for one of
	// weight at least min, and moves there.
	ahead := func(i, j *int, min int32) bool {
		for w := 1; w <= window; w++ {
			if *j+w < b && m.weight(*i, *j+w) >= min {
				*j += w
				return true
			}
			if *i+w < a && m.weight(*i+w, *j) >= min {
				*i += w
				return true
			}
		}
		return false
	}
	for i, j := 0, 0; i < a && j < b; {
		switch x := m.weight(i, j); {
		case x == 2:
			m.match(i, j)
			i, j = i+1, j+1
		case ahead(&i, &j, 2):
		case x == 1:
			m.match(i, j)
			i, j = i+1, j+1
		case ahead(&i, &j, 1):
		default:
			i, j = i+1, j+1
		}
	}
}

// hash is a content hash of n's subtree, equal for Equal subtrees
// (attributes hash as a set). Collisions only cost patch size: matched
// children are diffed, not assumed equal.
func (d *differ) hash(n *html.Node) uint64 {
	seed := d.ids.seed
	h := mix(uint64(n.Type) ^ maphash.String(seed, n.Data))
	if n.Namespace != "" {
		h = mix(h ^ maphash.String(seed, n.Namespace))
	}
	var attrs uint64
	for _, a := range n.Attr {
		attrs += mix(maphash.String(seed, a.Namespace) ^ mix(maphash.String(seed, a.Key)^maphash.String(seed, a.Val)))
	}
	h = mix(h ^ attrs)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		h = mix(h ^ d.hash(c))
	}
	return h
}

// mix is the 64-bit finalizer of MurmurHash3.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// pairLeftovers pairs an unmatched new child with the unmatched old child
// in the same place (right after the old child matched to its left
// neighbour): same signature, they are patched; elements with the same id
// (or none) but another tag, one is morphed into the other.
func (d *differ) pairLeftovers(oc, nc []*html.Node, om, nm, how []int32) {
	last := int32(-1)
	for k, i := range nm {
		if i >= 0 {
			if how[k] == viaInsert {
				how[k] = viaMatch
			}
			last = i
			continue
		}
		c := last + 1
		if int(c) >= len(oc) || om[c] >= 0 {
			continue
		}
		o, n := oc[c], nc[k]
		switch {
		case sameSig(o, n):
			how[k] = viaMatch
		case o.Type == html.ElementNode && n.Type == html.ElementNode && getID(o) == getID(n):
			how[k] = viaMorph
		default:
			continue
		}
		om[c], nm[k] = int32(k), c
		last = c
	}
}

// morph turns the old child o, now child k, into the element n of another
// tag: with one morph op when n's HTML parses back to n in place and no
// template is involved (morphdom does not reach into template content),
// by removing o and building n otherwise.
func (d *differ) morph(np, o, n *html.Node, k int) {
	collectIDs(o, &d.oldIDs)
	collectIDs(n, &d.newIDs)
	if !hasTemplate(o) && !hasTemplate(n) {
		one := [1]*html.Node{n}
		if src, ok := d.roundTrip(np, one[:]); ok {
			d.emit(protocol.Op{Kind: protocol.OpMorph, Data: src}, k)
			return
		}
	}
	d.emit(protocol.Op{Kind: protocol.OpRemove}, k)
	d.insertRun(np, []*html.Node{n}, k)
}

func hasTemplate(n *html.Node) bool {
	if isTemplate(n) {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && hasTemplate(c) {
			return true
		}
	}
	return false
}
