package livetest

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// The client's lifecycle bindings (js/src/lifecycle.js), focus helpers
// (js/src/focus.js) and live-confirm, on the test DOM.

// runChain runs the chain in el's attribute attrName, if any, as the
// browser runs a lifecycle binding: its sends carry el's live-value-*.
func (p *Page) runChain(el *html.Node, attrName string) {
	p.t.Helper()
	chain, ok := attr(el, attrName)
	if !ok || strings.TrimSpace(chain) == "" || !ownedBy(p.root, el) {
		return
	}
	send := func(name string, extra map[string]string) {
		v := attrValues(el)
		for k, x := range extra {
			v.Set(k, x)
		}
		p.send(name, valuesJSON(v), el, "", nil)
	}
	p.execute(chain, el, send, 0, &execBudget{runs: maxRuns})
}

// runAll runs the chains of attrName on every element of the root that has
// one, in document order.
func (p *Page) runAll(attrName string) {
	p.t.Helper()
	for _, el := range p.bound(attrName) {
		p.runChain(el, attrName)
	}
}

// mountAll runs the live-mounted chains of the elements that appeared
// since the last call (all of them after a load), and forgets the elements
// that left.
func (p *Page) mountAll() {
	p.t.Helper()
	for el := range p.mounted {
		if !inTree(p.doc, el) {
			delete(p.mounted, el)
		}
	}
	for _, el := range p.bound(protocol.AttrMounted) {
		if !p.mounted[el] {
			p.mounted[el] = true
			p.runChain(el, protocol.AttrMounted)
		}
	}
}

// removeChains runs the live-remove chains of n and its descendants, which
// a patch is about to remove.
func (p *Page) removeChains(n *html.Node) {
	p.t.Helper()
	if n.Type != html.ElementNode {
		return
	}
	els := []*html.Node{n}
	walk(n, func(c *html.Node) { els = append(els, c) })
	for _, el := range els {
		if hasAttr(el, protocol.AttrRemove) && !p.removed[el] {
			p.removed[el] = true
			p.runChain(el, protocol.AttrRemove)
		}
	}
}

// confirmed asks the test's OnConfirm whether the user confirms el's
// live-confirm question before a click or submit binding runs.
func (p *Page) confirmed(el *html.Node, attrName string) bool {
	p.t.Helper()
	ask, ok := attr(el, protocol.AttrConfirm)
	if !ok || attrName != protocol.AttrClick && attrName != protocol.AttrSubmit {
		return true
	}
	if p.onConfirm == nil {
		p.report("%s: %s on %s asks %q, and the test gave no answer: call Page.OnConfirm first\n%s",
			p.path, protocol.AttrConfirm, describe(el), ask, p.around(el))
		return false
	}
	return p.onConfirm(ask)
}

// OnConfirm sets the user's answer to the confirm() dialogs that
// live-confirm asks before a click or submit binding runs: answer gets the
// question and returns true for OK. Without it, a live-confirm fails the
// test, as a dialog nobody answers would hang it.
func (p *Page) OnConfirm(answer func(question string) bool) { p.onConfirm = answer }

// focusables lists the elements of box that Tab reaches, as focus.js does:
// links, buttons, fields, summaries and [tabindex] elements, in document
// order, neither disabled, nor tabindex < 0, nor inert, nor hidden.
// Positive tabindex values do not reorder them, in livetest or in focus.js's
// cycle.
func (p *Page) focusables(box *html.Node) []*html.Node {
	var out []*html.Node
	walk(box, func(n *html.Node) {
		if tabbable(n) && !disabled(n) && !inert(n, box) && p.shown(n, box) {
			out = append(out, n)
		}
	})
	return out
}

func tabbable(n *html.Node) bool {
	if t, ok := attr(n, "tabindex"); ok {
		i, err := strconv.Atoi(strings.TrimSpace(t))
		return err != nil || i >= 0
	}
	switch n.Data {
	case "a", "area":
		return hasAttr(n, "href")
	case "button", "select", "textarea", "iframe", "summary":
		return true
	case "input":
		return attrOr(n, "type", "") != "hidden"
	}
	ce, ok := attr(n, "contenteditable")
	return ok && (ce == "" || ce == "true")
}

func inert(n, box *html.Node) bool {
	for ; n != nil && n != box.Parent; n = n.Parent {
		if hasAttr(n, "inert") {
			return true
		}
	}
	return false
}

// shown tells whether n and its ancestors up to box are displayed and not
// hidden.
func (p *Page) shown(n, box *html.Node) bool {
	for ; n != nil && n != box.Parent && n.Type == html.ElementNode; n = n.Parent {
		if hasAttr(n, "hidden") || p.css.hidden(n) || strings.Contains(strings.ReplaceAll(attrOr(n, "style", ""), " ", ""), "visibility:hidden") {
			return false
		}
	}
	return true
}

// popFocus focuses the last element PushFocus remembered that is still in
// the page.
func (p *Page) popFocus() {
	for len(p.focusStack) > 0 {
		el := p.focusStack[len(p.focusStack)-1]
		p.focusStack = p.focusStack[:len(p.focusStack)-1]
		if el == nil || inTree(p.doc, el) {
			if el != nil {
				p.focusTo(el)
			}
			return
		}
	}
}

// Tab presses Tab, as a user does: the focused element's live-keydown and
// the page's live-window-keydown bindings get the key, then the focus moves
// to the next element Tab reaches in the document, or, inside a
// live-focus-wrap container, cycles within it (the last element goes back
// to the first). Focus and blur bindings run as they do in the browser.
// Positive tabindex values do not reorder the elements.
func (p *Page) Tab() {
	p.t.Helper()
	p.tab(false)
}

// ShiftTab presses Shift+Tab: Tab backwards.
func (p *Page) ShiftTab() {
	p.t.Helper()
	p.tab(true)
}

func (p *Page) tab(back bool) {
	p.t.Helper()
	p.begin()
	defer p.end()
	// The key's own bindings run first, as in the browser, where they
	// listen before the focus moves.
	var mods []string
	if back {
		mods = []string{protocol.ValueShiftKey}
	}
	for _, w := range p.bound(protocol.AttrWindowKeydown) {
		if v := keyValues(w, "Tab", mods); v != nil {
			p.trigger(w, protocol.AttrWindowKeydown, v, nil)
		}
	}
	if f := p.focused; f != nil && inTree(p.doc, f) {
		if x := p.closestBound(f, protocol.AttrKeydown); x != nil {
			if v := keyValues(x, "Tab", mods); v != nil {
				p.trigger(x, protocol.AttrKeydown, v, nil)
			}
		}
	}
	if f := p.focused; f != nil {
		if box := closest(f, func(n *html.Node) bool { return hasAttr(n, protocol.AttrFocusWrap) }); box != nil && ownedBy(p.root, box) {
			list := p.focusables(box)
			i := indexOf(list, f)
			switch {
			case len(list) == 0:
				return
			case back && i <= 0:
				p.focusTo(list[len(list)-1])
				return
			case !back && (i < 0 || i == len(list)-1):
				p.focusTo(list[0])
				return
			}
		}
	}
	body := p.doc
	walk(p.doc, func(n *html.Node) {
		if isElement(n, "body") && body == p.doc {
			body = n
		}
	})
	list := p.focusables(body)
	if len(list) == 0 {
		return
	}
	i := indexOf(list, p.focused)
	switch {
	case i < 0 && back:
		p.focusTo(list[len(list)-1])
	case i < 0:
		p.focusTo(list[0])
	case back && i > 0:
		p.focusTo(list[i-1])
	case !back && i < len(list)-1:
		p.focusTo(list[i+1])
	default:
		// The browser's own controls come next: the page loses the focus.
		p.focusTo(nil)
	}
}

func indexOf(list []*html.Node, n *html.Node) int {
	for i, x := range list {
		if x == n {
			return i
		}
	}
	return -1
}

// HasFocus reports whether the first element sel matches has the focus.
func (p *Page) HasFocus(sel string) bool {
	p.t.Helper()
	return p.focused != nil && p.one("HasFocus", sel) == p.focused
}
