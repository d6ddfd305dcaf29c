package protocol

import (
	"strconv"

	"golang.org/x/net/html"
)

// OpKind is the kind of a patch op; the values are the wire values of
// docs/protocol.md, named in keys.go (OpText, OpAttr, ...).
type OpKind uint8

const numOpKinds = OpStream + 1

var opKindNames = [numOpKinds]string{
	"text", "attr", "unattr", "insert", "inserttext", "insertcomment",
	"insertelement", "remove", "move", "morph", "stream",
}

// String returns the protocol name of k, such as "inserttext".
func (k OpKind) String() string {
	if k < numOpKinds {
		return opKindNames[k]
	}
	return "OpKind(" + strconv.Itoa(int(k)) + ")"
}

// Op is one patch op. Every op addresses a node by Target and Path; which of
// the other fields it uses depends on Kind:
//
//	OpText          Data (the new text or comment data)
//	OpAttr          Name, Data (the attribute's qualified name and value)
//	OpUnattr        Name
//	OpInsert        Index, Data (HTML)
//	OpInsertText    Index, Data (text)
//	OpInsertComment Index, Data (comment data)
//	OpInsertElement Index, Name (tag), NS, Attrs
//	OpRemove        -
//	OpMove          Index (from), To
//	OpMorph         Data (HTML)
//	OpStream        Stream (the batch; Path names the container)
//
// For the insert kinds Path names the parent and Index the child before
// which the new node goes (the child count appends). A namespaced attribute
// (xlink:href on an SVG element) is named by its qualified name in OpAttr
// and OpUnattr, as it is written in HTML source.
type Op struct {
	Kind   OpKind
	Target string // id of the anchor element; "" is the root
	Path   []int  // child indexes from Target down to the node
	Index  int
	To     int
	Name   string
	NS     string // "", "svg" or "math"
	Data   string
	Attrs  []html.Attribute
	Stream *StreamOp
}
