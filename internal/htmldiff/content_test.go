package htmldiff

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/templive/templive/internal/protocol"
)

// checkContent replaces the content of the element id of d with inner and
// checks the contract of UpdateContent: the Doc now holds the render with
// that content replaced, its tree is the tree Parse builds for it, its
// spans and id counts are right, and the ops turn the last tree into it
// (also through JSON). It returns the new render.
func checkContent(t testing.TB, d *Doc, id, inner string) string {
	t.Helper()
	prevSrc := string(d.Bytes())
	d.Tree()
	a, b, ok := d.content(id)
	if !ok {
		t.Fatalf("UpdateContent(%q) of %q: no content to replace", id, prevSrc)
	}
	want := prevSrc[:a] + inner + prevSrc[b:]
	ops, err := d.UpdateContent(nil, id, []byte(inner))
	if err != nil {
		t.Fatalf("UpdateContent(%q, %q) of %q: %v", id, inner, prevSrc, err)
	}
	if string(d.Bytes()) != want {
		t.Fatalf("UpdateContent(%q, %q): Bytes() = %q, want %q", id, inner, d.Bytes(), want)
	}
	wantTree := mustParse(t, want)
	if diff := sameTree(d.Tree(), wantTree); diff != "" {
		t.Fatalf("UpdateContent(%q -> %q): the tree differs from Parse %s", prevSrc, want, diff)
	}
	if d.spans != nil {
		checkSpans(t, d.Bytes(), d.Tree(), d.spans)
		ids := map[string]int32{}
		var all []string
		collectIDs(d.Tree(), &all)
		for _, id := range all {
			ids[id]++
		}
		if fmt.Sprint(ids) != fmt.Sprint(d.ids) {
			t.Fatalf("UpdateContent(%q -> %q): id counts %v, want %v", prevSrc, want, d.ids, ids)
		}
	}
	applied := mustParse(t, prevSrc)
	if err := Apply(applied, ops); err != nil {
		t.Fatalf("UpdateContent(%q -> %q): Apply: %v\nops: %s", prevSrc, want, err, protocol.AppendOps(nil, ops))
	}
	if ok, where := Equal(applied, wantTree); !ok {
		t.Fatalf("UpdateContent(%q -> %q): the ops give a tree that differs %s\nops: %s", prevSrc, want, where, protocol.AppendOps(nil, ops))
	}
	if validOps(ops) {
		dec, err := protocol.DecodeOps(protocol.AppendOps(nil, ops))
		if err != nil {
			t.Fatalf("DecodeOps(AppendOps(ops)): %v", err)
		}
		again := mustParse(t, prevSrc)
		if err := Apply(again, dec); err != nil {
			t.Fatalf("UpdateContent(%q -> %q): Apply(decoded ops): %v", prevSrc, want, err)
		}
		if ok, where := Equal(again, wantTree); !ok {
			t.Fatalf("UpdateContent(%q -> %q): decoded ops give a tree that differs %s", prevSrc, want, where)
		}
	}
	return want
}

func TestDocUpdateContent(t *testing.T) {
	const head, tail = `<main><h1 id="t">Shop</h1><div id="cart-1" live-component>`, `</div><div id="cart-2" live-component><p>two</p></div></main>`
	d := mustDoc(t, head+`<p>one <b>1</b></p>`+tail)
	steps := []string{
		`<p>one <b>2</b></p>`,                    // text
		`<p class="x">one <b>2</b></p><ul></ul>`, // attribute, element added
		`<p class="x">one <b>2</b></p><ul><li id="a">a</li><li id="b">b</li></ul>`,
		`<p class="x">one <b>2</b></p><ul><li id="b">b</li><li id="a">a</li></ul>`, // moved
		``,                        // emptied
		`text only`,               // text next to nothing
		`<div id="t">clash</div>`, // an id the page has: the ops must not use it
		`<p>unclosed`,             // more than the content: the whole document again
	}
	regions := d.regions
	for _, inner := range steps {
		if got := checkContent(t, d, "cart-1", inner); got != head+inner+tail {
			t.Fatalf("UpdateContent(%q) made %q", inner, got)
		}
	}
	if d.regions == regions {
		t.Errorf("no update of %d was incremental", len(steps))
	}
	// The last render needed the full parser: the Doc no longer knows
	// where the bytes are, and says so.
	if _, err := d.UpdateContent(nil, "cart-1", []byte("x")); !errors.Is(err, ErrNoContent) {
		t.Errorf("UpdateContent after a slow parse: %v, want ErrNoContent", err)
	}
}

func TestDocUpdateContentUnchanged(t *testing.T) {
	src := `<div id="c"><p>same</p></div>`
	d := mustDoc(t, src)
	ops, err := d.UpdateContent(nil, "c", []byte(`<p>same</p>`))
	if err != nil || len(ops) != 0 {
		t.Fatalf("UpdateContent(same content) = %v, %v; want no ops", ops, err)
	}
	if string(d.Bytes()) != src {
		t.Fatalf("Bytes() = %q", d.Bytes())
	}
}

// TestDocUpdateContentRefused: what the Doc cannot replace alone is
// refused with ErrNoContent, and the Doc is left as it was.
func TestDocUpdateContentRefused(t *testing.T) {
	tests := []struct{ name, src, id string }{
		{"no such id", `<div id="a">x</div>`, "b"},
		{"empty id", `<div id="a">x</div>`, ""},
		{"shared id", `<div id="a">x</div><div id="a">y</div>`, "a"},
		{"raw text", `<textarea id="a">x</textarea>`, "a"},
		{"pre", `<pre id="a">x</pre>`, "a"},
		{"void", `<div><input id="a"></div>`, "a"},
		{"full parser", `<table><tr><td><div id="a">x</div></td></tr></table>`, "a"}, // an implied tbody
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustDoc(t, tt.src)
			ops, err := d.UpdateContent(nil, tt.id, []byte(`<p>new</p>`))
			if !errors.Is(err, ErrNoContent) || len(ops) != 0 {
				t.Fatalf("UpdateContent = %v, %v; want ErrNoContent", ops, err)
			}
			if string(d.Bytes()) != tt.src {
				t.Fatalf("the Doc changed: %q", d.Bytes())
			}
			checkUpdate(t, d, tt.src+`<p>after</p>`, nil) // and still works
		})
	}
}

// TestDocUpdateContentElsewhere: the id is found where the bytes id="..."
// are not its attribute first (text, another attribute), and when it is
// written another way.
func TestDocUpdateContentElsewhere(t *testing.T) {
	tests := []struct{ head, tail string }{
		{`<p>id="c"</p><p title='id="c"'>t</p><div id="c">`, `</div>`},
		{`<!-- id="c" --><section><div data-x="1" id='c'>`, `</div></section>`},
		{`<div class=a id=c>`, `</div><p>z</p>`},
	}
	for _, tt := range tests {
		d := mustDoc(t, tt.head+"old"+tt.tail)
		for _, inner := range []string{"<b>new</b>", "<b>newer</b>"} {
			if got := checkContent(t, d, "c", inner); got != tt.head+inner+tt.tail {
				t.Fatalf("UpdateContent(%q) made %q", inner, got)
			}
		}
	}
}

// TestDocUpdateContentRandom: random contents of the kind templ renders,
// each taken through a chain of local edits, inside a page, interleaved
// with whole updates (which take the memory back from the Doc).
func TestDocUpdateContentRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 19))
	n := 1000
	if testing.Short() {
		n = 100
	}
	var st docStats
	contents := 0
	for range n {
		var b strings.Builder
		wellFormedHTML(r, &b, "div", 2)
		head := `<main><ul><li id="r1">one</li><li id="r2">two</li></ul><div id="wrap" live-component>`
		tail := `</div><div id="c">after ` + b.String() + `</div></main>`
		b.Reset()
		wellFormedHTML(r, &b, "div", 0)
		inner := b.String()
		d := mustDoc(t, head+inner+tail)
		for k := range 6 {
			inner = editHTML(r, inner)
			if k == 3 {
				checkUpdate(t, d, head+inner+tail, &st)
				continue
			}
			d.Tree()
			if _, _, ok := d.content("wrap"); !ok {
				// Only when the Doc does not know where the bytes are, or
				// the content holds the id too.
				if d.spans != nil && d.ids["wrap"] == 1 {
					t.Fatalf("no content to replace in %q", d.Bytes())
				}
				if _, err := d.UpdateContent(nil, "wrap", []byte(inner)); !errors.Is(err, ErrNoContent) {
					t.Fatalf("UpdateContent with no content to replace: %v", err)
				}
				checkUpdate(t, d, head+inner+tail, &st)
				continue
			}
			// On the same Doc: the renders it assembled are reused.
			checkContent(t, d, "wrap", inner)
			contents++
		}
	}
	t.Logf("%d content updates; the rest: %s", contents, st)
	if contents < n {
		t.Errorf("only %d content updates in %d pages", contents, n)
	}
}

// FuzzDocUpdateContent: whatever the page around the element and whatever
// its old and new contents, UpdateContent either refuses with
// ErrNoContent, changing nothing, or keeps the contract checkContent
// checks.
func FuzzDocUpdateContent(f *testing.F) {
	r := rand.New(rand.NewPCG(23, 29))
	for range 100 {
		var pre, in, post strings.Builder
		wellFormedHTML(r, &pre, "div", 1)
		wellFormedHTML(r, &in, "div", 1)
		wellFormedHTML(r, &post, "div", 1)
		a := in.String()
		b := editHTML(r, a)
		f.Add(pre.String(), a, b, editHTML(r, b), post.String())
	}
	f.Add(`<p id="x">`, `a`, `b</p>`, `<div id="fz">`, `</p>`)
	f.Fuzz(func(t *testing.T, pre, a, b, c, post string) {
		src := pre + `<div id="fz">` + a + `</div>` + post
		if _, err := Parse([]byte(src)); err != nil {
			return
		}
		d := mustDoc(t, src)
		for _, inner := range []string{b, c} {
			before := string(d.Bytes())
			d.Tree()
			if _, _, ok := d.content("fz"); !ok {
				if _, err := d.UpdateContent(nil, "fz", []byte(inner)); !errors.Is(err, ErrNoContent) {
					t.Fatalf("UpdateContent with no content to replace: %v", err)
				}
				if string(d.Bytes()) != before {
					t.Fatalf("a refused UpdateContent changed the Doc")
				}
				return
			}
			checkContent(t, d, "fz", inner)
		}
	})
}
