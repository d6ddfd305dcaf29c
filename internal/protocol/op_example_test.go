package protocol_test

import (
	"fmt"

	"github.com/templive/templive/internal/protocol"
)

func ExampleAppendOps() {
	ops := []protocol.Op{
		{Kind: protocol.OpText, Target: "count", Path: []int{0}, Data: "2"},
		{Kind: protocol.OpAttr, Target: "count", Path: []int{}, Name: "class", Data: "even"},
	}
	fmt.Printf("%s\n", protocol.AppendPatch(nil, protocol.AppendOps(nil, ops)))
	// Output:
	// [1,[[0,"count",[0],"2"],[1,"count",[],"class","even"]]]
}

func ExampleDecodeOps() {
	ops, err := protocol.DecodeOps([]byte(`[[8,"list",[],1,0],[4,"list",[1],1,"!"]]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, op := range ops {
		fmt.Printf("%s %q %v %d %d %q\n", op.Kind, op.Target, op.Path, op.Index, op.To, op.Data)
	}
	// Output:
	// move "list" [] 1 0 ""
	// inserttext "list" [1] 1 0 "!"
}
