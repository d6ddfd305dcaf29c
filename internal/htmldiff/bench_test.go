package htmldiff

import (
	"html"
	"strconv"
	"strings"
	"testing"

	"github.com/templive/templive/internal/protocol"
)

// The benchmark documents stand for renders of a real page. Each generator
// writes HTML the way templ does (static strings and escaped values into a
// buffer), with none of templ's per-component overhead, so BenchmarkRender
// is a lower bound of a templ render: the same 1,000-row table rendered by
// a templ v0.3.977 component took about 2.5 times as long on the machine
// these were first measured on.

func counterPage(n int) string {
	var b strings.Builder
	b.WriteString(`<main class="page"><h1>Counter</h1><div class="counter"><button live-click="dec">-</button><span id="count">`)
	b.WriteString(strconv.Itoa(n))
	b.WriteString(`</span><button live-click="inc">+</button></div><p class="hint">Click the buttons.</p></main>`)
	return b.String()
}

// tablePage renders rows keyed r-1..r-n in the given order; row changed
// gets a different label.
func tablePage(order []int, changed int) string {
	var b strings.Builder
	b.Grow(len(order) * 150)
	b.WriteString(`<table class="table"><thead><tr><th>#</th><th>Label</th><th></th></tr></thead><tbody>`)
	for _, i := range order {
		id := strconv.Itoa(i)
		b.WriteString(`<tr id="r-`)
		b.WriteString(id)
		b.WriteString(`"><td class="col-id">`)
		b.WriteString(id)
		b.WriteString(`</td><td class="col-label"><a live-click="select">`)
		label := "row " + id + " pretty red table"
		if i == changed {
			label = "edited & new"
		}
		b.WriteString(html.EscapeString(label))
		b.WriteString(`</a></td><td><button live-click="remove" live-value-id="`)
		b.WriteString(id)
		b.WriteString(`">x</button></td></tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

func rowOrder(n int, reversed bool) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
		if reversed {
			s[i] = n - i
		}
	}
	return s
}

// articlePage renders a ~100 KB article; paragraph edited gets one more
// sentence.
func articlePage(edited int) string {
	var b strings.Builder
	b.Grow(110_000)
	b.WriteString(`<header class="site"><nav><a href="/">Home</a> <a href="/blog">Blog</a> <a href="/about">About</a></nav></header><article id="post"><h1>On diffing trees</h1>`)
	for s := 0; s < 66; s++ {
		b.WriteString(`<section id="s-`)
		b.WriteString(strconv.Itoa(s))
		b.WriteString(`"><h2>Section `)
		b.WriteString(strconv.Itoa(s))
		b.WriteString("</h2>\n")
		for p := 0; p < 5; p++ {
			n := s*5 + p
			b.WriteString("<p>The server keeps the last render of each view and compares it with the next one, ")
			b.WriteString("<em>node by node</em>, so that only what changed travels to the browser. See <a href=\"/notes/")
			b.WriteString(strconv.Itoa(n))
			b.WriteString("\">note ")
			b.WriteString(strconv.Itoa(n))
			b.WriteString("</a> and the <code>htmldiff</code> package for the details of paths and anchors.")
			if n == edited {
				b.WriteString(" This sentence was added by an edit.")
			}
			b.WriteString("</p>\n")
		}
		b.WriteString(`<ul><li>first point</li><li>second <strong>point</strong></li><li>third point</li></ul></section>`)
	}
	b.WriteString(`</article><footer class="site"><p>&copy; templive</p></footer>`)
	return b.String()
}

type benchCase struct {
	name           string
	before, after  func() string
	wantMaxPatchSz int
}

var benchCases = []benchCase{
	{"counter", func() string { return counterPage(1) }, func() string { return counterPage(2) }, 100},
	{"table1000-one-cell", func() string { return tablePage(rowOrder(1000, false), 0) }, func() string { return tablePage(rowOrder(1000, false), 500) }, 100},
	{"table1000-reversed", func() string { return tablePage(rowOrder(1000, false), 0) }, func() string { return tablePage(rowOrder(1000, true), 0) }, 0},
	{"article100k-one-paragraph", func() string { return articlePage(-1) }, func() string { return articlePage(101) }, 200},
}

func BenchmarkDiff(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			from, to := mustParse(b, bc.before()), mustParse(b, bc.after())
			ops := Diff(nil, from, to)
			encoded := protocol.AppendOps(nil, ops)
			b.ReportAllocs()
			for b.Loop() {
				ops = Diff(ops[:0], from, to)
			}
			b.ReportMetric(float64(len(encoded)), "patch-bytes")
		})
	}
}

// BenchmarkDiffEncode is Diff plus protocol.AppendOps: what a patch costs the view
// goroutine once the new render is parsed.
func BenchmarkDiffEncode(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			from, to := mustParse(b, bc.before()), mustParse(b, bc.after())
			var ops []protocol.Op
			var buf []byte
			b.ReportAllocs()
			for b.Loop() {
				ops = Diff(ops[:0], from, to)
				buf = protocol.AppendOps(buf[:0], ops)
			}
			b.ReportMetric(float64(len(buf)), "patch-bytes")
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			src := []byte(bc.after())
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRender is the cost of producing the after document's HTML, a
// stand-in for a templ render, to compare Parse and Diff with.
func BenchmarkRender(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = bc.after()
			}
		})
	}
}

// TestBenchCasePatchSizes keeps the benchmark documents honest: a small
// edit in a big page gives a small patch.
func TestBenchCasePatchSizes(t *testing.T) {
	for _, bc := range benchCases {
		ops := checkDiff(t, bc.before(), bc.after())
		n := len(protocol.AppendOps(nil, ops))
		if bc.wantMaxPatchSz > 0 && n > bc.wantMaxPatchSz {
			t.Errorf("%s: patch is %d bytes, want at most %d: %s", bc.name, n, bc.wantMaxPatchSz, protocol.AppendOps(nil, ops))
		}
		t.Logf("%s: %d bytes, %d ops, %d bytes of HTML", bc.name, n, len(ops), len(bc.after()))
	}
}
