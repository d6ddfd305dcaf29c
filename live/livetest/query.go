package livetest

import (
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// HTML returns the HTML inside the page's live root: the view's render as
// the page shows it, patches, JS commands and typed values included.
func (p *Page) HTML() string { return innerHTML(p.root) }

// Find returns the elements of the whole document that the CSS selector
// sel matches, possibly none, for goquery's assertions. The selection
// shares the page's DOM: read it before the next call that waits for the
// server. It fails the test when sel is not a valid selector.
func (p *Page) Find(sel string) *goquery.Selection {
	p.t.Helper()
	return goquery.NewDocumentFromNode(p.doc).FindMatcher(p.compile("Find", sel))
}

// Get is Find for elements that must be there: it fails the test, showing
// the HTML nearest to what sel describes, when sel matches nothing.
func (p *Page) Get(sel string) *goquery.Selection {
	p.t.Helper()
	s := p.Find(sel)
	if s.Length() == 0 {
		p.t.Fatalf("livetest: %s matches nothing; %s", quoteSel(sel), p.nearby(sel))
	}
	return s
}

// Text returns the text of the first element sel matches, and fails the
// test as Get when there is none.
func (p *Page) Text(sel string) string {
	p.t.Helper()
	return textContent(p.one("Text", sel))
}

// Value returns what the form field sel matches holds, as a user sees it:
// the text of an input or textarea, the chosen values of a select
// (separated by newlines), "on" or "" for a checkbox or radio. It fails
// the test as Get when sel matches nothing.
func (p *Page) Value(sel string) string {
	p.t.Helper()
	el := p.one("Value", sel)
	switch fieldType(el) {
	case "checkbox", "radio":
		if hasAttr(el, "checked") {
			return "on"
		}
		return ""
	}
	return strings.Join(p.readValue(el), "\n")
}

// Visible reports whether the first element sel matches is displayed:
// neither it nor an ancestor has display none, by its inline style (JS
// commands set it), the hidden attribute, or the page's stylesheets (see
// the package documentation). It fails the test as Get when sel matches
// nothing.
func (p *Page) Visible(sel string) bool {
	p.t.Helper()
	return p.css.visible(p.one("Visible", sel))
}

// one returns the first element sel matches, or fails the test for
// method.
func (p *Page) one(method, sel string) *html.Node {
	p.t.Helper()
	n := cascadia.Query(p.doc, p.compile(method, sel))
	if n == nil {
		p.t.Fatalf("livetest: %s(%s): it matches nothing; %s", method, quoteSel(sel), p.nearby(sel))
	}
	return n
}

func (p *Page) compile(method, sel string) cascadia.Selector {
	p.t.Helper()
	s, err := cascadia.Compile(sel)
	if err != nil {
		p.t.Fatalf("livetest: %s(%s): not a CSS selector: %v", method, quoteSel(sel), err)
	}
	return s
}

func quoteSel(sel string) string { return fmt.Sprintf("%q", sel) }

// around shows the HTML around el, for a failure message.
func (p *Page) around(el *html.Node) string {
	if el == nil {
		return "the page shows:\n" + cut(innerHTML(p.root), 2000)
	}
	n := el
	if n.Parent != nil && n.Parent.Type == html.ElementNode && n != p.root {
		n = n.Parent
	}
	return "around it:\n" + outerHTML(n, 2000)
}

// nearby explains a selector that matches nothing: the HTML of what its
// longest matching prefix matches (for "#list li.done", what "#list"
// matches), or the live root's, and the ids in the page when it asks for
// one.
func (p *Page) nearby(sel string) string {
	var b strings.Builder
	first := splitTop(sel, ',')[0]
	cuts := compoundEnds(first)
	shown := false
	for i := len(cuts) - 2; i >= 0 && !shown; i-- {
		prefix := strings.TrimSpace(first[:cuts[i]])
		s, err := cascadia.Compile(prefix)
		if err != nil {
			continue
		}
		if n := cascadia.Query(p.doc, s); n != nil {
			fmt.Fprintf(&b, "%q matches %s:\n%s", prefix, describe(n), outerHTML(n, 2000))
			shown = true
		}
	}
	if !shown {
		fmt.Fprintf(&b, "the page shows:\n%s", cut(innerHTML(p.root), 2000))
	}
	if strings.Contains(first, "#") {
		var ids []string
		walk(p.root, func(n *html.Node) {
			if id, ok := attr(n, "id"); ok && len(ids) < 40 {
				ids = append(ids, "#"+id)
			}
		})
		if len(ids) > 0 {
			fmt.Fprintf(&b, "\nids in the page: %s", strings.Join(ids, " "))
		}
	}
	return b.String()
}

// compoundEnds returns where each compound selector of sel ends: before
// the combinator (whitespace, >, +, ~) that follows it, and at len(sel).
func compoundEnds(sel string) []int {
	var ends []int
	depth := 0
	var quote byte
	inCompound := false
	for i := 0; i < len(sel); i++ {
		c := sel[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case c == '\\':
			i++
		case depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '>' || c == '+' || c == '~'):
			if inCompound {
				ends = append(ends, i)
				inCompound = false
			}
			continue
		}
		inCompound = true
	}
	return append(ends, len(sel))
}
