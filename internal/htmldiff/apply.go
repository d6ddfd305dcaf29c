package htmldiff

import (
	"errors"
	"fmt"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/templive/templive/internal/protocol"
)

// ErrDrift reports an op that does not fit the tree it is applied to: its
// target or path does not resolve, the node has the wrong type, or an index
// is out of range. In a browser this is the signal to ask for a resync.
var ErrDrift = errors.New("htmldiff: ops do not fit the tree")

// Apply applies ops in order to the tree under root, a root from Parse, as
// the browser client does to the live root container. It stops at the first
// op that does not fit and returns an error wrapping ErrDrift (or the parse
// error of its HTML); the ops before it stay applied. Apply never panics,
// whatever the ops hold, and does not modify ops.
func Apply(root *html.Node, ops []protocol.Op) error {
	for i := range ops {
		if err := applyOp(root, &ops[i]); err != nil {
			return fmt.Errorf("op %d (%s): %w", i, ops[i].Kind, err)
		}
	}
	return nil
}

func drift(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrDrift, fmt.Sprintf(format, args...))
}

func applyOp(root *html.Node, op *protocol.Op) error {
	n, err := resolve(root, op.Target, op.Path)
	if err != nil {
		return err
	}
	switch op.Kind {
	case protocol.OpText:
		if n.Type != html.TextNode && n.Type != html.CommentNode {
			return drift("%s is not a text or comment node", describe(n))
		}
		n.Data = op.Data
	case protocol.OpAttr, protocol.OpUnattr:
		if n.Type != html.ElementNode {
			return drift("%s is not an element", describe(n))
		}
		if n == root {
			return drift("the root's attributes are not patched")
		}
		ns, key := splitAttrName(n, op.Name)
		if op.Kind == protocol.OpAttr {
			setAttr(n, ns, key, op.Data)
		} else {
			removeAttr(n, ns, key)
		}
	case protocol.OpInsert, protocol.OpInsertText, protocol.OpInsertComment, protocol.OpInsertElement:
		return insert(n, op)
	case protocol.OpRemove:
		if n == root {
			return drift("cannot remove the root")
		}
		n.Parent.RemoveChild(n)
	case protocol.OpMove:
		return move(n, op.Index, op.To)
	case protocol.OpMorph:
		return morph(root, n, op.Data)
	case protocol.OpStream:
		return applyStream(n, op.Stream)
	default:
		return drift("unknown op kind %d", op.Kind)
	}
	return nil
}

// resolve finds the node an op addresses.
func resolve(root *html.Node, target string, path []int) (*html.Node, error) {
	n := root
	if target != "" {
		if n = findID(root, target); n == nil {
			return nil, drift("no element with id %q", target)
		}
	}
	for depth, i := range path {
		c := childAt(n, i)
		if c == nil {
			return nil, drift("path %v: %s has no child %d (depth %d)", path, describe(n), i, depth)
		}
		n = c
	}
	return n, nil
}

// findID returns the first element under root, in document order, whose id
// is id, as getElementById does: template content is not searched.
func findID(root *html.Node, id string) *html.Node {
	n := root.FirstChild
	for n != nil {
		if n.Type == html.ElementNode && getID(n) == id {
			return n
		}
		if n.FirstChild != nil && !isTemplate(n) {
			n = n.FirstChild
			continue
		}
		for n != root && n.NextSibling == nil {
			n = n.Parent
		}
		if n == root {
			return nil
		}
		n = n.NextSibling
	}
	return nil
}

// childAt returns child i of n, or nil when there is none.
func childAt(n *html.Node, i int) *html.Node {
	if i < 0 {
		return nil
	}
	c := n.FirstChild
	for ; c != nil && i > 0; i-- {
		c = c.NextSibling
	}
	return c
}

func childCount(n *html.Node) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		k++
	}
	return k
}

func insert(parent *html.Node, op *protocol.Op) error {
	if parent.Type != html.ElementNode {
		return drift("%s is not an element", describe(parent))
	}
	count := childCount(parent)
	if op.Index < 0 || op.Index > count {
		return drift("index %d out of range: %s has %d children", op.Index, describe(parent), count)
	}
	ref := childAt(parent, op.Index) // nil appends
	switch op.Kind {
	case protocol.OpInsert:
		nodes, err := parseFragment([]byte(op.Data), parent)
		if err != nil {
			return err
		}
		for _, c := range nodes {
			parent.InsertBefore(c, ref)
		}
	case protocol.OpInsertText:
		parent.InsertBefore(&html.Node{Type: html.TextNode, Data: op.Data}, ref)
	case protocol.OpInsertComment:
		parent.InsertBefore(&html.Node{Type: html.CommentNode, Data: op.Data}, ref)
	case protocol.OpInsertElement:
		el, err := newElement(op)
		if err != nil {
			return err
		}
		parent.InsertBefore(el, ref)
	}
	return nil
}

func newElement(op *protocol.Op) (*html.Node, error) {
	if op.Name == "" {
		return nil, drift("empty tag name")
	}
	switch op.NS {
	case "", "svg", "math":
	default:
		return nil, drift("unknown namespace %q", op.NS)
	}
	el := &html.Node{
		Type: html.ElementNode,
		// The parser sets DataAtom from the (adjusted) tag name; later
		// inserts parse in this element's context and depend on it.
		DataAtom:  atom.Lookup([]byte(op.Name)),
		Data:      op.Name,
		Namespace: op.NS,
	}
	// Copy: the applied tree must not share memory with the ops.
	for _, a := range op.Attrs {
		if a.Key == "" {
			return nil, drift("empty attribute name")
		}
		setAttr(el, a.Namespace, a.Key, a.Val)
	}
	return el, nil
}

func move(parent *html.Node, from, to int) error {
	if parent.Type != html.ElementNode {
		return drift("%s is not an element", describe(parent))
	}
	c := childAt(parent, from)
	if c == nil {
		return drift("move: %s has no child %d", describe(parent), from)
	}
	count := childCount(parent)
	if to < 0 || to > count-1 {
		return drift("move: destination %d out of range: %s has %d children", to, describe(parent), count)
	}
	parent.RemoveChild(c)
	parent.InsertBefore(c, childAt(parent, to))
	return nil
}

// morph replaces n with the nodes src parses to in the context of n's
// parent. A morph of the root replaces its children: the root's own tag and
// attributes belong to the page, not to the render.
func morph(root, n *html.Node, src string) error {
	if n == root {
		nodes, err := parseFragment([]byte(src), root)
		if err != nil {
			return err
		}
		var old []*html.Node
		for c := root.FirstChild; c != nil; c = root.FirstChild {
			root.RemoveChild(c)
			old = append(old, c)
		}
		for _, c := range nodes {
			root.AppendChild(c)
		}
		carryStreams(old, nodes)
		return nil
	}
	nodes, err := parseFragment([]byte(src), n.Parent)
	if err != nil {
		return err
	}
	for _, c := range nodes {
		n.Parent.InsertBefore(c, n)
	}
	n.Parent.RemoveChild(n)
	carryStreams([]*html.Node{n}, nodes)
	return nil
}

func setAttr(n *html.Node, ns, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key && n.Attr[i].Namespace == ns {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Namespace: ns, Key: key, Val: val})
}

func removeAttr(n *html.Node, ns, key string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key && n.Attr[i].Namespace == ns {
			n.Attr = append(n.Attr[:i:i], n.Attr[i+1:]...)
			return
		}
	}
}

// splitAttrName undoes qualifiedName: on SVG and MathML elements the parser
// puts exactly these attributes in a namespace (x/net/html's
// adjustForeignAttributes); everywhere else a colon is part of the name.
func splitAttrName(n *html.Node, name string) (ns, key string) {
	if n.Namespace != "" {
		switch name {
		case "xlink:actuate", "xlink:arcrole", "xlink:href", "xlink:role", "xlink:show",
			"xlink:title", "xlink:type", "xml:lang", "xml:space", "xmlns:xlink":
			for i := 0; i < len(name); i++ {
				if name[i] == ':' {
					return name[:i], name[i+1:]
				}
			}
		}
	}
	return "", name
}

func getID(n *html.Node) string {
	for i := range n.Attr {
		if n.Attr[i].Key == "id" && n.Attr[i].Namespace == "" {
			return n.Attr[i].Val
		}
	}
	return ""
}

func isTemplate(n *html.Node) bool {
	return n.Type == html.ElementNode && n.DataAtom == atom.Template && n.Namespace == ""
}
