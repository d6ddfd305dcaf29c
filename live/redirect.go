package live

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/templive/templive/internal/protocol"
)

// Redirect sends the page to target with a full page load, once the
// current callback returns. target is a path ("/login?next=%2Fcart") or an
// absolute http or https URL; anything else (a javascript: or data: URL, a
// relative path) returns an error and sends the page nowhere.
//
// From Mount or an OnMount hook during the page's plain GET, the GET is
// answered with 303 See Other to target, before any body. From a callback
// of a live view (Mount or a hook on the join, HandleEvent, HandleInfo, an
// async result), the page is sent a frame that makes it load target (its
// event's reply and the render go out first); the view ends when the page
// has gone. A later call replaces an earlier one.
//
// Redirect must be called from the view's own callbacks or its OnMount
// and OnEvent hooks.
func (c *Conn) Redirect(target string) error {
	if err := checkRedirect(target); err != nil {
		return err
	}
	c.s.redirect = target
	return nil
}

// checkRedirect accepts a path or an http(s) URL: the client assigns it to
// location, where a javascript: URL would run script.
func checkRedirect(target string) error {
	u, err := url.Parse(target)
	switch {
	case err != nil:
		return fmt.Errorf("live: Redirect(%q): %w", target, err)
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(target, "/"):
		return nil
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
		return nil
	}
	return fmt.Errorf("live: Redirect(%q): want a path that starts with / or an http(s) URL", target)
}

// redirectError is a join that ends in a redirect (Mount or a hook asked
// for one): the page is sent to url instead of being served.
type redirectError struct{ url string }

func (e redirectError) Error() string { return "redirected to " + e.url }

// redirectPage answers the GET with a 303 if the mount asked for a
// redirect, and reports whether it did.
func (s *session) redirectPage(w http.ResponseWriter, r *http.Request) bool {
	if s.redirect == "" {
		return false
	}
	http.Redirect(w, r, s.redirect, http.StatusSeeOther)
	return true
}

// leave sends the page away, if a callback asked for it and the page is
// connected: a frame that makes it load another URL. The view ends when the
// connection does (the page closes it as it goes), and ignores everything
// the page may still send.
func (s *session) leave() {
	if s.redirect == "" || s.cur == nil || s.left {
		return
	}
	s.send(protocol.AppendRedirect(nil, "redirect", s.redirect))
	s.left = true
}

// joinRefusal is what a join hears when its OnMount hooks or Mount refused
// the page (err) or sent it elsewhere: a redirect it follows; for
// ErrNotFound or ErrForbidden a reload, once, whose GET shows the error
// page (or meets the app's middleware, which may send it to a login page);
// and a second refusal stops the page in live-error. The page hears the
// status only: err is the app's.
func (h *Handler) joinRefusal(r *http.Request, s *session, err error) error {
	if err == nil {
		return redirectError{s.redirect}
	}
	if status := errorStatus(err); status != http.StatusInternalServerError {
		h.log.InfoContext(r.Context(), "live: join refused the page", "path", r.URL.Path, "status", status, "err", err)
		return reloadError{strings.ToLower(http.StatusText(status))}
	}
	return err
}
