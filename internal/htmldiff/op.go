package htmldiff

import (
	"strconv"

	"golang.org/x/net/html"
)

// Kind is the kind of a patch op; the values are the wire values of
// docs/protocol.md.
type Kind uint8

// The op kinds, in wire order.
const (
	OpText          Kind = iota // set the data of a text or comment node
	OpAttr                      // set an attribute
	OpUnattr                    // remove an attribute
	OpInsert                    // insert nodes parsed from HTML
	OpInsertText                // insert a text node
	OpInsertComment             // insert a comment node
	OpInsertElement             // insert an empty element
	OpRemove                    // remove a node
	OpMove                      // move a child within its parent
	OpMorph                     // replace a node with the nodes its HTML parses to
	OpStream                    // apply a batch to a stream container
)

const numKinds = OpStream + 1

var kindNames = [numKinds]string{
	"text", "attr", "unattr", "insert", "inserttext", "insertcomment",
	"insertelement", "remove", "move", "morph", "stream",
}

// String returns the protocol name of k, such as "inserttext".
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
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
	Kind   Kind
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
