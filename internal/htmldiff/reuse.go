package htmldiff

import (
	"bytes"
	"hash/maphash"

	"golang.org/x/net/html"
)

// reuse holds the old children of the range a Doc parses again. When the
// new bytes at the start of a top-level element are exactly those of one
// of them, the builder takes the old element, subtree and spans, instead
// of parsing it: the same bytes with the same ancestors make the same
// tree. That makes a reorder of a long list cost a comparison of bytes per
// item rather than a parse.
type reuse struct {
	src   []byte // the old source
	spans []span // the old spans

	olds   []*html.Node
	starts []int  // where each old child starts in src
	spanAt []int  // and its first span
	used   []bool // taken into the new tree

	next        int // the old child expected next, for lists in order
	index       map[uint64]int32
	indexed     bool
	chain       []int32 // the next old child with the same start tag, or -1
	seed        maphash.Seed
	reusedBytes int
}

func (u *reuse) reset(src []byte, spans []span) {
	u.src, u.spans = src, spans
	u.olds, u.starts, u.spanAt, u.used = u.olds[:0], u.starts[:0], u.spanAt[:0], u.used[:0]
	u.next, u.reusedBytes, u.indexed = 0, 0, false
}

func (u *reuse) add(c *html.Node, start, span int) {
	u.olds = append(u.olds, c)
	u.starts = append(u.starts, start)
	u.spanAt = append(u.spanAt, span)
	u.used = append(u.used, false)
}

// release drops the references into the tree.
func (u *reuse) release() {
	clear(u.olds)
	u.olds = u.olds[:0]
	u.src, u.spans = nil, nil
}

// restore puts the old children back in place, between prev and next
// under x, after a failed parse moved some of them.
func (u *reuse) restore(x, prev, next *html.Node) {
	for k, c := range u.olds {
		c.Parent = x
		c.PrevSibling, c.NextSibling = prev, next
		if k > 0 {
			c.PrevSibling = u.olds[k-1]
		}
		if k+1 < len(u.olds) {
			c.NextSibling = u.olds[k+1]
		}
	}
	u.release()
}

// find returns an unused old element child whose bytes start rest, or -1.
func (u *reuse) find(rest []byte) int {
	if u.next < len(u.olds) && u.fits(u.next, rest) {
		return u.next
	}
	end := bytes.IndexByte(rest, '>')
	if end < 0 {
		return -1
	}
	if !u.indexed {
		u.buildIndex()
	}
	k, ok := u.index[maphash.Bytes(u.seed, rest[:end+1])]
	if !ok {
		return -1
	}
	for ; k >= 0; k = u.chain[k] {
		if u.fits(int(k), rest) {
			return int(k)
		}
	}
	return -1
}

// buildIndex indexes the old element children by their start tags.
func (u *reuse) buildIndex() {
	u.indexed = true
	if u.index == nil {
		u.index = make(map[uint64]int32, len(u.olds))
		u.seed = maphash.MakeSeed()
	}
	clear(u.index)
	u.chain = u.chain[:0]
	for range u.olds {
		u.chain = append(u.chain, -1)
	}
	for k := len(u.olds) - 1; k >= 0; k-- {
		if u.olds[k].Type != html.ElementNode {
			continue
		}
		sp := u.spans[u.spanAt[k]]
		h := maphash.Bytes(u.seed, u.src[u.starts[k]:u.starts[k]+int(sp.open)])
		if first, ok := u.index[h]; ok {
			u.chain[k] = first
		}
		u.index[h] = int32(k)
	}
}

func (u *reuse) fits(k int, rest []byte) bool {
	if u.used[k] || u.olds[k].Type != html.ElementNode {
		return false
	}
	size := int(u.spans[u.spanAt[k]].size)
	return size <= len(rest) && bytes.Equal(rest[:size], u.src[u.starts[k]:u.starts[k]+size])
}

// take moves old child k into the new tree, at the end of p, and returns
// its bytes' length.
func (u *reuse) take(k int, b *builder) int {
	c := u.olds[k]
	u.used[k] = true
	u.next = k + 1
	c.PrevSibling, c.NextSibling = nil, nil
	b.add(c)
	si := u.spanAt[k]
	sp := u.spans[si]
	b.spans = append(b.spans, u.spans[si:si+int(sp.count)]...)
	u.reusedBytes += int(sp.size)
	return int(sp.size)
}
