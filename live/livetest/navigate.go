package livetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// Links, as js/src/navigate.js follows them: a live-patch link to the
// view's path sends the view the new URL; a live-patch to another path and
// a live-navigate link GET the new URL (redirects followed, cookies sent)
// and join its view over the open connection; any other link loads the new
// page in full, as a browser does once the click's live-click, if any, is
// sent.

// URL returns the page's current path and query, as the address bar shows
// it: the opened path, then each patch's and navigation's.
func (p *Page) URL() string { return p.path }

// Title returns the document's title, as the browser tab shows it: the
// page's <title>, then each title the view sets (see live.Titler).
func (p *Page) Title() string {
	var title string
	walk(p.doc, func(n *html.Node) {
		if title == "" && isElement(n, "title") {
			title = textContent(n)
		}
	})
	return strings.TrimSpace(title)
}

// Flash returns the text of the flash message of kind that the page shows
// (the element with live-flash="kind"), or "" when it shows none.
func (p *Page) Flash(kind string) string {
	var msg string
	found := false
	walk(p.root, func(n *html.Node) {
		if !found && n.Type == html.ElementNode && attrOr(n, protocol.AttrFlash, "\x00") == kind && ownedBy(p.root, n) {
			found = true
			msg = strings.TrimSpace(textContent(n))
		}
	})
	return msg
}

// link returns the link el is in, if it belongs to the root and a browser
// would follow it on a plain click.
func (p *Page) link(el *html.Node) *html.Node {
	a := closest(el, func(n *html.Node) bool { return isElement(n, "a") && hasAttr(n, "href") })
	if a == nil || !ownedBy(p.root, a) || hasAttr(a, "download") {
		return nil
	}
	if t := attrOr(a, "target", ""); t != "" && t != "_self" {
		return nil
	}
	return a
}

// follow follows link a after its click's events are answered.
func (p *Page) follow(a *html.Node) {
	p.t.Helper()
	href := attrOr(a, "href", "")
	u, err := url.Parse(pageURL(p.path))
	if err == nil {
		u, err = u.Parse(href)
	}
	if err != nil || u.Host != Host {
		p.t.Fatalf("livetest: the link %s leaves the site (%q): livetest follows links of its Server only", describe(a), href)
	}
	cur, _ := url.Parse(pageURL(p.path))
	switch {
	case u.Path == cur.Path && u.RawQuery == cur.RawQuery && u.Fragment != "":
		// A link to a fragment of the page: the browser scrolls, and adds
		// an entry to the history that Back and Forward scroll to.
		p.remember(histPush, u.RequestURI()+"#"+u.EscapedFragment(), false)
	case hasAttr(a, protocol.AttrPatch) && u.Path == cur.Path && p.c != nil:
		p.patchTo(u, histPush)
	case (hasAttr(a, protocol.AttrPatch) || hasAttr(a, protocol.AttrNavigate)) && p.c != nil:
		p.navigateTo(u.RequestURI(), histPush)
	default:
		p.loadFull(u.RequestURI(), histPush)
	}
}

// patchTo sends the view the URL u, as a live-patch link does, and puts
// it in the history as op says.
func (p *Page) patchTo(u *url.URL, op histOp) {
	p.t.Helper()
	p.path = u.RequestURI()
	p.remember(op, p.path, false)
	p.begin()
	p.send(protocol.NavPatch, map[string]any{protocol.ValueURL: p.path}, nil, "", nil)
	p.end()
}

// get GETs path as fetch does, following redirects, and returns the final
// path, the status and the body.
func (p *Page) get(path string) (string, int, string) {
	p.t.Helper()
	for range 10 {
		resp, err := p.s.client.Get(pageURL(path))
		if err != nil {
			p.t.Fatalf("livetest: GET %s: %v", path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			p.t.Fatalf("livetest: GET %s: %v", path, err)
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
			return path, resp.StatusCode, string(body)
		}
		u, _ := url.Parse(pageURL(path))
		next, err := u.Parse(loc)
		if err != nil || next.Host != Host {
			p.t.Fatalf("livetest: GET %s redirects off the site, to %q", path, loc)
		}
		path = next.RequestURI()
	}
	p.t.Fatalf("livetest: GET %s: too many redirects", path)
	return "", 0, ""
}

// show makes the HTML page body the page's DOM, as a browser shows a page
// it loaded. It reports false if body is not a live page.
func (p *Page) show(path, body string) bool {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return false
	}
	var root *html.Node
	walk(doc, func(n *html.Node) {
		if root == nil && hasAttr(n, protocol.AttrRoot) {
			root = n
		}
	})
	if root == nil {
		return false
	}
	p.path, p.doc, p.root = path, doc, root
	p.focused = nil
	clear(p.sticky)
	clear(p.typed)
	p.applied = 0
	p.loadStyles()
	return true
}

// dropPending forgets the events of the page left: its view will not
// answer them.
func (p *Page) dropPending(why string) {
	for _, e := range p.pending {
		e.done, e.err = true, why
	}
	p.pending = nil
}

// loadFull loads path as a new page, a new document in the history as op
// says: the connection of the page left closes, and the new page joins its
// own.
func (p *Page) loadFull(path string, op histOp) {
	p.t.Helper()
	p.shut()
	p.joined = false
	p.dropPending("page left")
	final, status, body := p.get(path)
	if status != http.StatusOK || !p.show(final, body) {
		p.t.Fatalf("livetest: followed a link to %s: %d, not a live page\n%s", final, status, cut(body, 2000))
	}
	p.remember(op, p.path, true)
	p.join()
}

// navigateTo does what a live-navigate link does: GET path, show its
// page, put its URL (redirects followed) in the history as op says, and
// join its view over the open connection; a page that is not live, or a
// view the server does not find for this connection, is loaded in full.
func (p *Page) navigateTo(path string, op histOp) {
	p.t.Helper()
	final, status, body := p.get(path)
	if status != http.StatusOK {
		p.t.Fatalf("livetest: navigating to %s: %d\n%s", final, status, cut(body, 2000))
	}
	p.dropPending("navigated away")
	if !p.show(final, body) {
		p.t.Fatalf("livetest: navigating to %s: not a live page\n%s", final, cut(body, 2000))
	}
	p.remember(op, p.path, false)
	if p.c == nil || !p.joined {
		p.shut()
		p.join()
		return
	}
	p.joined, p.syncRef, p.barrier, p.resyncing, p.unsynced = false, 0, 0, false, false
	p.reloaded = false
	p.sendFrame([]any{protocol.KindJoin, map[string]any{
		protocol.KeyVersion: protocol.Version,
		protocol.KeyToken:   attrOr(p.root, protocol.AttrToken, ""),
		protocol.KeyURL:     pageURL(p.path),
		protocol.KeyApplied: 0,
		protocol.KeyForms:   []any{},
	}})
	p.wait(fmt.Sprintf("answer to the navigation to %s", p.path), func() bool { return p.joined || p.c == nil })
	if !p.joined {
		// Refused (another site, a view the server lost): reloaded in full.
		p.join()
	}
}

// navPush handles the client's own pushes of navigation. It reports false
// for any other push.
func (p *Page) navPush(name string, payload []byte) bool {
	var s string
	switch name {
	case protocol.PushTitle, protocol.PushPatch, protocol.PushNavigate:
		if err := jsonString(payload, &s); err != nil {
			p.report("%s: the server pushed %s with a payload that is not a string: %.100s", p.path, name, payload)
			return true
		}
	default:
		return false
	}
	switch name {
	case protocol.PushTitle:
		walk(p.doc, func(n *html.Node) {
			if isElement(n, "title") {
				setText(n, s)
			}
		})
	case protocol.PushPatch:
		// The view has the URL already: only the address bar and the
		// history follow, unless the page shows it.
		if withoutFragment(s) != withoutFragment(p.path) {
			p.remember(histPush, s, false)
		}
		p.path = s
	case protocol.PushNavigate:
		p.navTo, p.navRepl = s, false
	}
	return true
}

// navigated follows a PushNavigate the server sent, once the action that
// caused it is answered.
func (p *Page) navigated() {
	p.t.Helper()
	if p.navTo == "" {
		return
	}
	to, op := p.navTo, histPush
	if p.navRepl {
		op = histReplace
	}
	p.navTo, p.navRepl = "", false
	p.navigateTo(to, op)
}

func jsonString(raw []byte, s *string) error { return json.Unmarshal(raw, s) }

// Client returns the HTTP client the Server's pages use, with their
// cookie jar, for what a test does outside a live page as the same user:
// post a plain login form, call an API. It follows no redirects.
func (s *Server) Client() *http.Client { return s.client }

// goCommand runs a patch or navigate JS command as navigate.js's follow
// does: a patch to the view's path sends the URL at once, in the chain's
// order; a navigation (or a patch to another path) is followed once the
// action's events are answered, as the browser's fetch answers after them.
// With Replace, the URL replaces the current history entry instead of
// adding one. A URL the browser refuses (off the site, javascript:, none)
// fails the test: the browser would only warn and go nowhere, which a test
// should not miss.
func (p *Page) goCommand(op string, a *cmdArgs, el *html.Node) {
	p.t.Helper()
	var href string
	if json.Unmarshal(a.Href, &href) != nil || href == "" {
		p.report("%s: JS command %s on %s has no URL (the browser warns and goes nowhere): %s", p.path, op, describe(el), a.Href)
		return
	}
	base, _ := url.Parse(pageURL(p.path))
	u, err := base.Parse(href)
	if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
		p.report("%s: JS command %s on %s: %q refused: not on this site (the browser warns and goes nowhere)", p.path, op, describe(el), href)
		return
	}
	var replace bool
	json.Unmarshal(a.Replace, &replace) // the client replaces for true only
	hop := histPush
	if replace {
		hop = histReplace
	}
	if op == protocol.CmdPatch && u.Path == base.Path {
		p.path = u.RequestURI()
		p.remember(hop, p.path, false)
		p.send(protocol.NavPatch, map[string]any{protocol.ValueURL: p.path}, nil, "", nil)
		return
	}
	p.navTo, p.navRepl = u.RequestURI(), replace
}
