package livetest

import (
	"strings"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// ComponentHTML returns the HTML inside the stateful component id (see
// live.Component) as the page shows it: what its wrapper element holds. It
// fails the test when the page has no such component.
func (p *Page) ComponentHTML(id string) string {
	p.t.Helper()
	el := byID(p.doc, id)
	if el == nil || !hasAttr(el, protocol.AttrComponent) || !ownedBy(p.root, el) {
		p.t.Fatalf("livetest: ComponentHTML(%q): the page has no component %q; %s", id, id, p.nearby("#"+id))
	}
	return innerHTML(el)
}

// targetOf returns the component the events bound on el go to, as the
// client decides (js/src/component.js): live-target="id" names it, an empty
// live-target means the component around el, and no live-target the view.
func (p *Page) targetOf(el *html.Node) string {
	if el == nil {
		return ""
	}
	t, ok := attr(el, protocol.AttrTarget)
	if !ok {
		return ""
	}
	if t = strings.TrimSpace(t); t != "" {
		return t
	}
	if c := closest(el, func(n *html.Node) bool { return hasAttr(n, protocol.AttrComponent) }); c != nil {
		if id := attrOr(c, "id", ""); id != "" {
			return id
		}
	}
	return "" // the browser warns and sends the event to the view
}
