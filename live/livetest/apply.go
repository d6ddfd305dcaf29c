package livetest

import (
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/htmldiff"
	"github.com/templive/templive/internal/protocol"
)

// apply applies a frame's ops to the page with htmldiff.Apply, the Go twin
// of the client's patcher, and keeps what the client keeps through them
// (js/src/patch.js and socket.js):
//
//   - ops that address a live-ignore subtree are dropped, and a morph
//     leaves live-ignore elements as they are;
//   - what JS commands changed on an element (classes, attributes, display)
//     is put back after the element is patched;
//   - the focused field keeps its value, unless the frame is the reply to
//     a submit of its form that changed it (the server reset it);
//   - an element whose event is in flight keeps its loading class.
//
// A morph replaces nodes in the Go tree where the browser's morphdom
// updates them in place; apply pairs the old elements with the new ones as
// morphdom does (by id, else by tag in order) so that the client's state
// follows them.
func (p *Page) apply(ops []protocol.Op, submitted *html.Node) error {
	f := p.focused
	var before []string
	keep := f != nil && hasLiveValue(f)
	if keep {
		before = p.readValue(f)
	}
	texts := make(map[*html.Node]string, len(p.typed))
	for t := range p.typed {
		texts[t] = textContent(t)
	}
	// live-remove chains run before their element goes: at once for a
	// remove op; a morph's are found after it, with the elements it dropped.
	removable := p.bound(protocol.AttrRemove)
	p.replaced = map[*html.Node]bool{}
	var err error
	for i := range ops {
		if err = p.applyOp(&ops[i]); err != nil {
			break
		}
	}
	for _, el := range removable {
		if !inTree(p.doc, el) && !p.replaced[el] {
			p.removeChains(el)
		}
	}
	p.replaced = nil
	// A textarea whose text a patch changed shows it, unless the user is
	// typing in it (patch.js, touched).
	for t := range p.typed {
		if !inTree(p.doc, t) || t != p.focused && texts[t] != textContent(t) {
			delete(p.typed, t)
		}
	}
	p.restoreAll()
	for _, e := range p.pending {
		if e.el != nil && e.cls != "" && inTree(p.doc, e.el) {
			setClass(e.el, e.cls, true)
		}
	}
	if p.focused != nil && !inTree(p.doc, p.focused) {
		p.focused = nil
	}
	if keep && p.focused != nil && !slices.Equal(p.readValue(p.focused), before) &&
		(submitted == nil || !contains(submitted, p.focused)) {
		p.setValue(p.focused, before)
	}
	p.mountAll()
	return err
}

func (p *Page) applyOp(op *protocol.Op) error {
	n, skip := p.resolve(op)
	if skip {
		return nil
	}
	if n == nil { // let the applier say how it does not fit
		return htmldiff.Apply(p.root, []protocol.Op{*op})
	}
	switch op.Kind {
	case protocol.OpAttr, protocol.OpUnattr, protocol.OpInsert, protocol.OpInsertText,
		protocol.OpInsertComment, protocol.OpInsertElement, protocol.OpMove:
		if n != p.root && hasAttr(n, protocol.AttrIgnore) {
			return nil
		}
		if (op.Kind == protocol.OpAttr || op.Kind == protocol.OpUnattr) && slices.Contains(ignoredAttrs(n), op.Name) {
			return nil
		}
	case protocol.OpRemove:
		p.removeChains(n)
	case protocol.OpMorph:
		return p.morph(n, op)
	case protocol.OpStream:
		return p.stream(n, op)
	}
	return htmldiff.Apply(p.root, []protocol.Op{*op})
}

// resolve finds the node op addresses as the client does, or reports that
// the way there enters a live-ignore subtree. A nil node without skip
// means the op does not fit.
func (p *Page) resolve(op *protocol.Op) (n *html.Node, skip bool) {
	n = p.root
	if op.Target != "" {
		n = findID(p.root, op.Target)
		if n == nil {
			return nil, false
		}
		for a := n.Parent; a != nil && a != p.root; a = a.Parent {
			if hasAttr(a, protocol.AttrIgnore) {
				return nil, true
			}
		}
	}
	for _, i := range op.Path {
		if n != p.root && hasAttr(n, protocol.AttrIgnore) {
			return nil, true
		}
		if n = childAt(n, i); n == nil {
			return nil, false
		}
	}
	return n, false
}

// findID is getElementById within root (template content excluded).
func findID(root *html.Node, id string) *html.Node {
	var rec func(*html.Node) *html.Node
	rec = func(n *html.Node) *html.Node {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if v, ok := attr(c, "id"); ok && v == id {
				return c
			}
			if !isElement(c, "template") {
				if m := rec(c); m != nil {
					return m
				}
			}
		}
		return nil
	}
	return rec(root)
}

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

func children(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}

// morph applies a morph op and pairs the nodes it replaced with the new
// ones.
func (p *Page) morph(n *html.Node, op *protocol.Op) error {
	if n == p.root {
		old := children(n)
		if err := htmldiff.Apply(p.root, []protocol.Op{*op}); err != nil {
			return err
		}
		p.pairChildren(old, children(n))
		return nil
	}
	parent, prev, next := n.Parent, n.PrevSibling, n.NextSibling
	if err := htmldiff.Apply(p.root, []protocol.Op{*op}); err != nil {
		return err
	}
	first := parent.FirstChild
	if prev != nil {
		first = prev.NextSibling
	}
	if first != nil && first != next && sameKind(n, first) {
		p.pair(n, first)
	}
	return nil
}

func sameKind(a, b *html.Node) bool {
	return a.Type == html.ElementNode && b.Type == html.ElementNode && a.Data == b.Data && a.Namespace == b.Namespace
}

// pair hands old's client state to its replacement nw, and so on down
// their children. A live-ignore element is not replaced at all: old goes
// back in nw's place, untouched.
func (p *Page) pair(old, nw *html.Node) {
	if hasAttr(old, protocol.AttrIgnore) {
		if old.Parent != nil { // inside the replaced subtree
			old.Parent.RemoveChild(old)
		}
		nw.Parent.InsertBefore(old, nw)
		nw.Parent.RemoveChild(nw)
		return
	}
	if s, ok := p.sticky[old]; ok {
		delete(p.sticky, old)
		p.sticky[nw] = s
	}
	// live-ignore-attributes: the page's values stay (patch.js, morph).
	for _, a := range ignoredAttrs(old) {
		if v, ok := attr(old, a); ok {
			setAttr(nw, a, v)
		} else {
			removeAttr(nw, a)
		}
	}
	if p.mounted[old] {
		delete(p.mounted, old)
		p.mounted[nw] = true
	}
	if p.replaced != nil {
		p.replaced[old] = true
	}
	for i, f := range p.focusStack {
		if f == old {
			p.focusStack[i] = nw
		}
	}
	if p.focused == old {
		p.focused = nw
	}
	for k, item := range p.edges { // the browser's observer keeps its element
		if item == old {
			p.edges[k] = nw
		}
	}
	// morphdom gives a textarea the server's value, unless it has the focus.
	if v, ok := p.typed[old]; ok {
		delete(p.typed, old)
		if p.focused == nw {
			p.typed[nw] = v
		}
	}
	for _, e := range p.pending {
		if e.el == old {
			e.el = nw
		}
		if e.form == old {
			e.form = nw
		}
	}
	if !isElement(old, "template") { // morphdom replaces a template's content
		p.pairChildren(children(old), children(nw))
	}
}

// pairChildren pairs sibling elements as morphdom does: by id when the new
// one has an id, else with the next old element of the same tag that has
// none.
func (p *Page) pairChildren(old, nw []*html.Node) {
	used := make(map[*html.Node]bool, len(old))
	cursor := 0
	for _, n := range nw {
		if n.Type != html.ElementNode {
			continue
		}
		var o *html.Node
		if id, ok := attr(n, "id"); ok && id != "" {
			for _, c := range old {
				if !used[c] && sameKind(c, n) && attrOr(c, "id", "") == id {
					o = c
					break
				}
			}
		} else {
			for i := cursor; i < len(old); i++ {
				c := old[i]
				if !used[c] && sameKind(c, n) && attrOr(c, "id", "") == "" {
					o, cursor = c, i+1
					break
				}
			}
		}
		if o != nil {
			used[o] = true
			p.pair(o, n)
		}
	}
}

// ignoredAttrs lists the attributes el's live-ignore-attributes keeps.
func ignoredAttrs(el *html.Node) []string {
	return strings.Fields(attrOr(el, protocol.AttrIgnoreAttributes, ""))
}
