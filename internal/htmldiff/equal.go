package htmldiff

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// Equal reports whether the trees rooted at a and b are the same DOM: node
// types, namespaces, tag names, text and comment data, and attributes
// compared as a set. The roots themselves are compared the same way, so two
// roots from Parse compare their content. When they differ, the string says
// where first (child indexes from the root) and how.
func Equal(a, b *html.Node) (bool, string) {
	path, reason := firstDifference(a, b, nil)
	if reason == "" {
		return true, ""
	}
	var sb strings.Builder
	sb.WriteString("at [")
	for i, p := range path {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(p))
	}
	sb.WriteString("]: ")
	sb.WriteString(reason)
	return false, sb.String()
}

// equalNode is Equal without the report, for the differ's round-trip check.
func equalNode(a, b *html.Node) bool {
	_, reason := firstDifference(a, b, nil)
	return reason == ""
}

// firstDifference compares a and b depth first and returns the path and a
// description of the first difference, or "" when there is none.
func firstDifference(a, b *html.Node, path []int) ([]int, string) {
	if r := shallowDifference(a, b); r != "" {
		return path, r
	}
	ac, bc := a.FirstChild, b.FirstChild
	for i := 0; ; i++ {
		switch {
		case ac == nil && bc == nil:
			return nil, ""
		case ac == nil:
			return append(path, i), "missing " + describe(bc)
		case bc == nil:
			return append(path, i), "unexpected " + describe(ac)
		}
		if p, r := firstDifference(ac, bc, append(path, i)); r != "" {
			return p, r
		}
		ac, bc = ac.NextSibling, bc.NextSibling
	}
}

func shallowDifference(a, b *html.Node) string {
	if a.Type != b.Type {
		return describe(a) + " vs " + describe(b)
	}
	switch a.Type {
	case html.ElementNode:
		if a.Data != b.Data || a.Namespace != b.Namespace {
			return describe(a) + " vs " + describe(b)
		}
		return attrDifference(a.Attr, b.Attr)
	case html.TextNode, html.CommentNode, html.RawNode:
		if a.Data != b.Data {
			return fmt.Sprintf("data %q vs %q", a.Data, b.Data)
		}
	case html.DoctypeNode:
		if a.Data != b.Data {
			return fmt.Sprintf("doctype %q vs %q", a.Data, b.Data)
		}
		return attrDifference(a.Attr, b.Attr)
	}
	return ""
}

// attrDifference compares attribute lists as sets. The parser drops
// duplicate attributes and Apply never adds one, so equal lengths and
// inclusion one way make equal sets.
func attrDifference(a, b []html.Attribute) string {
	if len(a) == len(b) {
		same := true
		for i := range a {
			if a[i] != b[i] {
				same = false
				break
			}
		}
		if same {
			return ""
		}
	}
	for _, x := range a {
		v, ok := attrValue(b, x.Namespace, x.Key)
		if !ok {
			return "unexpected attribute " + qualifiedName(x)
		}
		if v != x.Val {
			return fmt.Sprintf("attribute %s: %q vs %q", qualifiedName(x), x.Val, v)
		}
	}
	for _, y := range b {
		if _, ok := attrValue(a, y.Namespace, y.Key); !ok {
			return "missing attribute " + qualifiedName(y)
		}
	}
	return ""
}

func attrValue(attrs []html.Attribute, ns, key string) (string, bool) {
	for _, a := range attrs {
		if a.Key == key && a.Namespace == ns {
			return a.Val, true
		}
	}
	return "", false
}

// qualifiedName is the attribute's name as written in HTML source and in
// attr ops: "xlink:href" for the namespaced href of an SVG <use>.
func qualifiedName(a html.Attribute) string {
	if a.Namespace == "" {
		return a.Key
	}
	return a.Namespace + ":" + a.Key
}

func describe(n *html.Node) string {
	switch n.Type {
	case html.ElementNode:
		if n.Namespace != "" {
			return "<" + n.Namespace + " " + n.Data + ">"
		}
		return "<" + n.Data + ">"
	case html.TextNode:
		return fmt.Sprintf("text %q", n.Data)
	case html.CommentNode:
		return fmt.Sprintf("comment %q", n.Data)
	case html.DoctypeNode:
		return "doctype " + n.Data
	}
	return "node of type " + strconv.Itoa(int(n.Type))
}
