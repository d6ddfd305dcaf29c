package htmldiff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/templive/templive/internal/protocol"
)

// docStats counts how the updates of a test went.
type docStats struct {
	updates, regions, sameOps int
}

func (s docStats) String() string {
	return fmt.Sprintf("%d updates, %d incremental, %d with the ops of a whole Diff", s.updates, s.regions, s.sameOps)
}

// checkUpdate updates d to src and checks the Doc's contract: its tree is
// the tree Parse builds for src, the ops turn the last tree into it (also
// through JSON), and its spans and id counts are right.
func checkUpdate(t testing.TB, d *Doc, src string, st *docStats) []protocol.Op {
	t.Helper()
	if strings.Contains(string(d.Bytes()), protocol.AttrUpdate) || strings.Contains(src, protocol.AttrUpdate) {
		t.Skip("stream container") // see stream_test.go
	}
	prevSrc := string(d.Bytes())
	prev := mustParse(t, prevSrc)
	regions := d.regions
	ops, err := d.Update(nil, []byte(src))
	if err != nil {
		t.Fatalf("Update(%q -> %q): %v", prevSrc, src, err)
	}
	want := mustParse(t, src)
	if diff := sameTree(d.Tree(), want); diff != "" {
		t.Fatalf("Update(%q -> %q): the tree differs from Parse %s", prevSrc, src, diff)
	}
	if string(d.Bytes()) != src {
		t.Fatalf("Update(%q -> %q): Bytes() = %q", prevSrc, src, d.Bytes())
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
			t.Fatalf("Update(%q -> %q): id counts %v, want %v", prevSrc, src, d.ids, ids)
		}
	}
	applied := mustParse(t, prevSrc)
	if err := Apply(applied, ops); err != nil {
		t.Fatalf("Update(%q -> %q): Apply: %v\nops: %s", prevSrc, src, err, protocol.AppendOps(nil, ops))
	}
	if ok, where := Equal(applied, want); !ok {
		t.Fatalf("Update(%q -> %q): the ops give a tree that differs %s\nops: %s", prevSrc, src, where, protocol.AppendOps(nil, ops))
	}
	for i, op := range ops {
		rootMorph := op.Kind == protocol.OpMorph && op.Target == "" && len(op.Path) == 0
		if (op.Kind == protocol.OpInsert || op.Kind == protocol.OpMorph) && !rootMorph && !strings.HasPrefix(op.Data, "<") {
			t.Fatalf("Update(%q -> %q): op %d carries text as HTML: %s", prevSrc, src, i, protocol.AppendOps(nil, ops[i:i+1]))
		}
	}
	if validOps(ops) {
		dec, err := protocol.DecodeOps(protocol.AppendOps(nil, ops))
		if err != nil {
			t.Fatalf("DecodeOps(AppendOps(ops)): %v", err)
		}
		again := mustParse(t, prevSrc)
		if err := Apply(again, dec); err != nil {
			t.Fatalf("Update(%q -> %q): Apply(decoded ops): %v", prevSrc, src, err)
		}
		if ok, where := Equal(again, want); !ok {
			t.Fatalf("Update(%q -> %q): decoded ops give a tree that differs %s", prevSrc, src, where)
		}
	}
	if st != nil {
		st.updates++
		if d.regions > regions {
			st.regions++
		}
		if whole := Diff(nil, prev, want); firstOpDifference(whole, ops) < 0 {
			st.sameOps++
		}
	}
	return ops
}

func mustDoc(t testing.TB, src string) *Doc {
	t.Helper()
	d, err := NewDoc([]byte(src))
	if err != nil {
		t.Fatalf("NewDoc(%q): %v", src, err)
	}
	if diff := sameTree(d.Tree(), mustParse(t, src)); diff != "" {
		t.Fatalf("NewDoc(%q): the tree differs from Parse %s", src, diff)
	}
	return d
}

func TestDocUpdate(t *testing.T) {
	tests := []struct {
		name   string
		before string
		after  []string
		region bool // every update is incremental
		want   []string
	}{
		{"text", `<p id="a">x</p><p>y</p>`, []string{`<p id="a">xz</p><p>y</p>`}, true,
			[]string{`[[0,"a",[0],"xz"]]`}},
		{"attribute", `<ul><li class="a">x</li><li>y</li></ul>`, []string{`<ul><li class="b">x</li><li>y</li></ul>`}, true,
			[]string{`[[1,"",[0,0],"class","b"]]`}},
		{"insert after", `<ul><li>a</li><li>b</li></ul>`, []string{`<ul><li>a</li><li>c</li><li>b</li></ul>`}, true,
			[]string{`[[3,"",[0],1,"<li>c</li>"]]`}},
		{"insert first keyed", `<ul id="u"><li id="1">a</li></ul>`, []string{`<ul id="u"><li id="0">z</li><li id="1">a</li></ul>`}, true,
			[]string{`[[3,"u",[],0,"<li id=\"0\">z</li>"]]`}},
		{"remove", `<ul><li>a</li><li>b</li><li>c</li></ul>`, []string{`<ul><li>a</li><li>c</li></ul>`}, true,
			[]string{`[[7,"",[0,1]]]`}},
		{"text merges", `<p>a<b>b</b>c</p>`, []string{`<p>ac</p>`, `<p>a<i>i</i>c</p>`}, false, nil},
		{"same", `<p>a</p>`, []string{`<p>a</p>`}, false, []string{`[]`}},
		{"to slow and back", `<p>a</p>`, []string{`<p>a<div>b</div></p>`, `<p>a</p>`, `<p>b</p>`}, false, nil},
		{"id moves out", `<div id="a"><p id="b">x</p></div><p>y</p>`, []string{`<div id="a"><p id="b">z</p></div><p id="b">y</p>`}, false, nil},
		{"whole root", `a`, []string{`b`, ``, `<p>c</p>`}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustDoc(t, tt.before)
			for i, src := range tt.after {
				regions := d.regions
				ops := checkUpdate(t, d, src, nil)
				if tt.region && d.regions == regions {
					t.Errorf("update %d to %q was not incremental", i, src)
				}
				if i < len(tt.want) {
					if got := string(protocol.AppendOps(nil, ops)); got != tt.want[i] {
						t.Errorf("update %d to %q: ops %s, want %s", i, src, got, tt.want[i])
					}
				}
			}
		})
	}
}

// tableRow is a row of the model tableDoc renders.
type tableRow struct {
	id         int
	label, cls string
}

// tableDoc renders rows as the benchmark table does, with a class on some.
func tableDoc(rows []tableRow) string {
	var b strings.Builder
	b.WriteString(`<h1>Rows</h1><table class="table"><thead><tr><th>#</th><th>Label</th><th></th></tr></thead> <tbody>`)
	for _, r := range rows {
		id := strconv.Itoa(r.id)
		b.WriteString(`<tr id="r-` + id + `"`)
		if r.cls != "" {
			b.WriteString(` class="` + r.cls + `"`)
		}
		b.WriteString(`><td class="col-id">` + id + `</td><td class="col-label"><a live-click="select">`)
		b.WriteString(strings.ReplaceAll(r.label, "&", "&amp;"))
		b.WriteString(`</a></td><td><button live-click="remove" live-value-id="` + id + `">x</button></td></tr>`)
	}
	b.WriteString(`</tbody></table><p class="count">` + strconv.Itoa(len(rows)) + ` rows</p>`)
	return b.String()
}

// TestDocUpdateTable drives a Doc through random edits of a 1,000-row
// keyed table, the kind of change a live view makes between renders.
func TestDocUpdateTable(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	rows := make([]tableRow, 1000)
	for i := range rows {
		rows[i] = tableRow{id: i + 1, label: "row " + strconv.Itoa(i+1)}
	}
	next := len(rows) + 1
	d := mustDoc(t, tableDoc(rows))
	var st docStats
	steps := 400
	if testing.Short() {
		steps = 60
	}
	for range steps {
		switch r.IntN(10) {
		case 0, 1, 2: // edit a label
			i := r.IntN(len(rows))
			rows[i].label = []string{"edited & new", "x", "", "row " + strconv.Itoa(r.IntN(100))}[r.IntN(4)]
		case 3: // select a row
			for i := range rows {
				rows[i].cls = ""
			}
			rows[r.IntN(len(rows))].cls = "danger"
		case 4: // remove a row
			if len(rows) > 1 {
				i := r.IntN(len(rows))
				rows = slices.Delete(rows, i, i+1)
			}
		case 5: // insert a row
			i := r.IntN(len(rows) + 1)
			rows = slices.Insert(rows, i, tableRow{id: next, label: "new"})
			next++
		case 6: // swap two rows
			i, j := r.IntN(len(rows)), r.IntN(len(rows))
			rows[i], rows[j] = rows[j], rows[i]
		case 7: // duplicate an id
			rows[r.IntN(len(rows))].id = rows[r.IntN(len(rows))].id
		case 8: // reverse
			if r.IntN(4) == 0 {
				slices.Reverse(rows)
			}
		case 9: // nothing
		}
		checkUpdate(t, d, tableDoc(rows), &st)
	}
	t.Log(st)
	if st.regions < st.updates/2 {
		t.Errorf("only %d of %d updates were incremental", st.regions, st.updates)
	}
}

// TestDocUpdateBenchCases: the benchmark edits are incremental and give
// the ops of a whole Diff.
func TestDocUpdateBenchCases(t *testing.T) {
	for _, bc := range benchCases {
		t.Run(bc.name, func(t *testing.T) {
			d := mustDoc(t, bc.before())
			var st docStats
			checkUpdate(t, d, bc.after(), &st)
			checkUpdate(t, d, bc.before(), &st)
			if st.regions != 2 || st.sameOps != 2 {
				t.Errorf("%v, want 2 of each", st)
			}
		})
	}
}

// TestDocUpdateFixtures takes each fixture's pair both ways, then random
// edits of it.
func TestDocUpdateFixtures(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 4))
	var st docStats
	for _, fx := range loadFixtures(t) {
		d := mustDoc(t, fx.before)
		checkUpdate(t, d, fx.after, &st)
		checkUpdate(t, d, fx.before, &st)
		src := fx.before
		for range 20 {
			src = editHTML(r, src)
			checkUpdate(t, d, src, &st)
		}
	}
	t.Log(st)
}

// TestDocUpdateCorpus walks a Doc through the html5lib corpus, one case
// after the other, and small edits of each.
func TestDocUpdateCorpus(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 7))
	cases := loadCorpus(t)
	d := mustDoc(t, "")
	var st docStats
	for _, c := range cases {
		checkUpdate(t, d, c, &st)
		checkUpdate(t, d, editHTML(r, c), &st)
	}
	t.Log(st)
}

// TestDocUpdateRandom: random documents of the kind templ renders, each
// taken through a chain of local edits.
func TestDocUpdateRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	n := 2000
	if testing.Short() {
		n = 200
	}
	var st docStats
	for range n {
		var b strings.Builder
		wellFormedHTML(r, &b, "div", 0)
		src := b.String()
		d := mustDoc(t, src)
		for range 5 {
			src = editHTML(r, src)
			checkUpdate(t, d, src, &st)
		}
	}
	t.Log(st)
}

// editHTML makes a local edit of src: what changes between two renders of
// a template (a text, an attribute, an element added, removed or moved),
// and sometimes a cut that leaves broken markup.
func editHTML(r *rand.Rand, src string) string {
	if len(src) == 0 {
		var b strings.Builder
		wellFormedHTML(r, &b, "div", 3)
		return b.String()
	}
	i := r.IntN(len(src))
	switch r.IntN(6) {
	case 0: // replace a text
		j := strings.IndexByte(src[i:], '<')
		if j < 0 {
			j = len(src) - i
		}
		return src[:i] + []string{"z", "", "a &amp; b", " "}[r.IntN(4)] + src[i+j:]
	case 1: // insert an element before a tag
		j := strings.IndexByte(src[i:], '<')
		if j < 0 {
			return src + "<b>end</b>"
		}
		var b strings.Builder
		wellFormedHTML(r, &b, "div", 4)
		return src[:i+j] + b.String() + src[i+j:]
	case 2: // remove a whole element starting at a start tag
		j := strings.Index(src[i:], "<")
		if j < 0 || i+j+1 >= len(src) || src[i+j+1] == '/' || src[i+j+1] == '!' {
			return src
		}
		start := i + j
		name := src[start+1:]
		if k := strings.IndexAny(name, " >/"); k > 0 {
			name = name[:k]
		}
		end := strings.Index(src[start:], "</"+name+">")
		if end < 0 {
			return src
		}
		return src[:start] + src[start+end+len(name)+3:]
	case 3: // change an attribute value
		j := strings.Index(src[i:], `="`)
		if j < 0 {
			return src
		}
		k := strings.IndexByte(src[i+j+2:], '"')
		if k < 0 {
			return src
		}
		return src[:i+j+2] + []string{"k1", "c0", "", "x y"}[r.IntN(4)] + src[i+j+2+k:]
	case 4: // swap two pieces
		j := i + r.IntN(len(src)-i+1)
		k := j + r.IntN(len(src)-j+1)
		return src[:i] + src[j:k] + src[i:j] + src[k:]
	default: // cut a few bytes
		j := i + r.IntN(min(8, len(src)-i)+1)
		return src[:i] + src[j:]
	}
}

// localEdit replaces src[i:j] (clamped) with ins.
func localEdit(src string, i, j uint16, ins string) string {
	a := min(int(i), len(src))
	b := min(max(int(j), a), len(src))
	return src[:a] + ins + src[b:]
}

// editOf describes b as a local edit of a, for localEdit.
func editOf(a, b string) (uint16, uint16, string) {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	return uint16(min(p, 65535)), uint16(min(len(a)-s, 65535)), b[p : len(b)-s]
}

// FuzzDocUpdate: a Doc taken from a through two local edits (the kind of
// change between renders, which the Doc handles incrementally) keeps the
// tree Parse builds and gives ops that turn each document into the next.
func FuzzDocUpdate(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		i, j, ins := editOf(fx.before, fx.after)
		b := localEdit(fx.before, i, j, ins)
		k, l, ins2 := editOf(b, fx.before)
		f.Add(fx.before, i, j, ins, k, l, ins2)
	}
	r := rand.New(rand.NewPCG(6, 6))
	for range 200 {
		var b strings.Builder
		wellFormedHTML(r, &b, "div", 0)
		a := b.String()
		e := editHTML(r, a)
		i, j, ins := editOf(a, e)
		k, l, ins2 := editOf(e, editHTML(r, e))
		f.Add(a, i, j, ins, k, l, ins2)
	}
	f.Fuzz(func(t *testing.T, a string, i, j uint16, ins string, k, l uint16, ins2 string) {
		b := localEdit(a, i, j, ins)
		c := localEdit(b, k, l, ins2)
		for _, src := range []string{a, b, c} {
			if _, err := Parse([]byte(src)); err != nil {
				return
			}
		}
		d := mustDoc(t, a)
		checkUpdate(t, d, b, nil)
		checkUpdate(t, d, c, nil)
	})
}

// A compacted Doc makes the ops it would have made without Compact: it
// parses its bytes again, into the same tree, before its next update.
func TestDocCompact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for _, fx := range loadFixtures(t) {
		kept, compacted := mustDoc(t, fx.before), mustDoc(t, fx.before)
		src := fx.after
		for i := range 12 {
			compacted.Compact()
			if compacted.root != nil || compacted.spans != nil || compacted.ids != nil {
				t.Fatalf("%s: Compact kept the tree", fx.name)
			}
			want, err := kept.Update(nil, []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			got := checkUpdate(t, compacted, src, nil)
			if a, b := protocol.AppendOps(nil, got), protocol.AppendOps(nil, want); string(a) != string(b) {
				t.Fatalf("%s, update %d after Compact: ops %s, want %s", fx.name, i, a, b)
			}
			src = editHTML(r, src)
		}
	}
}

// A Doc made at rest makes the ops a parsed one makes, for a whole update
// and for an update of an element's content.
func TestDocAtRest(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		parsed, rest := mustDoc(t, fx.before), NewDocAtRest([]byte(fx.before))
		if rest.root != nil {
			t.Fatalf("%s: NewDocAtRest parsed", fx.name)
		}
		want, err := parsed.Update(nil, []byte(fx.after))
		if err != nil {
			t.Fatal(err)
		}
		got := checkUpdate(t, rest, fx.after, nil)
		if a, b := protocol.AppendOps(nil, got), protocol.AppendOps(nil, want); string(a) != string(b) {
			t.Fatalf("%s: ops %s, want %s", fx.name, a, b)
		}
	}
	const before, inner = `<div id="c"><p>a</p></div>`, `<p>b</p>`
	rest, parsed := NewDocAtRest([]byte(before)), mustDoc(t, before)
	got, err := rest.UpdateContent(nil, "c", []byte(inner))
	if err != nil {
		t.Fatal(err)
	}
	want, err := parsed.UpdateContent(nil, "c", []byte(inner))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := protocol.AppendOps(nil, got), protocol.AppendOps(nil, want); string(a) != string(b) || len(got) == 0 {
		t.Fatalf("content update at rest: ops %s, want %s", a, b)
	}
	if ok, diff := Equal(rest.Tree(), mustParse(t, `<div id="c"><p>b</p></div>`)); !ok {
		t.Fatalf("after UpdateContent at rest the tree is not the new render: %s", diff)
	}
}
