package e2e

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/templive/templive/examples/form"
	"github.com/templive/templive/internal/demo"
	"github.com/templive/templive/live"
)

// xssPayloads are what an attacker types into a field whose value the
// server echoes. Each would run script if the client put text in as HTML.
var xssPayloads = []string{
	`<img src=x onerror="window.__xss=1">`,
	`<script>window.__xss=1</script>`,
	`"><svg onload=window.__xss=1>`,
}

// TestTypedMarkupStaysText types markup into /form, whose server echoes the
// query in #server-query, in the input's value and, on submit, in #flash:
// every echo must show the characters typed and create no element, and no
// script may run, both under the demo's strict CSP and, as a second line
// of defence, on a server that sends no CSP at all.
func TestTypedMarkupStaysText(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := live.NewHandler(form.New, &live.Options{Logger: quiet})
	mux := http.NewServeMux()
	mux.Handle("/form", h)
	mux.Handle("/_templive/", live.Assets())
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	noCSP := httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); noCSP.Close() })

	for _, site := range []struct{ name, url string }{
		{"strict CSP", startDemo(t, demo.Config{})},
		{"no CSP", noCSP.URL},
	} {
		t.Run(site.name, func(t *testing.T) {
			ctx := newBrowser(t)
			spy(t, ctx)
			console := consoleLog(t, ctx)
			run(t, ctx, chromedp.Navigate(site.url+"/form"))
			waitFor(t, ctx, "the live connection", connected)
			for _, p := range xssPayloads {
				run(t, ctx, chromedp.SendKeys(chromedp.CSS("#query"), p))
				waitText(t, ctx, "#server-query", p)
				if got := eval[string](t, ctx, `document.querySelector('#query').getAttribute('value')`); got != p {
					t.Errorf("the input's value attribute is %q, want %q", got, p)
				}
				run(t, ctx, chromedp.SendKeys(chromedp.CSS("#query"), kb.Enter))
				waitText(t, ctx, "#flash", "Form submitted with query: "+p)
				waitText(t, ctx, "#server-query", "")
				for _, sel := range []string{"#server-query", "#flash", "#query-error"} {
					if n := eval[int](t, ctx, fmt.Sprintf(`document.querySelectorAll('%s *').length`, sel)); n != 0 {
						t.Errorf("%s holds %d elements after %q was echoed: markup went in as HTML", sel, n, p)
					}
				}
				if n := eval[int](t, ctx, `document.querySelectorAll('[live-root] img, [live-root] script, [live-root] svg').length`); n != 0 {
					t.Errorf("%d injected elements in the page after %q", n, p)
				}
			}
			if eval[bool](t, ctx, `window.__xss !== undefined`) {
				t.Fatal("the typed script ran")
			}
			noCSPViolations(t, ctx) // an injected inline handler would be one
			for _, m := range console() {
				if m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
					t.Errorf("console %s: %s", m.Type, m.Text)
				}
			}
		})
	}
}

// TestDemoSendsStrictCSP checks the header every browser test of the demo
// runs under: no inline script, no eval.
func TestDemoSendsStrictCSP(t *testing.T) {
	base := startDemo(t, demo.Config{})
	for _, path := range []string{"/", "/counter", "/form", "/chat"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "default-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
			if strings.Contains(csp, bad) {
				t.Errorf("%s: CSP %q allows %q", path, csp, bad)
			}
		}
	}
}
