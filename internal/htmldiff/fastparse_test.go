package htmldiff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// sameTree compares two trees more strictly than Equal: attribute order and
// DataAtom too, so that Diff sees no difference at all between a tree from
// the fast builder and one from x/net/html. It returns "" or where and how
// they differ.
func sameTree(a, b *html.Node) string {
	var walk func(a, b *html.Node, path string) string
	walk = func(a, b *html.Node, path string) string {
		if a.Type != b.Type || a.DataAtom != b.DataAtom || a.Data != b.Data || a.Namespace != b.Namespace || !slices.Equal(a.Attr, b.Attr) {
			return fmt.Sprintf("at %s: %s %q %v vs %s %q %v", path, describe(a), a.Data, a.Attr, describe(b), b.Data, b.Attr)
		}
		ac, bc := a.FirstChild, b.FirstChild
		for i := 0; ac != nil || bc != nil; i++ {
			p := fmt.Sprintf("%s/%d", path, i)
			switch {
			case ac == nil:
				return "at " + p + ": missing " + describe(bc)
			case bc == nil:
				return "at " + p + ": unexpected " + describe(ac)
			}
			if ac.Parent != a || bc.Parent != b || (ac.NextSibling == nil) != (ac == a.LastChild) ||
				(ac.NextSibling != nil && ac.NextSibling.PrevSibling != ac) {
				return "at " + p + ": broken links"
			}
			if r := walk(ac, bc, p); r != "" {
				return r
			}
			ac, bc = ac.NextSibling, bc.NextSibling
		}
		return ""
	}
	return walk(a, b, "")
}

// checkSpans checks that spans describe the tree built from src: one per
// node in document order, each element's bytes starting with its start tag
// and ending with its end tag, and the children of every element the Doc
// may re-parse alone filling its content exactly.
func checkSpans(t testing.TB, src []byte, root *html.Node, spans []span) {
	t.Helper()
	i := 0
	var walk func(n *html.Node, pos int) (int, error)
	walk = func(n *html.Node, pos int) (int, error) {
		if i >= len(spans) {
			return 0, fmt.Errorf("%d spans for more nodes", len(spans))
		}
		self, sp := i, spans[i]
		i++
		end := pos + int(sp.size)
		if end > len(src) {
			return 0, fmt.Errorf("span %d ends at %d past %d", self, end, len(src))
		}
		raw := string(src[pos:end])
		switch n.Type {
		case html.ElementNode:
			if n != root && (!strings.HasPrefix(raw, "<") || raw[sp.open-1] != '>' && !(raw[sp.open-1] == '\n' && raw[sp.open-2] == '>')) {
				return 0, fmt.Errorf("span %d: element %s is %q", self, describe(n), raw)
			}
			if sp.close > 0 && (!strings.HasPrefix(raw[int(sp.size-sp.close):], "</") || !strings.HasSuffix(raw, ">")) {
				return 0, fmt.Errorf("span %d: end tag of %s in %q", self, describe(n), raw)
			}
			p := pos + int(sp.open)
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				var err error
				if p, err = walk(c, p); err != nil {
					return 0, err
				}
			}
			if descendable(n) && p != end-int(sp.close) {
				return 0, fmt.Errorf("span %d: children of %s end at %d, content at %d: %q", self, describe(n), p, end-int(sp.close), raw)
			}
		case html.CommentNode:
			if !strings.HasPrefix(raw, "<!--") || !strings.HasSuffix(raw, "-->") {
				return 0, fmt.Errorf("span %d: comment is %q", self, raw)
			}
		case html.TextNode:
			if strings.Contains(raw, "<") && !rawTextParent(n.Parent) {
				return 0, fmt.Errorf("span %d: text is %q", self, raw)
			}
		}
		if got := int32(i - self); got != sp.count {
			return 0, fmt.Errorf("span %d: count %d, subtree has %d", self, sp.count, got)
		}
		return end, nil
	}
	end, err := walk(root, 0)
	if err == nil && (end != len(src) || i != len(spans)) {
		err = fmt.Errorf("spans end at %d of %d, %d of %d used", end, len(src), i, len(spans))
	}
	if err != nil {
		t.Fatalf("spans of %q: %v", src, err)
	}
}

func rawTextParent(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript:
		return n.Namespace == ""
	}
	return false
}

// checkFastParse parses src with both builders: when the fast one takes
// it, the trees must be the same and the spans right. It reports whether
// the fast builder took it.
func checkFastParse(t testing.TB, src string) bool {
	t.Helper()
	var b builder
	fast, err := b.fastParse([]byte(src))
	if err != nil {
		if err != errSlow {
			t.Fatalf("fastParse(%q): %v", src, err)
		}
		return false
	}
	want, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("fastParse took %q, which Parse fails on: %v", src, err)
	}
	if d := sameTree(fast, want); d != "" {
		t.Fatalf("fastParse(%q) differs from Parse %s", src, d)
	}
	checkSpans(t, []byte(src), fast, b.spans)
	return true
}

func TestFastParse(t *testing.T) {
	tests := []struct {
		name, src string
		fast      bool
	}{
		{"empty", ``, true},
		{"text", `a &amp; b&lt;`, true},
		{"elements", `<div class="a" id=x><p>a<b>b</b><br>c</p></div>`, true},
		{"formatting attributes sorted", `<a z="1" b="2" href="/">x</a>`, true},
		{"attribute entities", `<p title="&#34;a&#39; &amp; &lt;b&gt;">x</p>`, true},
		{"attribute legacy entity", `<p title="&copy=1">x</p>`, false},
		{"upper case", `<DIV CLASS="A"><Span>x</sPAN></DIV>`, true},
		{"table", "<table>\n<thead><tr><th>a</th></tr></thead><tbody><!--c--><tr id=r><td>1</td></tr></tbody></table>", true},
		{"implied tbody", `<table><tr><td>1</td></tr></table>`, false},
		{"foster parenting", `<table>x<tbody></tbody></table>`, false},
		{"p closed by div", `<p><div>x</div></p>`, false},
		{"p closed by end of p", `<p>x</p><div><p>y</p></div>`, true},
		{"nested links", `<a href="1"><a href="2">x</a></a>`, false},
		{"li in div in li", `<ul><li><div><li>x</li></div></li></ul>`, false},
		{"li in ul in li", `<ul><li><ul><li>x</li></ul></li></ul>`, true},
		{"pre newline", "<pre>\nx</pre><pre>\n</pre><textarea>\n\ny</textarea>", true},
		{"raw text", `<script>if (a<b && c>d) x("</scrip")</script><style>a>b{}</style><title>a&amp;<b></title>`, true},
		{"script escape", `<script><!--<script>--></script>`, false},
		{"svg", `<svg viewbox="0 0 1 1"><clippath id=c><path d="M0"/></clippath><use xlink:href="#c"/><title>t</title></svg>`, true},
		{"svg breakout", `<svg><p>x</p></svg>`, false},
		{"math", `<math definitionurl="u"><mi>x</mi><mo>+</mo></math>`, true},
		{"comments", `<!----><!-- a - b --><!--&amp;-->`, true},
		{"odd comment", `<!-- a --->`, false},
		{"doctype", `<!DOCTYPE html><p>x</p>`, false},
		{"unclosed", `<div>x`, false},
		{"stray end", `x</div>`, false},
		{"less than in text", `a < b`, false},
		{"cr", "a\r\nb", false},
		{"select", `<select><option>a</option></select>`, false},
		{"self-closed div", `<div/>`, false},
		{"duplicate attribute", `<p a=1 a=2>x</p>`, false},
		{"void", `<img src=a.png alt=""><input type=text disabled><hr/>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkFastParse(t, tt.src); got != tt.fast {
				t.Errorf("fastParse took %q: %v, want %v", tt.src, got, tt.fast)
			}
		})
	}
}

func TestFastParseFixtures(t *testing.T) {
	took, all := 0, 0
	for _, fx := range loadFixtures(t) {
		for _, src := range []string{fx.before, fx.after} {
			all++
			if checkFastParse(t, src) {
				took++
			}
		}
	}
	for _, bc := range benchCases {
		for _, src := range []string{bc.before(), bc.after()} {
			all++
			if !checkFastParse(t, src) {
				t.Errorf("fastParse refused the benchmark page %s", bc.name)
			}
			took++
		}
	}
	t.Logf("the fast builder took %d of %d documents", took, all)
}

// TestFastParseCorpus: every html5lib case the fast builder takes, it must
// build as x/net/html does.
func TestFastParseCorpus(t *testing.T) {
	cases := loadCorpus(t)
	took := 0
	for _, c := range cases {
		if checkFastParse(t, c) {
			took++
		}
	}
	t.Logf("the fast builder took %d of %d corpus cases", took, len(cases))
}

// wellFormedHTML writes a random fragment of the kind templ renders, so
// that the fast builder takes most of them: closed elements, tables with
// all their parts, SVG, raw text, entities. Some are not well formed.
func wellFormedHTML(r *rand.Rand, b *strings.Builder, parent string, depth int) {
	texts := []string{"a", "b c", " ", "\n", "x &amp; y", "&lt;i&gt;", "é", "&#10;n", "&nbsp;", "&copy", "\nz"}
	tags := []string{"div", "p", "span", "b", "i", "a", "ul", "li", "table", "h2", "pre", "em", "section",
		"button", "form", "label", "input", "br", "img", "svg", "math", "textarea", "script", "style", "title",
		"code", "strong", "nav", "dl", "dd", "dt", "select", "option", "hr", "custom-el", "listing", "object", "nobr"}
	switch parent {
	case "table":
		for range r.IntN(3) {
			part := []string{"thead", "tbody", "tfoot", "caption", "colgroup", "tr"}[r.IntN(6)]
			fmt.Fprintf(b, "<%s>", part)
			wellFormedHTML(r, b, part, depth+1)
			fmt.Fprintf(b, "</%s>", part)
			if r.IntN(3) == 0 {
				b.WriteString("\n")
			}
		}
		return
	case "thead", "tbody", "tfoot":
		for range r.IntN(3) {
			fmt.Fprintf(b, `<tr id="r%d">`, r.IntN(4))
			wellFormedHTML(r, b, "tr", depth+1)
			b.WriteString("</tr>")
		}
		return
	case "tr":
		for range r.IntN(3) {
			cell := []string{"td", "th"}[r.IntN(2)]
			fmt.Fprintf(b, "<%s>", cell)
			if depth < 6 {
				wellFormedHTML(r, b, cell, depth+1)
			}
			fmt.Fprintf(b, "</%s>", cell)
		}
		return
	case "colgroup":
		b.WriteString(`<col span="2"> <col>`)
		return
	case "svg", "g":
		for range r.IntN(3) {
			switch r.IntN(5) {
			case 0:
				b.WriteString(`<path d="M0 0" stroke-width="2"/>`)
			case 1:
				b.WriteString(`<g clip-path="url(#c)">`)
				if depth < 6 {
					wellFormedHTML(r, b, "g", depth+1)
				}
				b.WriteString(`</g>`)
			case 2:
				b.WriteString(`<title>icon &amp; more</title>`)
			case 3:
				b.WriteString(`<use xlink:href="#i" viewbox="0 0 1 1"></use>`)
			default:
				b.WriteString(`<linearGradient id="k1"><stop offset="0"/></linearGradient>`)
			}
		}
		return
	case "math":
		b.WriteString(`<mi>x</mi><mo>=</mo><mn>1</mn>`)
		return
	case "textarea", "title":
		b.WriteString(texts[r.IntN(len(texts))])
		return
	case "script":
		b.WriteString(`if (a < b) { s = "</div>" }`)
		return
	case "style":
		b.WriteString(`p > a { color: red }`)
		return
	}
	for range r.IntN(5) {
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
				fmt.Fprintf(b, ` class="c%d" data-x='&#34;q&#34;'`, r.IntN(3))
			}
			if r.IntN(8) == 0 {
				b.WriteString(` live-click=go Hidden`)
			}
			b.WriteString(">")
			if voidTag(atom.Lookup([]byte(tag))) {
				continue
			}
			if depth < 5 {
				wellFormedHTML(r, b, tag, depth+1)
			}
			if r.IntN(30) > 0 {
				b.WriteString("</" + tag + ">")
			}
		}
	}
}

func TestFastParseRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	took := 0
	for range n {
		var b strings.Builder
		if r.IntN(4) == 0 {
			randomHTML(r, &b, 0)
		} else {
			wellFormedHTML(r, &b, "div", 0)
		}
		if checkFastParse(t, b.String()) {
			took++
		}
	}
	t.Logf("the fast builder took %d of %d random documents", took, n)
}

// FuzzFastParse: whatever the fast builder takes, it builds as x/net/html
// does, with right spans.
func FuzzFastParse(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		f.Add(fx.before)
		f.Add(fx.after)
	}
	for _, s := range fuzzSeeds {
		f.Add(s[0])
		f.Add(s[1])
	}
	for _, c := range loadCorpus(f) {
		f.Add(c)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var b strings.Builder
		wellFormedHTML(r, &b, "div", 0)
		f.Add(b.String())
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkFastParse(t, src)
	})
}
