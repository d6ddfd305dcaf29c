package htmldiff

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// items lists the element children of the element with that id as
// "id:text" strings.
func items(t testing.TB, root *html.Node, id string) string {
	t.Helper()
	n := findID(root, id)
	if n == nil {
		t.Fatalf("no #%s in %s", id, renderString(root))
	}
	var out []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			out = append(out, getID(c)+":"+textOf(c))
		}
	}
	return strings.Join(out, " ")
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

func renderString(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		html.Render(&b, c)
	}
	return b.String()
}

// streamRender is one render of a page with a stream container.
func streamRender(mode, meta, children, after string) string {
	m := ""
	if meta != "" {
		m = fmt.Sprintf(` live-stream='%s'`, meta)
	}
	return fmt.Sprintf(`<h1>Feed</h1><ul id="s" live-update="%s"%s>%s</ul><p id="n">%s</p>`, mode, m, children, after)
}

// TestStreamRenders follows a page through renders: the client's tree,
// patched with the Doc's ops (through JSON, as on the wire), shows every
// batch applied in turn, while the Doc keeps only the last batch.
func TestStreamRenders(t *testing.T) {
	type step struct {
		meta, children, after string
		want                  string // the container's items on the client
	}
	tests := []struct {
		mode  string
		steps []step
	}{
		{"stream", []step{
			{"", `<li id="a">a</li><li id="b">b</li>`, "2", "a:a b:b"},
			{"", `<li id="c">c</li>`, "3", "a:a b:b c:c"},
			{`{"a":{"d":0}}`, `<li id="d">d</li>`, "4", "d:d a:a b:b c:c"},
			{`{"a":{"x":2}}`, `<li id="x">x</li>`, "5", "d:d a:a x:x b:b c:c"},
			{`{"d":["b","gone"]}`, `<li id="a">A</li>`, "4", "d:d a:A x:x c:c"},
			{`{"l":-2}`, `<li id="e">e</li>`, "5", "c:c e:e"},
			{`{"l":3,"a":{"f":0,"g":0}}`, `<li id="f">f</li><li id="g">g</li>`, "5", "g:g f:f c:c"},
			{"", "", "5", "g:g f:f c:c"},
			{`{"r":true}`, `<li id="h">h</li>`, "1", "h:h"},
			{`{"r":true}`, "", "0", ""},
			{"not json", `<li id="i">i</li>`, "1", "i:i"},
		}},
		{"append", []step{
			{"", `<li id="a">a</li><li id="b">b</li>`, "", "a:a b:b"},
			{"", `<li id="b">B</li><li id="c">c</li>`, "", "a:a b:B c:c"},
			{"", `<li id="c">c</li>`, "", "a:a b:B c:c"},
		}},
		{"prepend", []step{
			{"", `<li id="a">a</li>`, "", "a:a"},
			{"", `<li id="b">b</li><li id="c">c</li>`, "", "b:b c:c a:a"},
			{"", `<li id="a">A</li>`, "", "b:b c:c a:A"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			first := streamRender(tt.mode, tt.steps[0].meta, tt.steps[0].children, tt.steps[0].after)
			doc := mustDoc(t, first)
			client := mustParse(t, first)
			for i, s := range tt.steps[1:] {
				src := streamRender(tt.mode, s.meta, s.children, s.after)
				ops, err := doc.Update(nil, []byte(src))
				if err != nil {
					t.Fatal(err)
				}
				wire, err := protocol.DecodeOps(protocol.AppendOps(nil, ops))
				if err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
				if err := Apply(client, wire); err != nil {
					t.Fatalf("step %d: %v\nops %s", i+1, err, protocol.AppendOps(nil, ops))
				}
				if got := items(t, client, "s"); got != s.want {
					t.Errorf("step %d: the client shows %q, want %q\nops %s", i+1, got, s.want, protocol.AppendOps(nil, ops))
				}
				if got := textOf(findID(client, "n")); got != s.after {
					t.Errorf("step %d: #n shows %q, want %q", i+1, got, s.after)
				}
				if len(doc.Bytes()) != len(src) {
					t.Errorf("step %d: the Doc keeps %d bytes for a render of %d", i+1, len(doc.Bytes()), len(src))
				}
			}
		})
	}
}

// TestStreamOpsCarryNoHistory: an insert into a long stream is one small
// op, whatever the client holds.
func TestStreamOpsCarryNoHistory(t *testing.T) {
	doc := mustDoc(t, streamRender("stream", "", "", "0"))
	for i := range 1000 {
		src := streamRender("stream", "", fmt.Sprintf(`<li id="m%d">message %d</li>`, i, i), fmt.Sprint(i))
		ops, err := doc.Update(nil, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		enc := protocol.AppendOps(nil, ops)
		if len(ops) > 2 || ops[0].Kind != protocol.OpStream || len(enc) > 100 {
			t.Fatalf("insert %d: ops %s", i, enc)
		}
	}
}

// TestStreamMorphKeepsItems: a morph around a stream container (a resync,
// or a subtree whose ops outweigh its HTML) keeps the client's items and
// applies the container's children as a batch.
func TestStreamMorphKeepsItems(t *testing.T) {
	client := mustParse(t, `<div id="w"><ul id="s" live-update="stream"><li id="a">a</li><li id="b">b</li></ul></div>`)
	root := `<div id="w" class="x"><ul id="s" live-update="stream" live-stream='{"d":["a"],"a":{"c":0}}'><li id="c">c</li></ul></div>`
	if err := Apply(client, []protocol.Op{{Kind: protocol.OpMorph, Path: []int{}, Data: root}}); err != nil {
		t.Fatal(err)
	}
	if got := items(t, client, "s"); got != "c:c b:b" {
		t.Errorf("after a root morph the stream shows %q, want %q", got, "c:c b:b")
	}
	sub := `<div id="w"><ul id="s" live-update="stream"><li id="d">d</li></ul></div>`
	if err := Apply(client, []protocol.Op{{Kind: protocol.OpMorph, Path: []int{0}, Data: sub}}); err != nil {
		t.Fatal(err)
	}
	if got := items(t, client, "s"); got != "c:c b:b d:d" {
		t.Errorf("after a morph of its parent the stream shows %q, want %q", got, "c:c b:b d:d")
	}
}

// TestStreamOpOnText: a stream op names an element; on a text node it is
// drift. (Its wire form is internal/protocol's TestStreamOpJSON.)
func TestStreamOpOnText(t *testing.T) {
	if err := Apply(mustParse(t, "<p>x</p>"), []protocol.Op{{Kind: protocol.OpStream, Path: []int{0, 0}, Stream: &protocol.StreamOp{}}}); err == nil {
		t.Error("a stream op on a text node applied")
	}
}

// TestStreamBatchFixture applies testdata/stream/batches.json, which
// js/test/stream.test.js applies in the client too.
func TestStreamBatchFixture(t *testing.T) {
	raw, err := os.ReadFile("testdata/stream/batches.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Before string
		Steps  []struct {
			Ops   json.RawMessage
			After string
		}
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	root := mustParse(t, fx.Before)
	for i, s := range fx.Steps {
		ops, err := protocol.DecodeOps(s.Ops)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if err := Apply(root, ops); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if ok, where := Equal(root, mustParse(t, s.After)); !ok {
			t.Fatalf("step %d: the tree differs %s\ngot  %s\nwant %s", i, where, renderString(root), s.After)
		}
	}
}

// TestStreamLimitAlone: a new limit is sent on its own, and a limit that
// did not change is not sent again.
func TestStreamLimitAlone(t *testing.T) {
	doc := mustDoc(t, streamRender("stream", `{"l":-5}`, `<li id="a">a</li>`, "1"))
	ops, _ := doc.Update(nil, []byte(streamRender("stream", `{"l":-5}`, "", "2")))
	if len(ops) != 1 || ops[0].Kind != protocol.OpText {
		t.Fatalf("an unchanged limit: ops %s", protocol.AppendOps(nil, ops))
	}
	ops, _ = doc.Update(nil, []byte(streamRender("stream", `{"l":3}`, "", "2")))
	if len(ops) != 1 || ops[0].Kind != protocol.OpStream || ops[0].Stream.Limit != 3 {
		t.Fatalf("a new limit: ops %s", protocol.AppendOps(nil, ops))
	}
}
