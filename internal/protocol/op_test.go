package protocol

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Every kind's wire shape, as docs/protocol.md spells it.
var wireShapes = []struct {
	op   Op
	json string
}{
	{Op{Kind: OpText, Target: "count", Path: []int{0}, Data: "2"}, `[0,"count",[0],"2"]`},
	{Op{Kind: OpAttr, Path: []int{1, 2}, Name: "class", Data: "on"}, `[1,"",[1,2],"class","on"]`},
	{Op{Kind: OpUnattr, Target: "b", Path: []int{}, Name: "disabled"}, `[2,"b",[],"disabled"]`},
	{Op{Kind: OpInsert, Path: []int{0}, Index: 3, Data: `<li id="x">x</li>`}, `[3,"",[0],3,"<li id=\"x\">x</li>"]`},
	{Op{Kind: OpInsertText, Path: []int{0}, Index: 0, Data: "<b>"}, `[4,"",[0],0,"<b>"]`},
	{Op{Kind: OpInsertComment, Path: []int{}, Index: 1, Data: " c "}, `[5,"",[],1," c "]`},
	{Op{Kind: OpInsertElement, Path: []int{}, Index: 0, Name: "use", NS: "svg", Attrs: []html.Attribute{{Key: "class", Val: "i"}, {Namespace: "xlink", Key: "href", Val: "#a"}}},
		`[6,"",[],0,"use","svg",[["class","i"],["href","#a","xlink"]]]`},
	{Op{Kind: OpInsertElement, Path: []int{2}, Index: 1, Name: "form"}, `[6,"",[2],1,"form","",[]]`},
	{Op{Kind: OpRemove, Target: "list", Path: []int{4}}, `[7,"list",[4]]`},
	{Op{Kind: OpMove, Target: "list", Path: []int{}, Index: 5, To: 0}, `[8,"list",[],5,0]`},
	{Op{Kind: OpMorph, Path: []int{0}, Data: "<h3>t</h3>"}, `[9,"",[0],"<h3>t</h3>"]`},
}

func TestAppendOpsShapes(t *testing.T) {
	for _, tt := range wireShapes {
		t.Run(tt.op.Kind.String(), func(t *testing.T) {
			got := string(AppendOps(nil, []Op{tt.op}))
			if want := "[" + tt.json + "]"; got != want {
				t.Errorf("AppendOps = %s, want %s", got, want)
			}
			ops, err := DecodeOps([]byte("[" + tt.json + "]"))
			if err != nil {
				t.Fatalf("DecodeOps: %v", err)
			}
			if firstOpDifference(ops, []Op{tt.op}) >= 0 {
				t.Errorf("DecodeOps = %+v, want %+v", ops[0], tt.op)
			}
		})
	}
	all := make([]Op, len(wireShapes))
	var want []string
	for i, tt := range wireShapes {
		all[i] = tt.op
		want = append(want, tt.json)
	}
	if got := string(AppendOps([]byte("x"), all)); got != "x["+strings.Join(want, ",")+"]" {
		t.Errorf("AppendOps of all shapes after a prefix = %s", got)
	}
	if got := string(AppendOps(nil, nil)); got != "[]" {
		t.Errorf("AppendOps(nil) = %s, want []", got)
	}
}

func TestAppendOpsStrings(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "abc", `"abc"`},
		{"html stays readable", `<a href="x">&</a>`, `"<a href=\"x\">&</a>"`},
		{"backslash", `a\b`, `"a\\b"`},
		{"controls", "\n\r\t\x00\x1f\b\f", `"\n\r\t\u0000\u001f\u0008\u000c"`},
		{"del is fine raw", "\x7f", "\"\x7f\""},
		{"line separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"other unicode raw", "é😀", `"é😀"`},
		{"lone invalid byte", "a\xffb", `"a\ufffdb"`},
		{"truncated sequence is one replacement", "a\xe2\x82b", `"a\ufffdb"`},
		{"surrogate encoding is three replacements", "\xed\xa0\x80", `"\ufffd\ufffd\ufffd"`},
		{"overlong is two replacements", "\xc0\xaf", `"\ufffd\ufffd"`},
		{"truncated at the end", "x\xf0\x9f\x98", `"x\ufffd"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendOpString(nil, tt.in))
			if got != tt.want {
				t.Fatalf("appendOpString(%q) = %s, want %s", tt.in, got, tt.want)
			}
			var s string
			if err := json.Unmarshal([]byte(got), &s); err != nil {
				t.Fatalf("encoding/json rejects %s: %v", got, err)
			}
			if d := (&opDecoder{data: []byte(got)}); true {
				mine, err := d.string()
				if err != nil || mine != s {
					t.Errorf("DecodeOps's string reader gives %q, %v; encoding/json gives %q", mine, err, s)
				}
			}
		})
	}
}

func TestDecodeOpsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty input", ``, "unexpected end of input"},
		{"not an array", `{}`, "want '[' opening the op list"},
		{"trailing data", `[] []`, "trailing data"},
		{"unterminated list", `[[7,"",[]]`, "want ',' or ']'"},
		{"unknown kind", `[[11,"",[]]]`, "unknown op kind 11"},
		{"kind as string", `[["0","",[],"x"]]`, "want a non-negative integer"},
		{"negative index", `[[3,"",[],-1,"<p>"]]`, "want a non-negative integer"},
		{"fraction", `[[3,"",[],1.5,"<p>"]]`, "not an integer"},
		{"exponent", `[[8,"",[],1e2,0]]`, "not an integer"},
		{"leading zero", `[[7,"",[01]]]`, "leading zero"},
		{"huge index", `[[7,"",[99999999999]]]`, "out of range"},
		{"target not a string", `[[7,0,[]]]`, "want a string"},
		{"path not an array", `[[7,"",0]]`, "want '[' opening a path"},
		{"path of strings", `[[7,"",["0"]]]`, "want a non-negative integer"},
		{"too few for text", `[[0,"",[]]]`, "text op: missing string"},
		{"too many for text", `[[0,"",[],"a","b"]]`, "text op: too many elements"},
		{"too few for attr", `[[1,"",[],"a"]]`, "attr op: missing string"},
		{"too many for remove", `[[7,"",[],1]]`, "remove op: too many elements"},
		{"too few for move", `[[8,"",[],1]]`, "move op: missing to"},
		{"missing target", `[[7]]`, "remove op: missing target"},
		{"empty op", `[[]]`, "want a non-negative integer"},
		{"empty tag", `[[6,"",[],0,"","",[]]]`, "empty tag name"},
		{"unknown namespace", `[[6,"",[],0,"p","html",[]]]`, `unknown namespace "html"`},
		{"attrs not an array", `[[6,"",[],0,"p","",{}]]`, "opening the attribute list"},
		{"attr of one element", `[[6,"",[],0,"p","",[["a"]]]]`, "before the attribute value"},
		{"attr of four elements", `[[6,"",[],0,"p","",[["a","b","xlink","x"]]]]`, "']' closing an attribute"},
		{"unknown attr namespace", `[[6,"",[],0,"p","",[["a","b","svg"]]]]`, `unknown attribute namespace "svg"`},
		{"empty attr name", `[[6,"",[],0,"p","",[["","b"]]]]`, "empty attribute name"},
		{"raw control character", "[[0,\"\",[],\"a\nb\"]]", "control character"},
		{"invalid UTF-8", "[[0,\"\",[],\"a\xffb\"]]", "invalid UTF-8"},
		{"bad escape", `[[0,"",[],"\x"]]`, `bad escape \x`},
		{"short unicode escape", `[[0,"",[],"\u12"]]`, `bad \u escape`},
		{"unterminated string", `[[0,"",[],"abc`, "unterminated string"},
		{"null", `null`, "want '['"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := DecodeOps([]byte(tt.in))
			if err == nil {
				t.Fatalf("DecodeOps(%q) = %+v, want an error", tt.in, ops)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("DecodeOps(%q) error %q, want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestDecodeOpsAccepts(t *testing.T) {
	tests := []struct {
		name, in string
		want     Op
	}{
		{"whitespace", " [ [ 0 , \"t\" , [ 1 , 2 ] , \"x\" ] ] \n", Op{Kind: OpText, Target: "t", Path: []int{1, 2}, Data: "x"}},
		{"escapes", `[[0,"",[],"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"]]`, Op{Kind: OpText, Path: []int{}, Data: "\"\\/\b\f\n\r\té😀"}},
		{"lone surrogate", `[[0,"",[],"a\ud800b"]]`, Op{Kind: OpText, Path: []int{}, Data: "a\ufffdb"}},
		{"high surrogate then escape", `[[0,"",[],"\ud800\n"]]`, Op{Kind: OpText, Path: []int{}, Data: "\ufffd\n"}},
		{"two high surrogates", `[[0,"",[],"\ud800\ud800"]]`, Op{Kind: OpText, Path: []int{}, Data: "\ufffd\ufffd"}},
		{"raw unicode", `[[0,"",[],"é 😀"]]`, Op{Kind: OpText, Path: []int{}, Data: "é 😀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := DecodeOps([]byte(tt.in))
			if err != nil {
				t.Fatalf("DecodeOps(%q): %v", tt.in, err)
			}
			if len(ops) != 1 || firstOpDifference(ops, []Op{tt.want}) >= 0 {
				t.Errorf("DecodeOps(%q) = %+v, want [%+v]", tt.in, ops, tt.want)
			}
		})
	}
}

func TestOpKindString(t *testing.T) {
	if got := OpInsertElement.String(); got != "insertelement" {
		t.Errorf("OpInsertElement.String() = %q", got)
	}
	if got := OpKind(42).String(); got != "OpKind(42)" {
		t.Errorf("OpKind(42).String() = %q", got)
	}
	if OpMorph != 9 {
		t.Errorf("OpMorph = %d, want 9 (the wire value)", OpMorph)
	}
}

func TestStreamOpJSON(t *testing.T) {
	op := Op{Kind: OpStream, Target: "s", Path: []int{}, Stream: &StreamOp{
		Reset: true, Limit: -50, Deletes: []string{"a", `q"`},
		Inserts: []StreamItem{{ID: "m1", At: -1, HTML: `<li id="m1">x</li>`}, {At: 3, HTML: "<li>y</li>"}},
	}}
	enc := AppendOps(nil, []Op{op})
	want := `[[10,"s",[],1,-50,["a","q\""],[["m1",-1,"<li id=\"m1\">x</li>"],["",3,"<li>y</li>"]]]]`
	if string(enc) != want {
		t.Fatalf("encoded %s\nwant    %s", enc, want)
	}
	got, err := DecodeOps(enc)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*got[0].Stream) != fmt.Sprint(*op.Stream) {
		t.Errorf("decoded %+v, want %+v", *got[0].Stream, *op.Stream)
	}
	for _, bad := range []string{
		`[[10,"s",[],2,0,[],[]]]`,
		`[[10,"s",[],0,0,[1],[]]]`,
		`[[10,"s",[],0,0,[],[["a",0]]]]`,
		`[[10,"s",[],0,0,[],[["a","0","<p>"]]]]`,
		`[[10,"s",[],0,0,[]]]`,
		`[[10,"s",[],0,0,[],[],1]]`,
		`[[10,"s",[],0,"x",[],[]]]`,
	} {
		if _, err := DecodeOps([]byte(bad)); err == nil {
			t.Errorf("DecodeOps(%s) accepted it", bad)
		}
	}
}

// firstOpDifference returns the index of the first op that differs, or -1;
// nil and empty paths and attribute lists are the same.
func firstOpDifference(a, b []Op) int {
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) {
			return i
		}
		x, y := a[i], b[i]
		if x.Kind != y.Kind || x.Target != y.Target || !slices.Equal(x.Path, y.Path) ||
			x.Index != y.Index || x.To != y.To || x.Name != y.Name || x.NS != y.NS ||
			x.Data != y.Data || !slices.Equal(x.Attrs, y.Attrs) || !sameStream(x.Stream, y.Stream) {
			return i
		}
	}
	return -1
}

func sameStream(a, b *StreamOp) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Reset == b.Reset && a.Limit == b.Limit && slices.Equal(a.Deletes, b.Deletes) && slices.Equal(a.Inserts, b.Inserts)
}
