package htmldiff_test

import (
	"fmt"

	"github.com/templive/templive/internal/htmldiff"
	"github.com/templive/templive/internal/protocol"
)

func ExampleDiff() {
	before, _ := htmldiff.Parse([]byte(`<p>Clicked <span id="count">1</span> times</p>`))
	after, _ := htmldiff.Parse([]byte(`<p>Clicked <span id="count">2</span> times</p>`))

	ops := htmldiff.Diff(nil, before, after)
	fmt.Printf("%s\n", protocol.AppendOps(nil, ops))

	// The client applies the ops to its DOM; Apply does the same in Go.
	if err := htmldiff.Apply(before, ops); err != nil {
		fmt.Println(err)
	}
	ok, _ := htmldiff.Equal(before, after)
	fmt.Println(ok)
	// Output:
	// [[0,"count",[0],"2"]]
	// true
}

func ExampleApply() {
	root, _ := htmldiff.Parse([]byte(`<ul id="list"><li>a</li><li>b</li></ul>`))
	ops, err := protocol.DecodeOps([]byte(`[[8,"list",[],1,0],[4,"list",[1],1,"!"]]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := htmldiff.Apply(root, ops); err != nil {
		fmt.Println(err)
		return
	}
	html, _ := htmldiff.InnerHTML(root)
	fmt.Println(html)
	// Output:
	// <ul id="list"><li>b</li><li>a!</li></ul>
}
