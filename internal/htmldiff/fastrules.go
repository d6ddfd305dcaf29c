package htmldiff

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The fast builder's tree rules: where each start tag goes, as
// x/net/html's insertion modes would put it, or errSlow.

func (b *builder) startTag() error {
	tagStart := b.pos
	if err := b.readStartTag(); err != nil {
		return err
	}
	p := b.top()
	if p.Namespace != "" {
		return b.foreignStart(p, tagStart)
	}
	if b.selfClosing && !voidTag(b.tag) && b.tag != atom.Svg && b.tag != atom.Math {
		return errSlow // "/>" means nothing on an HTML element
	}
	switch p.DataAtom {
	case atom.Table:
		switch b.tag {
		case atom.Caption, atom.Colgroup, atom.Tbody, atom.Thead, atom.Tfoot:
			return b.open(b.element(""), tagStart)
		}
		return errSlow
	case atom.Tbody, atom.Thead, atom.Tfoot:
		if b.tag == atom.Tr {
			return b.open(b.element(""), tagStart)
		}
		return errSlow
	case atom.Tr:
		if b.tag == atom.Td || b.tag == atom.Th {
			return b.open(b.element(""), tagStart)
		}
		return errSlow
	case atom.Colgroup:
		if b.tag == atom.Col {
			b.void(b.element(""), tagStart)
			return nil
		}
		return errSlow
	}
	return b.bodyStart(tagStart)
}

// voidTag reports whether an HTML start tag with this name opens nothing.
func voidTag(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Br, atom.Embed, atom.Img, atom.Keygen, atom.Wbr, atom.Input, atom.Param,
		atom.Source, atom.Track, atom.Hr, atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta, atom.Col:
		return true
	}
	return false
}

// bodyStart handles a start tag where x/net/html is "in body" (or in a
// cell or caption, which differ only for tags that bail out here).
func (b *builder) bodyStart(tagStart int) error {
	switch b.tag {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Details, atom.Dialog, atom.Dir,
		atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Header, atom.Hgroup,
		atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Search, atom.Section, atom.Summary, atom.Ul,
		atom.Pre, atom.Listing, atom.Table:
		if b.inScope(atom.P, true) {
			return errSlow // closes the p
		}
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		if b.inScope(atom.P, true) {
			return errSlow
		}
		switch b.top().DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			return errSlow // closes the heading
		}
	case atom.Form:
		if b.onStack(atom.Form) || b.inScope(atom.P, true) {
			return errSlow
		}
	case atom.Li:
		if b.closesListItem(atom.Li, atom.Li) || b.inScope(atom.P, true) {
			return errSlow
		}
	case atom.Dd, atom.Dt:
		if b.closesListItem(atom.Dd, atom.Dt) || b.inScope(atom.P, true) {
			return errSlow
		}
	case atom.Button:
		if b.inScope(atom.Button, false) {
			return errSlow
		}
	case atom.A:
		if b.openLink() {
			return errSlow // the adoption agency
		}
		return b.open(b.formatting(), tagStart)
	case atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.S, atom.Small, atom.Strike, atom.Strong, atom.Tt, atom.U:
		return b.open(b.formatting(), tagStart)
	case atom.Nobr:
		if b.inScope(atom.Nobr, false) {
			return errSlow
		}
		return b.open(b.formatting(), tagStart)
	case atom.Hr:
		if b.inScope(atom.P, true) {
			return errSlow
		}
		b.void(b.element(""), tagStart)
		return nil
	case atom.Area, atom.Br, atom.Embed, atom.Img, atom.Keygen, atom.Wbr, atom.Input, atom.Param, atom.Source, atom.Track,
		atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta:
		b.void(b.element(""), tagStart)
		return nil
	case atom.Script, atom.Style, atom.Noframes, atom.Iframe, atom.Noembed, atom.Noscript:
		return b.rawText(tagStart, false)
	case atom.Xmp:
		if b.inScope(atom.P, true) {
			return errSlow
		}
		return b.rawText(tagStart, false)
	case atom.Title, atom.Textarea:
		return b.rawText(tagStart, true)
	case atom.Option, atom.Optgroup:
		if b.top().DataAtom == atom.Option {
			return errSlow // closes the option
		}
	case atom.Svg, atom.Math:
		return b.foreignElement(b.name, tagStart)
	case atom.Html, atom.Head, atom.Body, atom.Frameset, atom.Frame, atom.Template, atom.Image, atom.Plaintext,
		atom.Select, atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr,
		atom.Rb, atom.Rtc, atom.Rp, atom.Rt:
		return errSlow
	}
	return b.open(b.element(""), tagStart)
}

// formatting makes a formatting element: x/net/html sorts their
// attributes (for its Noah's Ark clause).
func (b *builder) formatting() *html.Node {
	n := b.element("")
	if len(n.Attr) > 1 {
		slices.SortFunc(n.Attr, func(x, y html.Attribute) int {
			if c := strings.Compare(x.Namespace, y.Namespace); c != 0 {
				return c
			}
			if c := strings.Compare(x.Key, y.Key); c != 0 {
				return c
			}
			return strings.Compare(x.Val, y.Val)
		})
	}
	return n
}

// inScope reports whether an HTML element with tag a is in (default or,
// with button, button) scope. stack[0], the root, stands where x/net/html
// has its html element: a boundary of every scope.
func (b *builder) inScope(a atom.Atom, button bool) bool {
	for i := len(b.stack) - 1; i > 0; i-- {
		n := b.stack[i]
		if n.Namespace != "" {
			if scopeBoundary(n) {
				return false
			}
			continue
		}
		if n.DataAtom == a {
			return true
		}
		switch n.DataAtom {
		case atom.Applet, atom.Caption, atom.Html, atom.Table, atom.Td, atom.Th, atom.Marquee, atom.Object, atom.Template, atom.Select:
			return false
		case atom.Button:
			if button {
				return false
			}
		}
	}
	return false
}

// scopeBoundary reports whether the foreign element n bounds the default
// scope.
func scopeBoundary(n *html.Node) bool {
	switch n.Namespace {
	case "math":
		switch n.DataAtom {
		case atom.AnnotationXml, atom.Mi, atom.Mn, atom.Mo, atom.Ms, atom.Mtext:
			return true
		}
	case "svg":
		switch n.DataAtom {
		case atom.Desc, atom.ForeignObject, atom.Title:
			return true
		}
	}
	return false
}

func (b *builder) onStack(a atom.Atom) bool {
	for i := len(b.stack) - 1; i > 0; i-- {
		if n := b.stack[i]; n.DataAtom == a && n.Namespace == "" {
			return true
		}
	}
	return false
}

// closesListItem reports whether an li (or dd, dt) start tag closes an
// open list item: x/net/html's walk down the stack.
func (b *builder) closesListItem(x, y atom.Atom) bool {
	for i := len(b.stack) - 1; i > 0; i-- {
		n := b.stack[i]
		switch n.DataAtom {
		case x, y:
			return true
		case atom.Address, atom.Div, atom.P:
			continue
		}
		if specialElement(n) {
			return false
		}
	}
	return false
}

// specialElement is x/net/html's isSpecialElement.
func specialElement(n *html.Node) bool {
	switch n.Namespace {
	case "":
		switch n.DataAtom {
		case atom.Address, atom.Applet, atom.Area, atom.Article, atom.Aside, atom.Base, atom.Basefont, atom.Bgsound,
			atom.Blockquote, atom.Body, atom.Br, atom.Button, atom.Caption, atom.Center, atom.Col, atom.Colgroup,
			atom.Dd, atom.Details, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Embed, atom.Fieldset, atom.Figcaption,
			atom.Figure, atom.Footer, atom.Form, atom.Frame, atom.Frameset, atom.H1, atom.H2, atom.H3, atom.H4,
			atom.H5, atom.H6, atom.Head, atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Iframe, atom.Img,
			atom.Input, atom.Keygen, atom.Li, atom.Link, atom.Listing, atom.Main, atom.Marquee, atom.Menu, atom.Meta,
			atom.Nav, atom.Noembed, atom.Noframes, atom.Noscript, atom.Object, atom.Ol, atom.P, atom.Param,
			atom.Plaintext, atom.Pre, atom.Script, atom.Section, atom.Select, atom.Source, atom.Style, atom.Summary,
			atom.Table, atom.Tbody, atom.Td, atom.Template, atom.Textarea, atom.Tfoot, atom.Th, atom.Thead,
			atom.Title, atom.Tr, atom.Track, atom.Ul, atom.Wbr, atom.Xmp:
			return true
		}
		return false
	}
	return scopeBoundary(n)
}

// openLink reports whether an a element is open since the last scope
// marker, as x/net/html's list of active formatting elements would say.
func (b *builder) openLink() bool {
	for i := len(b.stack) - 1; i > 0; i-- {
		switch n := b.stack[i]; n.DataAtom {
		case atom.A:
			return true
		case atom.Td, atom.Th, atom.Caption, atom.Applet, atom.Marquee, atom.Object, atom.Template:
			return false
		}
	}
	return false
}

// foreignElement adds an svg or math element in HTML content.
func (b *builder) foreignElement(ns string, tagStart int) error {
	b.adjustForeign(ns)
	n := b.element(ns)
	if b.selfClosing {
		b.void(n, tagStart)
		return nil
	}
	return b.open(n, tagStart)
}

// foreignStart handles a start tag inside SVG or MathML.
func (b *builder) foreignStart(p *html.Node, tagStart int) error {
	if breakout[b.name] || b.tag == atom.Font || b.tag == atom.AnnotationXml || scopeBoundary(p) {
		return errSlow // HTML content, integration points
	}
	if p.Namespace == "svg" {
		if x := svgTagNameAdjustments[b.name]; x != "" {
			b.name, b.tag = x, atom.Lookup([]byte(x))
		}
	}
	return b.foreignElement(p.Namespace, tagStart)
}

// adjustForeign renames the attributes in b.tmp as x/net/html does on
// SVG and MathML elements.
func (b *builder) adjustForeign(ns string) {
	m := svgAttributeAdjustments
	if ns == "math" {
		m = mathMLAttributeAdjustments
	}
	for i := range b.tmp {
		a := &b.tmp[i]
		if x, ok := m[a.Key]; ok {
			a.Key = x
		}
		switch a.Key {
		case "xlink:actuate", "xlink:arcrole", "xlink:href", "xlink:role", "xlink:show",
			"xlink:title", "xlink:type", "xml:lang", "xml:space", "xmlns:xlink":
			j := strings.IndexByte(a.Key, ':')
			a.Namespace, a.Key = a.Key[:j], a.Key[j+1:]
		}
	}
}
