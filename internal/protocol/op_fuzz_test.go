package protocol

import (
	"os"
	"path/filepath"
	"testing"
)

// opSeeds cover every op kind, escapes and stream batches; the differ's
// fixtures (internal/htmldiff/testdata/fixtures, which the browser
// client's tests apply too) add real patches.
var opSeeds = []string{
	`[]`,
	`[[0,"",[0,0,0],"new"]]`,
	`[[1,"a",[],"title","t"],[2,"a",[],"class"]]`,
	`[[3,"",[0],1,"<i>i</i>"],[4,"a",[],0,"t"],[5,"a",[],0,"c"]]`,
	`[[6,"",[],0,"circle","svg",[["r","1"],["href","#x","xlink"]]]]`,
	`[[7,"r",[0]],[8,"",[0],0,2],[9,"",[0,0],"<em>m</em>"]]`,
	`[[9,"",[],"<p>root</p>"]]`,
	`[[0,"t",[0,0],"\u2028\ud83d\ude00\ud800"]]`,
	`[[10,"",[2],1,-1,["k"],[["k",0,"<li id=\"k\">k</li>"],["",-1,"x"]]],[10,"a",[0],0,2,[],[]]]`,
}

// FuzzDecodeOps: DecodeOps never panics, and what it accepts survives
// AppendOps and a second DecodeOps unchanged.
func FuzzDecodeOps(f *testing.F) {
	fixtures, err := filepath.Glob(filepath.Join("..", "htmldiff", "testdata", "fixtures", "*", "ops.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range fixtures {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range opSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, err := DecodeOps(data)
		if err != nil {
			return
		}
		enc := AppendOps(nil, ops)
		again, err := DecodeOps(enc)
		if err != nil {
			t.Fatalf("DecodeOps(AppendOps(DecodeOps(%q))): %v\njson: %s", data, err, enc)
		}
		if i := firstOpDifference(ops, again); i >= 0 {
			t.Fatalf("op %d changed through AppendOps: %+v vs %+v", i, ops[i], again[i])
		}
	})
}
