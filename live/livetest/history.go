package livetest

import (
	"net/url"
	"strings"
)

// History, as the browser keeps it for a tab and js/src/navigate.js walks
// it. Each live-patch, live-navigate, PushPatch, PushNavigate, js.Patch and
// js.Navigate adds an entry to the document the page shows, and a link to
// a fragment adds one too; js.Replace changes the current entry instead.
// A page loaded in full (a plain link) is a new document, and a reload
// makes the current entry's document a new one. Back and Forward within
// one document are popstate's: navigate.js patches an entry of the view's
// path and navigates to any other, whatever added it. An entry of another
// document is loaded in full, as the browser loads it when it keeps no
// copy of the page (livetest models no back-forward cache); once it is
// loaded, Back and Forward among that document's entries are popstate's
// again.

// An entry is one URL of the tab's history.
type entry struct {
	url string // path and query, as URL shows it, and a fragment link's fragment
	doc int    // the document that showed it: 1 for Open's, then one more for each load
}

// A histOp says how a navigation changes the history.
type histOp int

const (
	histPush     histOp = iota // a link or a push: a new entry after the current one
	histReplace                // js.Replace: the current entry's URL
	histTraverse               // Back and Forward: the page is at the entry already
)

// remember puts u into the history as op says; load tells a page loaded
// in full, a new document. A traversal only follows the redirects that
// took the entry elsewhere: its document stays the entry's.
func (p *Page) remember(op histOp, u string, load bool) {
	doc := p.history[p.at].doc
	if load && op != histTraverse {
		p.docs++
		doc = p.docs
	}
	switch op {
	case histPush:
		p.history = append(p.history[:p.at+1], entry{u, doc})
		p.at++
	case histReplace:
		p.history[p.at] = entry{u, doc}
	case histTraverse:
		p.history[p.at].url = u
	}
}

// newDocument makes the current entry's document a new one, as a reload
// does: the entries of the document left are loaded in full from now on.
func (p *Page) newDocument() {
	p.docs++
	p.history[p.at].doc = p.docs
}

// Back goes back one entry in the tab's history, as the browser's back
// button does with the client (js/src/navigate.js). An entry of the
// document the page shows is popstate's: a URL with the view's path is
// sent to the view, whose HandleParams runs (no Mount, no join); another
// path is navigated to as a live-navigate link is, its view joining over
// the open connection; an entry that differs only by its fragment changes
// nothing. An entry of another document (one a plain link left, or came
// to) is loaded in full, with a new connection, as the browser loads it
// again. Each ends as a click on a link ends; URL then shows the entry.
// Back fails the test when the history has no entry before the current
// one, or when the server redirected the page (Redirected). Scroll
// positions are not restored: livetest has no layout.
func (p *Page) Back() {
	p.t.Helper()
	p.traverse(-1, "Back")
}

// Forward goes forward one entry in the tab's history, as the browser's
// forward button does, each kind of entry as Back goes to it. It fails the
// test when the history has no entry after the current one: none was
// gone back from, or a navigation since dropped them.
func (p *Page) Forward() {
	p.t.Helper()
	p.traverse(1, "Forward")
}

// traverse goes step entries along the history, for method.
func (p *Page) traverse(step int, method string) {
	p.t.Helper()
	if p.redirect != "" {
		p.t.Fatalf("livetest: %s: %s: the server redirected the page to %s, which livetest does not follow: open it with Server.Open",
			p.path, method, p.redirect)
	}
	to := p.at + step
	if to < 0 || to >= len(p.history) {
		p.t.Fatalf("livetest: %s: %s: no entry to go to; the tab's history is %s", p.path, method, p.historyString())
	}
	left := p.history[p.at]
	p.at = to
	e := p.history[to]
	// The page's own URLs: they parse.
	u, _ := url.Parse(pageURL(e.url))
	cur, _ := url.Parse(pageURL(p.path))
	switch {
	case e.doc != left.doc:
		p.loadFull(u.RequestURI(), histTraverse)
	case u.RequestURI() == cur.RequestURI():
		// The fragment only: the browser scrolls, the view hears nothing.
	case u.Path == cur.Path:
		p.patchTo(u, histTraverse)
	default:
		p.navigateTo(u.RequestURI(), histTraverse)
	}
}

// historyString lists the history's URLs, the current one in brackets.
func (p *Page) historyString() string {
	var b strings.Builder
	for i, e := range p.history {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == p.at {
			b.WriteString("[" + e.url + "]")
		} else {
			b.WriteString(e.url)
		}
	}
	return b.String()
}

// withoutFragment returns u without its fragment.
func withoutFragment(u string) string {
	u, _, _ = strings.Cut(u, "#")
	return u
}
