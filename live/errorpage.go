package live

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
)

// Errors a view's Mount returns to refuse its page. Wrap them to say more
// (fmt.Errorf("live: invoice %d: %w", id, live.ErrNotFound)): the Handler
// matches them with errors.Is.
var (
	// ErrNotFound, returned by Mount, answers the page's GET with 404 and
	// Options.ErrorPage; on a live join, the page reloads once to show it.
	ErrNotFound = errors.New("live: not found")
	// ErrForbidden, returned by Mount or an OnMount hook, answers the
	// page's GET with 403 and Options.ErrorPage; on a live join, the page
	// reloads once to show it.
	ErrForbidden = errors.New("live: forbidden")
)

// errorStatus is the HTTP status for a failed Mount: 404 and 403 for the
// sentinels, 500 for anything else.
func errorStatus(err error) int {
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	default:
		return http.StatusInternalServerError
	}
}

// serveError answers a page whose Mount failed with status and the app's
// error page inside its layout. The page has no live root and no client
// script: it is a plain page. If the error page itself fails, a plain-text
// answer with the same status goes out instead.
func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, status int, err error) {
	page := defaultErrorPage
	if h.opts.ErrorPage != nil {
		page = h.opts.ErrorPage
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if rerr := renderErrorPage(r.Context(), buf, h.opts.Layout, page, r, status, err); rerr != nil {
		h.log.ErrorContext(r.Context(), "live: error page failed", "path", r.URL.Path, "status", status, "err", rerr)
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderErrorPage renders the error page into the layout, turning a panic
// of either into an error: the page that reports a failure must not fail
// worse.
func renderErrorPage(ctx context.Context, w io.Writer, layout func(templ.Component) templ.Component,
	page func(*http.Request, int, error) templ.Component, r *http.Request, status int, err error) (rerr error) {
	defer func() {
		if p := recover(); p != nil {
			rerr = errors.New("live: error page panicked")
		}
	}()
	c := page(r, status, err)
	if c == nil {
		c = defaultErrorPage(r, status, err)
	}
	return layout(c).Render(ctx, w)
}

// defaultErrorPage shows the status and its text, and nothing of err, which
// may hold what a visitor must not see.
func defaultErrorPage(_ *http.Request, status int, _ error) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<main><h1>`+strconv.Itoa(status)+` `+
			html.EscapeString(http.StatusText(status))+`</h1></main>`)
		return err
	})
}
