package htmldiff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/templive/templive/internal/protocol"
)

// blocksPage renders n blocks, each separated by ws; label is added to
// every heading (an edit of every block) and skip leaves one block out.
func blocksPage(n int, ws, label string, skip int) string {
	var b strings.Builder
	b.WriteString(`<main id="m">`)
	for i := range n {
		if i == skip {
			continue
		}
		b.WriteString(ws)
		fmt.Fprintf(&b, `<section class="block"><h2>Block %d%s</h2><p>text of block %d, a few words long</p></section>`, i, label, i)
	}
	b.WriteString(ws)
	b.WriteString(`</main>`)
	return b.String()
}

// TestLongListPatchGrowsSmoothly: past the size of the exact match
// (lcsLimit), a list that loses or gains the whitespace between its
// blocks still gets a patch that grows by about one block's edit per
// block, not one that jumps to a morph of the whole list.
func TestLongListPatchGrowsSmoothly(t *testing.T) {
	tests := []struct {
		name     string
		from, to func(n int) string
	}{
		{"whitespace gone, every block edited",
			func(n int) string { return blocksPage(n, "\n  ", "", -1) },
			func(n int) string { return blocksPage(n, "", " v2", -1) }},
		{"whitespace added, every block edited",
			func(n int) string { return blocksPage(n, "", "", -1) },
			func(n int) string { return blocksPage(n, "\n", " v2", -1) }},
		{"whitespace gone, a block removed",
			func(n int) string { return blocksPage(n, "\n  ", "", -1) },
			func(n int) string { return blocksPage(n, "", "", n/2) }},
		{"every block edited, one removed",
			func(n int) string { return blocksPage(n, "\n", "", -1) },
			func(n int) string { return blocksPage(n, "\n", " v2", n/3) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := 0
			// 200 blocks are 401 old children: far past lcsLimit for
			// every pair of lists here.
			for n := 20; n <= 200; n += 5 {
				from, to := mustParse(t, tt.from(n)), mustParse(t, tt.to(n))
				ops := Diff(nil, from, to)
				size := len(protocol.AppendOps(nil, ops))
				if err := Apply(from, ops); err != nil {
					t.Fatalf("%d blocks: apply: %v", n, err)
				}
				if ok, why := Equal(from, to); !ok {
					t.Fatalf("%d blocks: the patched tree differs: %s", n, why)
				}
				// Five more blocks add five blocks' edits: about 45 bytes
				// each here, never a whole block list (over 1,000 bytes
				// for five blocks alone).
				if prev > 0 && size-prev > 5*100 {
					t.Errorf("%d blocks: patch of %d bytes, %d more than for %d blocks", n, size, size-prev, n-5)
				}
				prev = size
			}
		})
	}
}

// BenchmarkDiffLongList diffs a list of 200 blocks, past the exact match's
// limit, that lost its whitespace and had every block edited; patch-B is
// the patch's JSON size.
func BenchmarkDiffLongList(b *testing.B) {
	for _, n := range []int{80, 200} {
		b.Run(fmt.Sprint(n, " blocks"), func(b *testing.B) {
			from, to := mustParse(b, blocksPage(n, "\n  ", "", -1)), mustParse(b, blocksPage(n, "", " v2", -1))
			var ops []protocol.Op
			b.ReportAllocs()
			for b.Loop() {
				ops = Diff(ops[:0], from, to)
			}
			b.ReportMetric(float64(len(protocol.AppendOps(nil, ops))), "patch-B")
		})
	}
}
