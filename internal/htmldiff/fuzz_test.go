package htmldiff

import (
	"testing"

	"github.com/templive/templive/internal/protocol"
)

// fuzzSeeds are pairs the fixtures may not cover: parser corner cases
// where serialized HTML does not parse back to the same tree.
var fuzzSeeds = [][2]string{
	{"", `<form><div></form><form></form></div>`},
	{`<a href="1">x</a>`, `<a href="1">x<table><a href="2">y</a></table></a>`},
	{`<table><tr><td>1</td></tr></table>`, `<table><tr><td>1</td></tr>text</table>`},
	{`<svg><p>x</svg>`, `<math><mi>x</mi><svg><desc><b>y</b></desc></svg></math>`},
	{`<template><tr><td>a</td></tr></template>`, `<template><td>b</td></template>`},
	{`<textarea>x</textarea><pre>y</pre>`, "<textarea>\nx</textarea><pre>\n\ny</pre>"},
	{`<script>a</script><style>b</style>`, `<script>a<\/script></script><noscript><p>n</p></noscript>`},
}

func FuzzDiff(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		f.Add(fx.before, fx.after)
	}
	for _, s := range fuzzSeeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		checkDiff(t, a, b)
		if ops := Diff(nil, mustParse(t, b), mustParse(t, b)); len(ops) != 0 {
			t.Fatalf("Diff of %q with itself: %s", b, protocol.AppendOps(nil, ops))
		}
	})
}

// fuzzTree is the tree FuzzApply applies decoded ops to: every kind of
// node an op can meet.
const fuzzTree = `<div id="a" class="c"><p>x<b>y</b></p>text<!--c--><svg viewBox="0 0 1 1"><use xlink:href="#i"></use></svg>` +
	`<template id="t"><li>t</li></template><table><tr id="r"><td>1</td></tr></table><textarea>z</textarea><math><mi>m</mi></math></div><ul><li id="k">k</li></ul>`

// FuzzApply: ops as a client could receive them never make Apply panic.
// That they survive the wire is internal/protocol's FuzzDecodeOps.
func FuzzApply(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		f.Add(fx.ops)
	}
	for _, s := range []string{
		`[]`,
		`[[0,"",[0,0,0],"new"]]`,
		`[[1,"a",[],"title","t"],[2,"a",[],"class"]]`,
		`[[3,"",[0],1,"<i>i</i>"],[4,"a",[],0,"t"],[5,"a",[],0,"c"]]`,
		`[[6,"",[],0,"circle","svg",[["r","1"],["href","#x","xlink"]]]]`,
		`[[7,"r",[0]],[8,"",[0],0,2],[9,"",[0,0],"<em>m</em>"]]`,
		`[[9,"",[],"<p>root</p>"]]`,
		`[[0,"t",[0,0],"\u2028\ud83d\ude00\ud800"]]`,
		`[[10,"",[2],1,-1,["k"],[["k",0,"<li id=\"k\">k</li>"],["",-1,"x"]]],[10,"a",[0],0,2,[],[]]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, err := protocol.DecodeOps(data)
		if err != nil {
			return
		}
		root := mustParse(t, fuzzTree)
		_ = Apply(root, ops) // must not panic; errors are expected
		Equal(root, root)
	})
}
