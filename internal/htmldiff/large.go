package htmldiff

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// Child lists too long for the exact match (lcsLimit) are matched in
// three steps that keep the alignment a plain greedy walk loses:
//
//  1. Whitespace-only text nodes stand aside. Renders often gain or lose
//     the whitespace between blocks (a template edited, a list rendered
//     by another component); matched in order, each of them would shift
//     every later element by one. Left unmatched, they are removed and
//     inserted (a few bytes each), or paired in place by pairLeftovers.
//  2. Children equal on both sides and unique to each (by content hash)
//     anchor the alignment, keeping the longest run of them in order
//     (patience diff).
//  3. Between anchors, the exact weighted match runs where the gap is
//     small enough, and a greedy walk that resynchronises on equal and
//     then on same-signature children where it is not.
//
// So the patch grows with the change, and not in a step when the list
// passes the limit.

// matchLarge matches the middle m, too large for matchWeighted.
func (d *differ) matchLarge(m *middle) {
	f := m.without(isBlankText)
	if (len(f.ou)+1)*(len(f.nu)+1) <= lcsLimit {
		d.matchWeighted(&f)
		return
	}
	i0, j0 := 0, 0
	for _, a := range f.anchors() {
		d.matchGap(f.sub(i0, a[0], j0, a[1]))
		f.match(a[0], a[1])
		i0, j0 = a[0]+1, a[1]+1
	}
	d.matchGap(f.sub(i0, len(f.ou), j0, len(f.nu)))
}

// matchGap matches a stretch between anchors.
func (d *differ) matchGap(m middle) {
	if len(m.ou) == 0 || len(m.nu) == 0 {
		return
	}
	if (len(m.ou)+1)*(len(m.nu)+1) <= lcsLimit {
		d.matchWeighted(&m)
		return
	}
	m.matchGreedy()
}

func isBlankText(n *html.Node) bool {
	return n.Type == html.TextNode && strings.Trim(n.Data, " \t\n\f\r") == ""
}

// without returns m less the children skip reports true for, on either
// side. It shares oc, nc, om and nm with m.
func (m *middle) without(skip func(*html.Node) bool) middle {
	f := middle{oc: m.oc, nc: m.nc, om: m.om, nm: m.nm}
	for i, x := range m.ou {
		if !skip(m.oc[x]) {
			f.ou, f.ho = append(f.ou, x), append(f.ho, m.ho[i])
		}
	}
	for j, x := range m.nu {
		if !skip(m.nc[x]) {
			f.nu, f.hn = append(f.nu, x), append(f.hn, m.hn[j])
		}
	}
	return f
}

// sub returns the part of m from ou[i0:i1] and nu[j0:j1].
func (m *middle) sub(i0, i1, j0, j1 int) middle {
	return middle{oc: m.oc, nc: m.nc, om: m.om, nm: m.nm,
		ou: m.ou[i0:i1], ho: m.ho[i0:i1], nu: m.nu[j0:j1], hn: m.hn[j0:j1]}
}

// anchors returns pairs (i, j) of children equal on both sides whose hash
// occurs once among the old ones and once among the new ones: the longest
// list of such pairs increasing on both sides.
func (m *middle) anchors() [][2]int {
	type seen struct{ i, j, nOld, nNew int }
	byHash := make(map[uint64]*seen, len(m.ho))
	for i, h := range m.ho {
		s := byHash[h]
		if s == nil {
			s = &seen{}
			byHash[h] = s
		}
		s.i, s.nOld = i, s.nOld+1
	}
	for j, h := range m.hn {
		if s := byHash[h]; s != nil {
			s.j, s.nNew = j, s.nNew+1
		}
	}
	var pairs [][2]int // in old order
	for i, h := range m.ho {
		if s := byHash[h]; s.nOld == 1 && s.nNew == 1 && m.weight(i, s.j) == 2 {
			pairs = append(pairs, [2]int{i, s.j})
		}
	}
	return longestIncreasing(pairs)
}

// longestIncreasing returns the longest subsequence of pairs, which are in
// increasing order of their first element, whose second elements increase
// too (patience sorting, O(n log n)).
func longestIncreasing(pairs [][2]int) [][2]int {
	if len(pairs) == 0 {
		return nil
	}
	tails := []int{}                // tails[l]: index in pairs of the smallest tail of a run of length l+1
	prev := make([]int, len(pairs)) // the run's previous pair
	for p, x := range pairs {
		l, _ := slices.BinarySearchFunc(tails, x[1], func(t, v int) int { return pairs[t][1] - v })
		if l > 0 {
			prev[p] = tails[l-1]
		} else {
			prev[p] = -1
		}
		if l == len(tails) {
			tails = append(tails, p)
		} else {
			tails[l] = p
		}
	}
	out := make([][2]int, len(tails))
	for p, l := tails[len(tails)-1], len(tails)-1; l >= 0; p, l = prev[p], l-1 {
		out[l] = pairs[p]
	}
	return out
}
