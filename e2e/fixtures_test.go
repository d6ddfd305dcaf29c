package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
	"github.com/templive/templive/live"
)

// fixtureView renders one golden fixture's before.html, and its after.html
// once it gets the event "next": the real differ, the real wire and the
// real client in a real browser then take the page from one to the other.
type fixtureView struct {
	before, after string
	done          bool
}

func (v *fixtureView) Render() templ.Component {
	html := v.before
	if v.done {
		html = v.after
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, html)
		return err
	})
}

func (v *fixtureView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	v.done = true
	return nil
}

// sameTree compares the live root's children with after.html parsed by the
// browser itself: node types, names, namespaces, attributes (as a set), text.
const sameTree = `(() => {
  const root = document.querySelector('[live-root]');
  const want = document.createElement('div');
  want.innerHTML = %s;
  const describe = (n) => n.nodeType === 1 ? '<' + n.namespaceURI + ' ' + n.localName + '>' : JSON.stringify(n.nodeValue);
  const attrs = (e) => Array.from(e.attributes).map(a => (a.namespaceURI||'') + ' ' + a.name + '=' + a.value).sort().join('|');
  const cmp = (a, b, path) => {
    if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName || (a.nodeType === 1 && a.namespaceURI !== b.namespaceURI))
      return path + ': got ' + describe(a) + ', want ' + describe(b);
    if (a.nodeType !== 1) return a.nodeValue === b.nodeValue ? '' : path + ': text ' + JSON.stringify(a.nodeValue) + ', want ' + JSON.stringify(b.nodeValue);
    if (attrs(a) !== attrs(b)) return path + ': attributes ' + attrs(a) + ', want ' + attrs(b);
    const ka = a.localName === 'template' ? a.content.childNodes : a.childNodes;
    const kb = b.localName === 'template' ? b.content.childNodes : b.childNodes;
    if (ka.length !== kb.length) return path + ': ' + ka.length + ' children, want ' + kb.length;
    for (let i = 0; i < ka.length; i++) { const d = cmp(ka[i], kb[i], path + '/' + i); if (d) return d; }
    return '';
  };
  const ka = root.childNodes, kb = want.childNodes;
  if (ka.length !== kb.length) return 'root: ' + ka.length + ' children, want ' + kb.length;
  for (let i = 0; i < ka.length; i++) { const d = cmp(ka[i], kb[i], '' + i); if (d) return d; }
  return '';
})()`

// TestFixturesInBrowser runs every golden patch fixture through the whole
// stack in Chromium: the client's result must equal the browser's own parse
// of after.html, as the Go applier's result equals Go's parse of it.
func TestFixturesInBrowser(t *testing.T) {
	dirs, _ := filepath.Glob("../internal/htmldiff/testdata/fixtures/*")
	var cases []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "ops.json")); err == nil {
			cases = append(cases, d)
		}
	}
	if len(cases) == 0 {
		t.Fatal("no fixtures found in internal/htmldiff/testdata/fixtures")
	}
	browser := newBrowser(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, dir := range cases {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			before, err1 := os.ReadFile(filepath.Join(dir, "before.html"))
			after, err2 := os.ReadFile(filepath.Join(dir, "after.html"))
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			h := live.NewHandler(func() live.View {
				return &fixtureView{before: string(before), after: string(after)}
			}, &live.Options{Logger: quiet})
			mux := http.NewServeMux()
			mux.Handle("/fixture", h)
			mux.Handle("/_templive/", live.Assets())
			mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Security-Policy", demo.CSP) // what the demo runs under
				mux.ServeHTTP(w, r)
			}))
			defer func() { h.Close(); srv.Close() }()

			ctx := newTab(t, browser)
			console := consoleLog(t, ctx)
			run(t, ctx, chromedp.Navigate(srv.URL+"/fixture"))
			waitFor(t, ctx, "the live connection", connected)
			eval[bool](t, ctx, `window.templive.pages[0].push("next", {}), true`)
			expr := fmt.Sprintf(sameTree, jsString(string(after)))
			tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`(`+expr+`) === ''`, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
				t.Fatalf("the browser's DOM differs from after.html: %s", eval[string](t, ctx, expr))
			}
			// A drift would have been healed by a full resync: the DOM
			// would match, but the ops would have failed. The client
			// warns when it resyncs.
			// The strict CSP refuses to apply a fixture's own <style>
			// elements, and says so: that is the CSP working, not the
			// client needing inline style.
			ownStyle := strings.Contains(string(before)+string(after), "<style")
			for _, m := range console() {
				if ownStyle && strings.HasPrefix(m.Text, "Applying inline style violates") {
					continue
				}
				if m.Type == chromedp.ConsoleWarning || m.Type == chromedp.ConsoleError || m.IsException() {
					t.Errorf("console %s: %s", m.Type, m.Text)
				}
			}
		})
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
