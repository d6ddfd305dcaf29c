package e2e

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
	"github.com/templive/templive/live"
)

// TestIgnoreAttributesInBrowser: the server closes two <details> it had
// rendered open; the one with live-ignore-attributes="open" stays as the
// page has it, in Chromium as in livetest (TestIgnoreAttributes).
func TestIgnoreAttributesInBrowser(t *testing.T) {
	const (
		before = `<details id="kept" live-ignore-attributes="open" open><summary>kept</summary><p>k1</p></details>` +
			`<details id="plain" open><summary>plain</summary><p>p1</p></details>`
		after = `<details id="kept" live-ignore-attributes="open"><summary>kept</summary><p>k2</p></details>` +
			`<details id="plain"><summary>plain</summary><p>p2</p></details>`
	)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := live.NewHandler(func() live.View { return &fixtureView{before: before, after: after} }, &live.Options{Logger: quiet})
	mux := http.NewServeMux()
	mux.Handle("/ignore", h)
	mux.Handle("/_templive/", live.Assets())
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", demo.CSP)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { h.Close(); srv.Close() })

	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(srv.URL+"/ignore"))
	waitFor(t, ctx, "the live connection", connected)
	eval[bool](t, ctx, `window.templive.pages[0].push("next", {}), true`)
	waitFor(t, ctx, "the new render", `document.querySelector("#plain p").textContent === "p2" && document.querySelector("#kept p").textContent === "k2"`)
	is(t, ctx, `document.querySelector("#plain").open`, false)
	is(t, ctx, `document.querySelector("#kept").open`, true)
}
