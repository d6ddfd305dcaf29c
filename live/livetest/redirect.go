package livetest

import (
	"net/http"
	"strings"

	"golang.org/x/net/html"
)

// Redirected returns where the server sent the page with Conn.Redirect,
// or "" if it did not: the Location of a GET answered with a redirect
// (Open then leaves the page empty and does not join), or the target of a
// redirect frame (the page is then disconnected, as the browser's is when
// it loads the target, and shows what it showed last). It first handles
// what the server sent until a round trip with the view, so a Click that
// redirects, or a DisconnectSession that ended the page, is seen here. Open the target with Server.Open to follow
// it.
func (p *Page) Redirected() string {
	p.t.Helper()
	// Not only the page's own events send it away: DisconnectSession, a
	// message or a timer may have too. A sync's round trip sees it.
	p.unsynced = true
	p.sync()
	return p.redirect
}

// redirectGET handles a GET answered with a redirect: the page records
// where to and shows an empty document.
func (p *Page) redirectGET(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return false
	}
	p.redirect = resp.Header.Get("Location")
	doc, _ := html.Parse(strings.NewReader(""))  // never fails on a string
	p.doc, p.root = doc, doc.LastChild.LastChild // <html>'s <body>
	p.css = newSheet()
	return true
}

// followRedirect does what the client does with a redirect frame: it stops the
// connection (what was pending is lost with the page) and goes.
func (p *Page) followRedirect(url string) {
	p.t.Logf("livetest: %s: the server redirected the page to %s", p.path, url)
	p.redirect = url
	p.stop()
}
