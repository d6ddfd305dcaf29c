package htmldiff

import (
	"encoding/json"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// Stream containers. An element with live-update="stream", "append" or
// "prepend" owns children that only the client keeps: the server renders
// a batch of new children each time and never the ones it sent before.
// Its children are not diffed against the last render; the differ sends
// them as one OpStream, and every applier (Apply, the browser client)
// applies that batch, and a morph's copy of such a container, the same way
// (see applyBatch).

// streamMode returns the live-update mode of an element, or "".
func streamMode(n *html.Node) string {
	if n.Type != html.ElementNode || n.Namespace != "" {
		return ""
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == protocol.AttrUpdate {
			switch a.Val {
			case protocol.UpdateStream, protocol.UpdateAppend, protocol.UpdatePrepend:
				return a.Val
			}
			return ""
		}
	}
	return ""
}

// streamMeta reads a stream container's batch. A missing or malformed
// attribute is an empty batch: the children are then appended.
func streamMeta(n *html.Node) protocol.StreamMeta {
	var m protocol.StreamMeta
	if v, ok := attrValue(n.Attr, "", protocol.AttrStream); ok && v != "" {
		if json.Unmarshal([]byte(v), &m) != nil {
			m = protocol.StreamMeta{}
		}
	}
	return m
}

// batch turns the render of a stream container n into its StreamOp. In
// append and prepend modes, a child equal to the last render's child with
// the same id is left out: the client has it.
func (d *differ) batch(o, n *html.Node, mode string) *protocol.StreamOp {
	s := &protocol.StreamOp{}
	var old map[string]*html.Node
	if mode == protocol.UpdateStream {
		m := streamMeta(n)
		s.Reset, s.Limit, s.Deletes = m.Reset, m.Limit, m.Deletes
		defer func() {
			for i := range s.Inserts {
				if at, ok := m.At[s.Inserts[i].ID]; ok && s.Inserts[i].ID != "" {
					s.Inserts[i].At = at
				}
			}
		}()
	} else {
		for c := o.FirstChild; c != nil; c = c.NextSibling {
			if id := getID(c); id != "" {
				if old == nil {
					old = map[string]*html.Node{}
				}
				old[id] = c
			}
		}
	}
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue // the whitespace between items: the client's are its own
		}
		id := getID(c)
		if oc := old[id]; oc != nil && equalNode(oc, c) {
			continue
		}
		at := -1
		if mode == protocol.UpdatePrepend {
			at = k
			k++
		}
		src, _ := d.render([]*html.Node{c})
		s.Inserts = append(s.Inserts, protocol.StreamItem{ID: id, At: at, HTML: src})
	}
	return s
}

// diffStream sends the batch of a matched stream container: d.path leads
// to it.
func (d *differ) diffStream(o, n *html.Node, mode string) {
	for c := o.FirstChild; c != nil; c = c.NextSibling {
		collectIDs(c, &d.oldIDs)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		collectIDs(c, &d.newIDs)
	}
	s := d.batch(o, n, mode)
	if !s.Reset && len(s.Deletes) == 0 && len(s.Inserts) == 0 && (s.Limit == 0 || s.Limit == streamMeta(o).Limit) {
		return // nothing to do; a limit is sent with inserts, and when it changes
	}
	d.emit(protocol.Op{Kind: protocol.OpStream, Stream: s}, -1)
}

// applyStream applies an OpStream to the container n.
func applyStream(n *html.Node, s *protocol.StreamOp) error {
	if s == nil {
		return drift("stream op without a batch")
	}
	if n.Type != html.ElementNode {
		return drift("%s is not an element", describe(n))
	}
	if s.Reset {
		for c := n.FirstChild; c != nil; c = n.FirstChild {
			n.RemoveChild(c)
		}
	}
	for _, id := range s.Deletes {
		if c := childByID(n, id); c != nil {
			n.RemoveChild(c)
		}
	}
	for _, it := range s.Inserts {
		nodes, err := parseFragment([]byte(it.HTML), n)
		if err != nil {
			return err
		}
		placeItem(n, it.ID, it.At, nodes)
	}
	trim(n, s.Limit)
	return nil
}

// placeItem puts the nodes of one stream item in the container n.
func placeItem(n *html.Node, id string, at int, nodes []*html.Node) {
	ref := (*html.Node)(nil)
	if old := childByID(n, id); id != "" && old != nil {
		ref = old.NextSibling
		n.RemoveChild(old)
	} else if at >= 0 {
		ref = elementChild(n, at)
	}
	for _, c := range nodes {
		n.InsertBefore(c, ref)
	}
}

// trim removes element children of n beyond limit: from the end for a
// positive limit, from the start for a negative one.
func trim(n *html.Node, limit int) {
	if limit == 0 {
		return
	}
	count := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			count++
		}
	}
	keep := limit
	if keep < 0 {
		keep = -keep
	}
	for ; count > keep; count-- {
		c := n.LastChild
		if limit < 0 {
			c = n.FirstChild
		}
		for c.Type != html.ElementNode {
			if limit < 0 {
				c = c.NextSibling
			} else {
				c = c.PrevSibling
			}
		}
		n.RemoveChild(c)
	}
}

// childByID returns the element child of n with that id, or nil.
func childByID(n *html.Node, id string) *html.Node {
	if id == "" {
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && getID(c) == id {
			return c
		}
	}
	return nil
}

// elementChild returns the i-th element child of n, or nil.
func elementChild(n *html.Node, i int) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if i == 0 {
				return c
			}
			i--
		}
	}
	return nil
}

// carryStreams runs after a morph put the nodes fresh in place of old
// ones: each stream container in fresh whose id names a stream container
// among the old nodes keeps the old container's children and applies its
// own children as a batch, as the browser client does in a morph.
func carryStreams(old, fresh []*html.Node) {
	var owned map[string]*html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if id := getID(n); id != "" && streamMode(n) != "" {
			if owned == nil {
				owned = map[string]*html.Node{}
			}
			owned[id] = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	for _, n := range old {
		find(n)
	}
	if owned == nil {
		return
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		mode := streamMode(n)
		if o := owned[getID(n)]; mode != "" && o != nil && streamMode(o) == mode {
			mergeBatch(o, n, mode)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range fresh {
		walk(n)
	}
}

// mergeBatch gives the fresh container n the old one's children with n's
// own children applied to them as a batch.
func mergeBatch(o, n *html.Node, mode string) {
	var items []*html.Node
	for c := n.FirstChild; c != nil; c = n.FirstChild {
		n.RemoveChild(c)
		if c.Type == html.ElementNode {
			items = append(items, c)
		}
	}
	for c := o.FirstChild; c != nil; c = o.FirstChild {
		o.RemoveChild(c)
		n.AppendChild(c)
	}
	var m protocol.StreamMeta
	switch mode {
	case protocol.UpdateStream:
		m = streamMeta(n)
	}
	if m.Reset {
		for c := n.FirstChild; c != nil; c = n.FirstChild {
			n.RemoveChild(c)
		}
	}
	for _, id := range m.Deletes {
		if c := childByID(n, id); c != nil {
			n.RemoveChild(c)
		}
	}
	for k, c := range items {
		id := getID(c)
		at := -1
		if mode == protocol.UpdatePrepend {
			at = k
		} else if p, ok := m.At[id]; ok && id != "" {
			at = p
		}
		placeItem(n, id, at, []*html.Node{c})
	}
	trim(n, m.Limit)
}
