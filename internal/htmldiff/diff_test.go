package htmldiff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

func TestDiffTargets(t *testing.T) {
	tests := []struct {
		name, before, after, want string
	}{
		{"innermost unique id",
			`<div id="o"><div id="i"><p>a</p></div></div>`,
			`<div id="o"><div id="i"><p>b</p></div></div>`,
			`[[0,"i",[0,0],"b"]]`},
		{"duplicate id falls back to the enclosing one",
			`<div id="o"><div id="d"><p>a</p></div><span id="d"></span></div>`,
			`<div id="o"><div id="d"><p>b</p></div><span id="d"></span></div>`,
			`[[0,"o",[0,0,0],"b"]]`},
		{"id duplicated only in the new tree",
			`<p id="x">a</p>`,
			`<p id="x">b</p><p id="x">c</p>`,
			`[[3,"",[],1,"<p id=\"x\">c</p>"],[0,"",[0,0],"b"]]`},
		{"id inside a template is not a target",
			`<template id="t"><p id="in">a</p></template>`,
			`<template id="t"><p id="in">b</p></template>`,
			`[[0,"t",[0,0],"b"]]`},
		{"attribute ops on the target itself",
			`<button id="b" class="x">go</button>`,
			`<button id="b" class="y" disabled>go</button>`,
			`[[1,"b",[],"class","y"],[1,"b",[],"disabled",""]]`},
		{"elements with different ids are not patched into each other",
			`<div id="a"><p>x</p></div>`,
			`<div id="b"><p>x</p></div>`,
			`[[7,"",[0]],[3,"",[],0,"<div id=\"b\"><p>x</p></div>"]]`},
		{"no morph around a template (morphdom does not reach its content)",
			`<div><template>a</template></div>`,
			`<section><template>b</template></section>`,
			`[[7,"",[0]],[3,"",[],0,"<section><template>b</template></section>"]]`},
		{"a thousand rows, one cell",
			tablePage(rowOrder(1000, false), 0),
			tablePage(rowOrder(1000, false), 500),
			`[[0,"r-500",[1,0,0],"edited & new"]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := checkDiff(t, tt.before, tt.after)
			if got := string(protocol.AppendOps(nil, ops)); got != tt.want {
				t.Errorf("Diff = %s\nwant   %s", got, tt.want)
			}
		})
	}
}

// A reversed keyed list costs one move per row but the one that stays.
func TestDiffReverseIsMoves(t *testing.T) {
	ops := checkDiff(t, tablePage(rowOrder(1000, false), 0), tablePage(rowOrder(1000, true), 0))
	if len(ops) != 999 {
		t.Fatalf("got %d ops, want 999 moves", len(ops))
	}
	for i, op := range ops {
		if op.Kind != protocol.OpMove {
			t.Fatalf("op %d is %s, want move", i, op.Kind)
		}
	}
}

// Random edits of keyed lists: the property holds, and a pure permutation
// costs the minimum number of moves (length minus longest increasing
// subsequence).
func TestDiffRandomKeyedLists(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	item := func(id int, edited bool) string {
		s := fmt.Sprintf(`<li id="k%d">item %d</li>`, id, id)
		if edited {
			s = fmt.Sprintf(`<li id="k%d" class="e">item %d!</li>`, id, id)
		}
		return s
	}
	render := func(ids []int, edited map[int]bool, extras bool) string {
		var b strings.Builder
		b.WriteString("<ul>")
		for i, id := range ids {
			if extras && i%5 == 2 {
				b.WriteString("<li>no key</li>\n")
			}
			b.WriteString(item(id, edited[id]))
		}
		b.WriteString("</ul>")
		return b.String()
	}
	for round := range 300 {
		n := 1 + r.IntN(40)
		old := r.Perm(n)
		perm := slices.Clone(old)
		r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		if round%3 == 0 {
			// Only a few moves, the common case.
			perm = slices.Clone(old)
			for range 1 + r.IntN(3) {
				i, j := r.IntN(n), r.IntN(n)
				v := perm[i]
				perm = slices.Insert(slices.Delete(perm, i, i+1), min(j, len(perm)-1), v)
			}
		}
		ops := checkDiff(t, render(old, nil, false), render(perm, nil, false))
		pos := make(map[int]int, n)
		for i, id := range old {
			pos[id] = i
		}
		seq := make([]int, n)
		for i, id := range perm {
			seq[i] = pos[id]
		}
		if want := n - lisLength(seq); len(ops) != want {
			t.Fatalf("permutation %v -> %v: %d ops, want %d moves: %s", old, perm, len(ops), want, protocol.AppendOps(nil, ops))
		}

		// Now remove some, add some, edit some, mix in unkeyed items.
		var next []int
		for _, id := range perm {
			if r.IntN(5) > 0 {
				next = append(next, id)
			}
		}
		for range r.IntN(5) {
			next = slices.Insert(next, r.IntN(len(next)+1), 100+r.IntN(100))
		}
		edited := map[int]bool{}
		for range r.IntN(4) {
			edited[r.IntN(n)] = true
		}
		checkDiff(t, render(old, nil, round%2 == 0), render(next, edited, round%4 == 0))
	}
}

func lisLength(seq []int) int {
	var tails []int
	for _, v := range seq {
		i, _ := slices.BinarySearch(tails, v)
		if i == len(tails) {
			tails = append(tails, v)
		} else {
			tails[i] = v
		}
	}
	return len(tails)
}

// Long unkeyed lists take the greedy matcher; it must stay correct and
// keep edits local.
func TestDiffLongUnkeyedLists(t *testing.T) {
	var a, b strings.Builder
	for i := range 400 {
		fmt.Fprintf(&a, "<p>para %d</p>\n", i)
		switch {
		case i == 100:
			fmt.Fprintf(&b, "<h2>new heading</h2>\n<p>para %d</p>\n", i)
		case i == 200:
			// removed
		case i == 300:
			fmt.Fprintf(&b, "<div>replaced %d</div>\n", i)
		default:
			fmt.Fprintf(&b, "<p>para %d</p>\n", i)
		}
	}
	ops := checkDiff(t, a.String(), b.String())
	if len(ops) > 6 {
		t.Errorf("%d ops for three local edits: %s", len(ops), protocol.AppendOps(nil, ops))
	}
}

func TestDiffAppendsToDst(t *testing.T) {
	dst := []protocol.Op{{Kind: protocol.OpRemove, Target: "keep"}}
	ops := Diff(dst, mustParse(t, `<p>a</p>`), mustParse(t, `<p>b</p>`))
	if len(ops) != 2 || ops[0].Target != "keep" || ops[1].Kind != protocol.OpText {
		t.Errorf("Diff(dst, ...) = %+v, want dst's op then one text op", ops)
	}
}

func TestDiffLeavesTreesAlone(t *testing.T) {
	from, to := mustParse(t, fixtureSrc(t, "keyed-insert-remove", "before.html")), mustParse(t, fixtureSrc(t, "keyed-insert-remove", "after.html"))
	fromHTML, _ := InnerHTML(from)
	toHTML, _ := InnerHTML(to)
	Diff(nil, from, to)
	if got, _ := InnerHTML(from); got != fromHTML {
		t.Errorf("Diff changed from: %s", got)
	}
	if got, _ := InnerHTML(to); got != toHTML {
		t.Errorf("Diff changed to: %s", got)
	}
}

// Diffing an unchanged render is the most common call: it must not
// allocate.
func TestDiffUnchangedAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop its items, so Diff allocates")
	}
	src := tablePage(rowOrder(200, false), 0)
	from, to := mustParse(t, src), mustParse(t, src)
	var ops []protocol.Op
	allocs := testing.AllocsPerRun(20, func() {
		ops = Diff(ops[:0], from, to)
	})
	if len(ops) != 0 || allocs != 0 {
		t.Errorf("unchanged 200-row table: %d ops, %.0f allocations per Diff, want 0 and 0", len(ops), allocs)
	}
}

func TestDiffConcurrent(t *testing.T) {
	from, to := mustParse(t, tablePage(rowOrder(50, false), 0)), mustParse(t, tablePage(rowOrder(50, true), 7))
	want := string(protocol.AppendOps(nil, Diff(nil, from, to)))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if got := string(protocol.AppendOps(nil, Diff(nil, from, to))); got != want {
					t.Errorf("concurrent Diff gave a different patch")
					return
				}
			}
		})
	}
	wg.Wait()
}

func fixtureSrc(t *testing.T, name, file string) string {
	t.Helper()
	for _, fx := range loadFixtures(t) {
		if fx.name == name {
			if file == "before.html" {
				return fx.before
			}
			return fx.after
		}
	}
	t.Fatalf("no fixture %s", name)
	return ""
}

// Past a few targets the differ indexes every id instead of scanning: the
// answers must not change.
func TestDiffManyTargets(t *testing.T) {
	row := func(id string, v int) string {
		return fmt.Sprintf(`<tr id="%s"><td>%d</td></tr>`, id, v)
	}
	var a, b strings.Builder
	var want []string
	a.WriteString("<table>")
	b.WriteString("<table>")
	for i := range 30 {
		id := fmt.Sprintf("r%d", i)
		if i%10 == 9 {
			id = "dup" // three rows share it: never a target
		}
		a.WriteString(row(id, i))
		b.WriteString(row(id, i+100))
		if id == "dup" {
			want = append(want, fmt.Sprintf(`[0,"",[0,0,%d,0,0],"%d"]`, i, i+100))
		} else {
			want = append(want, fmt.Sprintf(`[0,"%s",[0,0],"%d"]`, id, i+100))
		}
	}
	ops := checkDiff(t, a.String(), b.String())
	if got := string(protocol.AppendOps(nil, ops)); got != "["+strings.Join(want, ",")+"]" {
		t.Errorf("Diff = %s\nwant   [%s]", got, strings.Join(want, ","))
	}
}

// Parse never puts raw or doctype nodes in a fragment, but a hand-built
// tree may: Diff sends what the serializer makes of them.
func TestDiffRawNode(t *testing.T) {
	to := mustParse(t, "")
	to.AppendChild(&html.Node{Type: html.RawNode, Data: "<b>raw</b>"})
	ops := Diff(nil, mustParse(t, ""), to)
	if got := string(protocol.AppendOps(nil, ops)); got != `[[3,"",[],0,"<b>raw</b>"]]` {
		t.Errorf("Diff = %s", got)
	}
}
