package htmldiff

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

const (
	applyTail = `<svg><use xlink:href="#a"></use></svg><template id="tpl"><i id="inner">t</i></template>`
	applyTree = `<div id="box" class="c"><p>text<!--note--></p><ul id="list"><li>a</li><li>b</li><li>c</li></ul></div>` + applyTail
)

func TestApply(t *testing.T) {
	tests := []struct {
		name string
		ops  []protocol.Op
		want string // InnerHTML of the result, without applyTail
		tail string // when the ops change applyTail's part
	}{
		{"text", []protocol.Op{{Kind: protocol.OpText, Target: "box", Path: []int{0, 0}, Data: "<new>"}},
			`<div id="box" class="c"><p>&lt;new&gt;<!--note--></p><ul id="list"><li>a</li><li>b</li><li>c</li></ul></div>`, ""},
		{"comment data", []protocol.Op{{Kind: protocol.OpText, Target: "box", Path: []int{0, 1}, Data: "n2"}},
			`<div id="box" class="c"><p>text<!--n2--></p><ul id="list"><li>a</li><li>b</li><li>c</li></ul></div>`, ""},
		{"attr set and remove", []protocol.Op{{Kind: protocol.OpAttr, Target: "box", Name: "class", Data: `"q"`}, {Kind: protocol.OpAttr, Target: "box", Name: "title", Data: "t"}, {Kind: protocol.OpUnattr, Target: "box", Name: "id"}},
			`<div class="&#34;q&#34;" title="t"><p>text<!--note--></p><ul id="list"><li>a</li><li>b</li><li>c</li></ul></div>`, ""},
		{"move to front", []protocol.Op{{Kind: protocol.OpMove, Target: "list", Index: 2, To: 0}},
			`<div id="box" class="c"><p>text<!--note--></p><ul id="list"><li>c</li><li>a</li><li>b</li></ul></div>`, ""},
		{"move to end", []protocol.Op{{Kind: protocol.OpMove, Target: "list", Index: 0, To: 2}},
			`<div id="box" class="c"><p>text<!--note--></p><ul id="list"><li>b</li><li>c</li><li>a</li></ul></div>`, ""},
		{"insert html in context", []protocol.Op{{Kind: protocol.OpInsert, Target: "list", Index: 3, Data: "<li>d</li>x"}},
			`<div id="box" class="c"><p>text<!--note--></p><ul id="list"><li>a</li><li>b</li><li>c</li><li>d</li>x</ul></div>`, ""},
		{"inserttext is never parsed", []protocol.Op{{Kind: protocol.OpInsertText, Target: "list", Index: 0, Data: "<b>x</b>"}},
			`<div id="box" class="c"><p>text<!--note--></p><ul id="list">&lt;b&gt;x&lt;/b&gt;<li>a</li><li>b</li><li>c</li></ul></div>`, ""},
		{"insertelement and comment", []protocol.Op{{Kind: protocol.OpInsertElement, Target: "list", Index: 1, Name: "li", Attrs: []html.Attribute{{Key: "class", Val: "n"}}}, {Kind: protocol.OpInsertComment, Target: "list", Path: []int{1}, Data: "c"}},
			`<div id="box" class="c"><p>text<!--note--></p><ul id="list"><li>a</li><li class="n"><!--c--></li><li>b</li><li>c</li></ul></div>`, ""},
		{"remove", []protocol.Op{{Kind: protocol.OpRemove, Target: "list", Path: []int{1}}, {Kind: protocol.OpRemove, Path: []int{0, 0}}},
			`<div id="box" class="c"><ul id="list"><li>a</li><li>c</li></ul></div>`, ""},
		{"morph", []protocol.Op{{Kind: protocol.OpMorph, Target: "list", Path: []int{0}, Data: "<li>A</li><li>B</li>"}},
			`<div id="box" class="c"><p>text<!--note--></p><ul id="list"><li>A</li><li>B</li><li>b</li><li>c</li></ul></div>`, ""},
		{"morph the root", []protocol.Op{{Kind: protocol.OpMorph, Data: "<p>all new</p>"}}, `<p>all new</p>`, "-"},
		{"path into template content", []protocol.Op{{Kind: protocol.OpText, Target: "tpl", Path: []int{0, 0}, Data: "T"}},
			`<div id="box" class="c"><p>text<!--note--></p><ul id="list"><li>a</li><li>b</li><li>c</li></ul></div>`,
			`<svg><use xlink:href="#a"></use></svg><template id="tpl"><i id="inner">T</i></template>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := mustParse(t, applyTree)
			if err := Apply(root, tt.ops); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			got, err := InnerHTML(root)
			if err != nil {
				t.Fatal(err)
			}
			tail := tt.tail
			switch tail {
			case "":
				tail = applyTail
			case "-":
				tail = ""
			}
			if got != tt.want+tail {
				t.Errorf("got  %s\nwant %s", got, tt.want+tail)
			}
		})
	}
}

// An attr op names xlink:href by its qualified name; on an SVG element it
// is the namespaced attribute the parser builds.
func TestApplyNamespacedAttribute(t *testing.T) {
	root := mustParse(t, `<svg><use xlink:href="#a"></use></svg><p></p>`)
	ops := []protocol.Op{
		{Kind: protocol.OpAttr, Path: []int{0, 0}, Name: "xlink:href", Data: "#b"},
		{Kind: protocol.OpAttr, Path: []int{1}, Name: "xlink:href", Data: "#c"},
	}
	if err := Apply(root, ops); err != nil {
		t.Fatal(err)
	}
	use := root.FirstChild.FirstChild
	if len(use.Attr) != 1 || use.Attr[0] != (html.Attribute{Namespace: "xlink", Key: "href", Val: "#b"}) {
		t.Errorf("<use> attributes = %+v, want one xlink href #b", use.Attr)
	}
	p := root.FirstChild.NextSibling
	if len(p.Attr) != 1 || p.Attr[0] != (html.Attribute{Key: "xlink:href", Val: "#c"}) {
		t.Errorf("<p> attributes = %+v, want a plain attribute named xlink:href", p.Attr)
	}
	if err := Apply(root, []protocol.Op{{Kind: protocol.OpUnattr, Path: []int{0, 0}, Name: "xlink:href"}}); err != nil {
		t.Fatal(err)
	}
	if len(use.Attr) != 0 {
		t.Errorf("unattr xlink:href left %+v", use.Attr)
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name string
		op   protocol.Op
		want string
	}{
		{"unknown target", protocol.Op{Kind: protocol.OpRemove, Target: "nope"}, `no element with id "nope"`},
		{"target inside a template", protocol.Op{Kind: protocol.OpRemove, Target: "inner"}, `no element with id "inner"`},
		{"path too deep", protocol.Op{Kind: protocol.OpRemove, Target: "list", Path: []int{0, 0, 0}}, "has no child 0 (depth 2)"},
		{"negative path index", protocol.Op{Kind: protocol.OpRemove, Path: []int{-1}}, "has no child -1"},
		{"text on an element", protocol.Op{Kind: protocol.OpText, Target: "list", Data: "x"}, "is not a text or comment node"},
		{"attr on text", protocol.Op{Kind: protocol.OpAttr, Target: "box", Path: []int{0, 0}, Name: "a"}, "is not an element"},
		{"attr on the root", protocol.Op{Kind: protocol.OpAttr, Name: "a"}, "root's attributes"},
		{"unattr on the root", protocol.Op{Kind: protocol.OpUnattr, Name: "a"}, "root's attributes"},
		{"remove the root", protocol.Op{Kind: protocol.OpRemove}, "cannot remove the root"},
		{"insert past the end", protocol.Op{Kind: protocol.OpInsertText, Target: "list", Index: 4}, "index 4 out of range"},
		{"insert before the start", protocol.Op{Kind: protocol.OpInsert, Target: "list", Index: -1}, "index -1 out of range"},
		{"insert into text", protocol.Op{Kind: protocol.OpInsertText, Target: "box", Path: []int{0, 0}}, "is not an element"},
		{"insertelement without tag", protocol.Op{Kind: protocol.OpInsertElement, Target: "list"}, "empty tag name"},
		{"insertelement in unknown namespace", protocol.Op{Kind: protocol.OpInsertElement, Target: "list", Name: "x", NS: "xhtml"}, "unknown namespace"},
		{"insertelement empty attribute", protocol.Op{Kind: protocol.OpInsertElement, Target: "list", Name: "x", Attrs: []html.Attribute{{Val: "v"}}}, "empty attribute name"},
		{"move from nowhere", protocol.Op{Kind: protocol.OpMove, Target: "list", Index: 3, To: 0}, "has no child 3"},
		{"move to nowhere", protocol.Op{Kind: protocol.OpMove, Target: "list", Index: 0, To: 3}, "destination 3 out of range"},
		{"move in a text node", protocol.Op{Kind: protocol.OpMove, Target: "box", Path: []int{0, 0}}, "is not an element"},
		{"unknown kind", protocol.Op{Kind: 12}, "unknown op kind 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := mustParse(t, applyTree)
			before, _ := InnerHTML(root)
			err := Apply(root, []protocol.Op{{Kind: protocol.OpText, Target: "box", Path: []int{0, 0}, Data: "first"}, tt.op})
			if err == nil {
				t.Fatal("Apply succeeded, want an error")
			}
			if !errors.Is(err, ErrDrift) {
				t.Errorf("error %q does not wrap ErrDrift", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "op 1 ") {
				t.Errorf("error %q, want it to start with \"op 1 \" and contain %q", err, tt.want)
			}
			// The first op stays applied, the failing one changed nothing.
			after, _ := InnerHTML(root)
			if want := strings.Replace(before, "<p>text", "<p>first", 1); after != want {
				t.Errorf("tree after the failed op:\n%s\nwant\n%s", after, want)
			}
		})
	}
}
