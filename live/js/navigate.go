package js

import "github.com/templive/templive/internal/protocol"

// Navigation commands: a button, a row, a key binding can go to another URL
// as a live-patch or live-navigate link does, decided in the browser, with
// no event to the server first.

// Patch changes the page's URL to url, a path on the same site such as
// "/shop?tab=2", and sends it to the view, which keeps running: its
// HandleParams sees the new URL, no Mount runs, no page loads. It is what a
// click on a live-patch link does, through the same client code: a url
// with another path than the view's is followed as Navigate follows it.
// The new URL is a new history entry unless the Replace option is given.
//
// The browser refuses, with a console warning, a url that is not on the
// page's own origin (another site, a javascript: or data: URL); livetest
// fails the test.
func (c Commands) Patch(url string, opts ...Option) Commands {
	return c.add(protocol.CmdPatch, args{Href: url}, opts)
}

// Navigate goes to url, a path on the same site, as a click on a
// live-navigate link does: the browser GETs it (the app's middleware runs,
// redirects are followed) and, when the answer is a live page of the same
// Site (see live.Site), joins its view over the WebSocket already open;
// anything else is loaded in full. The new URL is a new history entry
// unless the Replace option is given. A url on another origin is refused
// as Patch refuses it.
func (c Commands) Navigate(url string, opts ...Option) Commands {
	return c.add(protocol.CmdNavigate, args{Href: url}, opts)
}

// Replace makes Patch and Navigate replace the current history entry
// instead of adding one, so that the browser's back button skips the URL
// left: for a filter or a tab that should not pile up in history.
func Replace() Option {
	return func(a *args) { a.Replace = true }
}

// Patch starts a chain with Commands.Patch.
func Patch(url string, opts ...Option) Commands { return Commands("").Patch(url, opts...) }

// Navigate starts a chain with Commands.Navigate.
func Navigate(url string, opts ...Option) Commands { return Commands("").Navigate(url, opts...) }
