package htmldiff

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomHTML writes a random fragment from a vocabulary that reaches the
// parser's odd corners: tables, foreign content, templates, raw text,
// formatting elements, ids (some duplicated) and entities.
func randomHTML(r *rand.Rand, b *strings.Builder, depth int) {
	texts := []string{"a", "b c", " ", "\n  ", "x &amp; y", "&lt;i&gt;", "é", ""}
	tags := []string{"div", "p", "span", "b", "i", "a", "ul", "li", "table", "tr", "td", "tbody",
		"svg", "circle", "math", "mi", "template", "textarea", "script", "select", "option", "form", "h2", "pre", "em"}
	n := r.IntN(5)
	for range n {
		switch x := r.IntN(10); {
		case x < 3:
			b.WriteString(texts[r.IntN(len(texts))])
		case x == 3:
			fmt.Fprintf(b, "<!--%d-->", r.IntN(3))
		default:
			tag := tags[r.IntN(len(tags))]
			b.WriteString("<" + tag)
			if r.IntN(3) == 0 {
				fmt.Fprintf(b, ` id="k%d"`, r.IntN(6))
			}
			if r.IntN(3) == 0 {
				fmt.Fprintf(b, ` class="c%d"`, r.IntN(3))
			}
			if tag == "svg" && r.IntN(2) == 0 {
				b.WriteString(` viewBox="0 0 1 1" xlink:href="#x"`)
			}
			b.WriteString(">")
			if depth < 4 {
				randomHTML(r, b, depth+1)
			}
			if r.IntN(8) > 0 {
				b.WriteString("</" + tag + ">")
			}
		}
	}
}

// mutate returns src with a few random edits: the kind of change between
// two renders of one template, and some that are not.
func mutate(r *rand.Rand, src string) string {
	for range 1 + r.IntN(3) {
		switch r.IntN(4) {
		case 0: // cut a piece out
			if len(src) > 0 {
				i := r.IntN(len(src))
				j := i + r.IntN(min(20, len(src)-i)+1)
				src = src[:i] + src[j:]
			}
		case 1: // insert a random piece
			var b strings.Builder
			randomHTML(r, &b, 3)
			i := r.IntN(len(src) + 1)
			src = src[:i] + b.String() + src[i:]
		case 2: // change a text or id
			src = strings.Replace(src, []string{"a", "k1", "c0", "b c"}[r.IntN(4)], []string{"z", "k2", "c2", "q"}[r.IntN(4)], 1)
		case 3: // swap two halves (a reorder)
			i := r.IntN(len(src) + 1)
			src = src[i:] + src[:i]
		}
	}
	return src
}

func TestDiffRandomTrees(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	n := 10000
	if testing.Short() {
		n = 1000
	}
	for range n {
		var b strings.Builder
		randomHTML(r, &b, 0)
		a := b.String()
		checkDiff(t, a, mutate(r, a))
	}
}
