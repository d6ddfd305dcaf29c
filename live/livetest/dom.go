package livetest

import (
	"strings"

	"golang.org/x/net/html"
)

// Helpers on the page's tree, the Go twins of the DOM calls the client
// makes. Attributes in the test DOM stand for both the markup and the
// live property: a field's value attribute is what the user sees in it.

func attr(n *html.Node, key string) (string, bool) {
	if n == nil || n.Type != html.ElementNode {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attrOr(n *html.Node, key, dflt string) string {
	if v, ok := attr(n, key); ok {
		return v
	}
	return dflt
}

func hasAttr(n *html.Node, key string) bool {
	_, ok := attr(n, key)
	return ok
}

func setAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Namespace == "" && n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func removeAttr(n *html.Node, key string) {
	for i := range n.Attr {
		if n.Attr[i].Namespace == "" && n.Attr[i].Key == key {
			n.Attr = append(n.Attr[:i:i], n.Attr[i+1:]...)
			return
		}
	}
}

// setBoolAttr sets or removes a boolean attribute (checked, selected).
func setBoolAttr(n *html.Node, key string, on bool) {
	if on {
		if !hasAttr(n, key) {
			setAttr(n, key, "")
		}
	} else {
		removeAttr(n, key)
	}
}

func isElement(n *html.Node, tag string) bool {
	return n != nil && n.Type == html.ElementNode && n.Namespace == "" && n.Data == tag
}

func classes(n *html.Node) []string {
	return strings.Fields(attrOr(n, "class", ""))
}

func hasClass(n *html.Node, c string) bool {
	for _, x := range classes(n) {
		if x == c {
			return true
		}
	}
	return false
}

// setClass adds or removes class c, as classList.toggle(c, on) does.
func setClass(n *html.Node, c string, on bool) {
	cs := classes(n)
	out := cs[:0]
	found := false
	for _, x := range cs {
		if x == c {
			if !on || found {
				continue
			}
			found = true
		}
		out = append(out, x)
	}
	if on && !found {
		out = append(out, c)
	}
	if !on && !found && !hasAttr(n, "class") {
		return
	}
	setAttr(n, "class", strings.Join(out, " "))
}

// styleDisplay returns the display of n's inline style, if it sets one.
func styleDisplay(n *html.Node) (string, bool) {
	for _, d := range strings.Split(attrOr(n, "style", ""), ";") {
		k, v, ok := strings.Cut(d, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), "display") {
			v = strings.TrimSpace(v)
			if v != "" {
				return strings.ToLower(strings.TrimSpace(strings.TrimSuffix(v, "!important"))), true
			}
		}
	}
	return "", false
}

// setStyleDisplay sets n.style.display: "" removes it.
func setStyleDisplay(n *html.Node, v string) {
	var out []string
	for _, d := range strings.Split(attrOr(n, "style", ""), ";") {
		k, _, _ := strings.Cut(d, ":")
		if strings.TrimSpace(d) == "" || strings.EqualFold(strings.TrimSpace(k), "display") {
			continue
		}
		out = append(out, strings.TrimSpace(d)+";")
	}
	if v != "" {
		out = append(out, "display: "+v+";")
	}
	if len(out) == 0 && !hasAttr(n, "style") {
		return
	}
	setAttr(n, "style", strings.Join(out, " "))
}

// closest returns n or its nearest ancestor element that match reports
// true for, or nil.
func closest(n *html.Node, match func(*html.Node) bool) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && match(n) {
			return n
		}
	}
	return nil
}

// contains reports whether n is a or one of its descendants.
func contains(a, n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == a {
			return true
		}
	}
	return false
}

// walk calls fn for n's descendant elements in document order (template
// content included, as x/net/html keeps it as children).
func walk(n *html.Node, fn func(*html.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			fn(c)
		}
		walk(c, fn)
	}
}

// textContent returns the text of n and its descendants.
func textContent(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			} else if c.Type == html.ElementNode {
				rec(c)
			}
		}
	}
	rec(n)
	return b.String()
}

// describe names n the way a developer finds it: <button#inc.primary>.
func describe(n *html.Node) string {
	if n == nil {
		return "nothing"
	}
	if n.Type != html.ElementNode {
		return "a " + nodeKind(n)
	}
	s := "<" + n.Data
	if id, ok := attr(n, "id"); ok && id != "" {
		s += "#" + id
	}
	for _, c := range classes(n) {
		s += "." + c
	}
	return s + ">"
}

func nodeKind(n *html.Node) string {
	switch n.Type {
	case html.TextNode:
		return "text node"
	case html.CommentNode:
		return "comment"
	case html.DocumentNode:
		return "document"
	}
	return "node"
}

// outerHTML renders n, cut to about max bytes.
func outerHTML(n *html.Node, max int) string {
	var b strings.Builder
	html.Render(&b, n)
	return cut(b.String(), max)
}

func innerHTML(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		html.Render(&b, c)
	}
	return b.String()
}

func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && s[i]&0xC0 == 0x80 { // do not split a character
		i--
	}
	return s[:i] + "…"
}

// focusable reports whether a user can give n the focus by clicking it or
// tabbing to it.
func focusable(n *html.Node) bool {
	if n.Type != html.ElementNode || hasAttr(n, "disabled") {
		return false
	}
	if hasAttr(n, "tabindex") || hasAttr(n, "contenteditable") {
		return true
	}
	switch n.Data {
	case "input":
		return attrOr(n, "type", "") != "hidden"
	case "select", "textarea", "button", "summary", "iframe":
		return true
	case "a", "area":
		return hasAttr(n, "href")
	}
	return false
}

// inTree reports whether n is still in the document doc.
func inTree(doc, n *html.Node) bool {
	return n != nil && contains(doc, n)
}

// setText replaces n's children with one text node.
func setText(n *html.Node, s string) {
	for c := n.FirstChild; c != nil; c = n.FirstChild {
		n.RemoveChild(c)
	}
	if s != "" {
		n.AppendChild(&html.Node{Type: html.TextNode, Data: s})
	}
}
