package livetest

import (
	"golang.org/x/net/html"

	"github.com/templive/templive/internal/htmldiff"
	"github.com/templive/templive/internal/protocol"
)

// edgeKey names one viewport binding of one container.
type edgeKey struct {
	box  *html.Node
	attr string
}

// ScrollToBottom scrolls the container matched by sel until its last item
// (element child) is in view, as a user scrolling a feed to its end, and
// returns once the server has answered what that sent. A container with
// live-viewport-bottom sends its event then, as the browser client does:
// once per last item, so scrolling to the bottom again before another item
// arrived sends nothing. A container without items fails the test: there
// is nothing to scroll to.
func (p *Page) ScrollToBottom(sel string) {
	p.t.Helper()
	p.scrollTo("ScrollToBottom", sel, protocol.AttrViewportBottom)
}

// ScrollToTop is ScrollToBottom for the first item and live-viewport-top.
func (p *Page) ScrollToTop(sel string) {
	p.t.Helper()
	p.scrollTo("ScrollToTop", sel, protocol.AttrViewportTop)
}

func (p *Page) scrollTo(method, sel, attrName string) {
	p.t.Helper()
	box := p.one(method, sel)
	item := lastElementChild(box)
	if attrName == protocol.AttrViewportTop {
		item = firstElementChild(box)
	}
	if item == nil {
		p.t.Fatalf("livetest: %s(%q): %s has no items to scroll to\n%s", method, sel, describe(box), p.around(box))
	}
	name := attrOr(box, attrName, "")
	if name == "" || !p.css.visible(item) {
		return // the browser observes nothing, or sees nothing in view
	}
	k := edgeKey{box, attrName}
	if p.edges[k] == item {
		return // this item sent its event already
	}
	if p.edges == nil {
		p.edges = make(map[edgeKey]*html.Node)
	}
	p.edges[k] = item
	p.begin()
	p.send(name, nil, box, attrName+protocol.LoadingSuffix, nil)
	p.end()
}

func firstElementChild(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

func lastElementChild(n *html.Node) *html.Node {
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

// stream applies a stream op to the container box. An item the page shows
// and the batch updates is morphed in the browser, so it keeps its client
// state (sticky JS command changes, focus); the Go applier replaces it, and
// stream hands the state over to the replacement.
func (p *Page) stream(box *html.Node, op *protocol.Op) error {
	if box != p.root && hasAttr(box, protocol.AttrIgnore) {
		return nil
	}
	old := map[string]*html.Node{}
	for c := box.FirstChild; c != nil; c = c.NextSibling {
		if id := attrOr(c, "id", ""); c.Type == html.ElementNode && id != "" {
			old[id] = c
		}
	}
	if err := htmldiff.Apply(p.root, []protocol.Op{*op}); err != nil {
		return err
	}
	if op.Stream == nil {
		return nil
	}
	for _, it := range op.Stream.Inserts {
		o := old[it.ID]
		if o == nil || o.Parent == box {
			continue // new, or kept as it was
		}
		for c := box.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && attrOr(c, "id", "") == it.ID && sameKind(o, c) {
				p.pair(o, c)
				break
			}
		}
	}
	return nil
}
