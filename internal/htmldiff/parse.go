package htmldiff

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Parse parses src the way a browser parses the inner HTML of a <div> and
// returns a new <div> element whose children are the parsed nodes. The
// returned element stands for the live root container: Diff never patches
// its own attributes, and ops with an empty Target address it.
func Parse(src []byte) (*html.Node, error) {
	root := newRoot()
	nodes, err := parseFragment(src, root)
	if err != nil {
		return nil, fmt.Errorf("htmldiff: parse: %w", err)
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return root, nil
}

func newRoot() *html.Node {
	return &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
}

// errParserPanic reports a panic inside x/net/html. The parser is not
// supposed to panic, but Apply parses HTML that came over the wire and must
// never take its caller down with it.
var errParserPanic = errors.New("html parser panicked")

// parseFragment parses src in the context of ctx, as the fragment parsing
// algorithm does for innerHTML and insertAdjacentHTML.
func parseFragment(src []byte, ctx *html.Node) (nodes []*html.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			nodes, err = nil, fmt.Errorf("%w: %v", errParserPanic, r)
		}
	}()
	return html.ParseFragment(bytes.NewReader(src), ctx)
}

// InnerHTML serializes the children of n with html.Render: for a root from
// Parse, the HTML of the whole render (the payload of a morph of the root).
func InnerHTML(n *html.Node) (string, error) {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return "", fmt.Errorf("htmldiff: render: %w", err)
		}
	}
	return b.String(), nil
}
