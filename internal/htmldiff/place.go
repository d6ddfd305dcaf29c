package htmldiff

import (
	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// place puts the new children nc in order once the unmatched old children
// are gone: nm maps each new child to its old index, or -1 to insert it.
// When the matched children kept their relative order it inserts left to
// right at final indexes. Otherwise the matched children on a longest
// increasing subsequence of old positions stay, and the others are moved,
// right to left, each just before its right neighbour; a Fenwick tree over
// the order all children will ever take gives each current index in
// O(log n), so reversing a long keyed list stays O(n log n).
func (d *differ) place(np *html.Node, nc []*html.Node, om, nm []int32) {
	base := len(d.ints)
	defer func() { d.ints = d.ints[:base] }()

	// rank: position of each surviving old child after the removals.
	rank := d.alloc(len(om), -1)
	survivors := int32(0)
	for i, k := range om {
		if k >= 0 {
			rank[i] = survivors
			survivors++
		}
	}
	ordered := true
	prev := int32(-1)
	for _, i := range nm {
		if i >= 0 {
			if rank[i] < prev {
				ordered = false
				break
			}
			prev = rank[i]
		}
	}
	if ordered {
		for k := 0; k < len(nc); {
			if nm[k] >= 0 {
				k++
				continue
			}
			j := k
			for k < len(nc) && nm[k] < 0 {
				k++
			}
			d.collectNewIDs(nc[j:k])
			d.insertRun(np, nc[j:k], j)
		}
		return
	}

	stable := d.stableChildren(nm, rank)

	// Slots: the order of every position a child takes during the moves.
	// Between two stable children (and after the last) come, in order, the
	// old children not yet moved, then the children placed before the
	// stable one, then the stable one.
	unplaced := d.alloc(len(om), -1) // slot of each old child before it moves
	placed := d.alloc(len(nc), -1)   // slot of each new child once in place
	slot := int32(0)
	oi, ki := 0, 0
	group := func(stableK int) {
		end := len(om)
		if stableK < len(nc) {
			end = int(nm[stableK])
		}
		for ; oi < end; oi++ {
			if k := om[oi]; k >= 0 && stable[k] == 0 {
				unplaced[oi] = slot
				slot++
			}
		}
		for ; ki < stableK; ki++ {
			placed[ki] = slot
			slot++
		}
		if stableK < len(nc) {
			unplaced[oi] = slot
			placed[ki] = slot
			slot++
			oi, ki = oi+1, ki+1
		}
	}
	for k := range nc {
		if stable[k] != 0 {
			group(k)
		}
	}
	group(len(nc))

	tree := fenwick(d.alloc(int(slot)+1, 0))
	for i, k := range om {
		if k >= 0 {
			tree.add(unplaced[i], 1)
		}
	}
	total := int(survivors)
	for k := len(nc) - 1; k >= 0; {
		anchor := total
		if k < len(nc)-1 {
			anchor = tree.before(placed[k+1])
		}
		i := nm[k]
		switch {
		case i < 0:
			j := k
			for j > 0 && nm[j-1] < 0 {
				j--
			}
			d.collectNewIDs(nc[j : k+1])
			d.insertRun(np, nc[j:k+1], anchor)
			for t := j; t <= k; t++ {
				tree.add(placed[t], 1)
			}
			total += k + 1 - j
			k = j - 1
		case stable[k] != 0:
			k--
		default:
			from := tree.before(unplaced[i])
			tree.add(unplaced[i], -1)
			to := anchor
			if from < anchor {
				to--
			}
			if from != to {
				d.emit(protocol.Op{Kind: protocol.OpMove, Index: from, To: to}, -1)
			}
			tree.add(placed[k], 1)
			k--
		}
	}
}

// stableChildren marks (1) the matched new children whose old ranks form a
// longest increasing subsequence: they keep their place.
func (d *differ) stableChildren(nm, rank []int32) []int32 {
	stable := d.alloc(len(nm), 0)
	tails := d.alloc(len(nm), 0)[:0] // tails[l]: new index ending the best subsequence of length l+1
	back := d.alloc(len(nm), -1)     // predecessor in the subsequence
	for k, i := range nm {
		if i < 0 {
			continue
		}
		r := rank[i]
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if rank[nm[tails[mid]]] < r {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if lo > 0 {
			back[k] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, int32(k))
		} else {
			tails[lo] = int32(k)
		}
	}
	if len(tails) > 0 {
		for k := tails[len(tails)-1]; k >= 0; k = back[k] {
			stable[k] = 1
		}
	}
	return stable
}

// fenwick counts the children present in each slot.
type fenwick []int32

func (f fenwick) add(slot, delta int32) {
	for i := int(slot) + 1; i < len(f); i += i & -i {
		f[i] += delta
	}
}

// before returns the number of children in slots before slot: the current
// index of the child in slot.
func (f fenwick) before(slot int32) int {
	n := int32(0)
	for i := int(slot); i > 0; i -= i & -i {
		n += f[i]
	}
	return int(n)
}

func (d *differ) collectNewIDs(nodes []*html.Node) {
	for _, n := range nodes {
		collectIDs(n, &d.newIDs)
	}
}
