package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
	"github.com/templive/templive/live"
)

// noteView shows the note its page's ?id= names, from a store the test
// changes: a missing note is not found.
type noteView struct {
	notes *sync.Map
	id    string
}

func (v *noteView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.id = r.URL.Query().Get("id")
	if _, ok := v.notes.Load(v.id); !ok {
		return fmt.Errorf("note %q: %w", v.id, live.ErrNotFound)
	}
	return nil
}

func (v *noteView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="note">note %s</p>`, templ.EscapeString(v.id))
		return err
	})
}

func notFoundPage(r *http.Request, status int, err error) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, werr := fmt.Fprintf(w, `<h1 id="error">%d: no such note</h1>`, status)
		return werr
	})
}

// notesApp serves noteView at /note under the demo's CSP. The GET goes
// to one Handler and the live connection to another that shares its
// secret, so every join mounts afresh, as on another instance; restart
// replaces the second, as a deploy would.
type notesApp struct {
	URL   string
	opts  func() *live.Options
	view  func() live.View
	mu    sync.Mutex
	joins *live.Handler
}

func serveNotes(t *testing.T, notes *sync.Map) *notesApp {
	t.Helper()
	a := &notesApp{
		opts: func() *live.Options {
			return &live.Options{
				Secrets:   [][]byte{[]byte("the secret every instance of the notes app shares")},
				Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
				ErrorPage: notFoundPage,
			}
		},
		view: func() live.View { return &noteView{notes: notes} },
	}
	pages := live.NewHandler(a.view, a.opts())
	a.joins = live.NewHandler(a.view, a.opts())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", demo.CSP)
		switch {
		case r.URL.Path == "/favicon.ico":
			w.WriteHeader(http.StatusNoContent)
		case strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
			a.mu.Lock()
			joins := a.joins
			a.mu.Unlock()
			joins.ServeHTTP(w, r)
		default:
			pages.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(func() {
		pages.Close()
		a.mu.Lock()
		a.joins.Close()
		a.mu.Unlock()
		srv.Close()
	})
	a.URL = srv.URL
	return a
}

// restart replaces the Handler of the live connections: its pages drop
// and rejoin the new one, which has lost their views.
func (a *notesApp) restart() {
	a.mu.Lock()
	old := a.joins
	a.joins = live.NewHandler(a.view, a.opts())
	a.mu.Unlock()
	old.Close()
}

const navStatus = `performance.getEntriesByType('navigation')[0].responseStatus`

// TestNotFoundPageInBrowser: a page whose Mount returns ErrNotFound is a
// 404 with the app's error page, a plain page that opens no live
// connection.
func TestNotFoundPageInBrowser(t *testing.T) {
	app := serveNotes(t, &sync.Map{})
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(app.URL+"/note?id=missing"))
	if got := text(t, ctx, "#error"); got != "404: no such note" {
		t.Fatalf("#error = %q, want the app's 404 page", got)
	}
	if got := eval[int](t, ctx, navStatus); got != 404 {
		t.Errorf("status %d, want 404", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[live-root], script').length`); n != 0 {
		t.Errorf("the error page has %d live roots or scripts, want a plain page", n)
	}
}

// TestDeletedWhileAwayReloadsToNotFound: a live page rejoins a server
// that lost its view (a deploy), and its note was deleted meanwhile, so
// the rejoin's Mount refuses it: the page reloads, once, and shows the
// 404 page.
func TestDeletedWhileAwayReloadsToNotFound(t *testing.T) {
	notes := &sync.Map{}
	notes.Store("7", true)
	app := serveNotes(t, notes)
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(app.URL+"/note?id=7"))
	waitFor(t, ctx, "the page to connect", connected)
	if got := text(t, ctx, "#note"); got != "note 7" {
		t.Fatalf("#note = %q", got)
	}
	eval[bool](t, ctx, `window.beforeReload = true`) // gone once the page reloads
	notes.Delete("7")
	app.restart()
	waitAcrossReload(t, ctx, "the 404 page", `(document.querySelector('#error')||{}).textContent === "404: no such note"`)
	if eval[bool](t, ctx, `window.beforeReload === true`) {
		t.Error("the error page shows without a reload")
	}
	if got := eval[int](t, ctx, navStatus); got != 404 {
		t.Errorf("the reload's status %d, want 404", got)
	}
}
