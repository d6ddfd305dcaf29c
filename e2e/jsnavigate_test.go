package e2e

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
)

// jsNavView has buttons whose JS commands patch and navigate; mounts
// counts the Mounts of every view of the app.
type jsNavView struct {
	name   string
	x      string
	mounts *atomic.Int32
}

func (v *jsNavView) Mount(context.Context, *live.Conn, *http.Request) error {
	v.mounts.Add(1)
	return nil
}

func (v *jsNavView) HandleParams(_ context.Context, _ *live.Conn, u *url.URL) error {
	v.x = u.Query().Get("x")
	return nil
}

func (v *jsNavView) Render() templ.Component {
	buttons := []struct {
		id  string
		cmd js.Commands
	}{
		{"patch", js.Patch("/a?x=2")},
		{"replace", js.Patch("/a?x=5", js.Replace())},
		{"nav", js.AddClass("going").Navigate("/b?x=3")},
		{"evil", js.Navigate("https://evil.example/")},
		{"script", js.Patch("javascript:document.title='pwned'")},
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		var b strings.Builder
		fmt.Fprintf(&b, `<div id="%s"><p id="x">%s</p>`, v.name, html.EscapeString(v.x))
		for _, bt := range buttons {
			fmt.Fprintf(&b, `<button id="%s" live-click="%s">%s</button>`, bt.id, html.EscapeString(bt.cmd.String()), bt.id)
		}
		b.WriteString(`</div>`)
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// TestJSPatchAndNavigateInTheBrowser: js.Patch changes the URL and the
// view's params with no Mount and no join; js.Replace adds no history
// entry; js.Navigate reaches another live page over the same WebSocket,
// without a page load; URLs off the site are refused with a console
// warning, as livetest fails them (live.TestJSNavigateOffTheSiteFails).
func TestJSPatchAndNavigateInTheBrowser(t *testing.T) {
	mounts := new(atomic.Int32)
	site := live.NewSite()
	mux := http.NewServeMux()
	for _, name := range []string{"a", "b"} {
		h := live.NewHandler(func() live.View { return &jsNavView{name: name, mounts: mounts} }, &live.Options{Site: site})
		t.Cleanup(func() { h.Close() })
		mux.Handle("/"+name, h)
	}
	mux.Handle("/_templive/", live.Assets())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	ctx := newBrowser(t)
	w := listenWire(t, ctx)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(srv.URL+"/a?x=1"))
	waitFor(t, ctx, "the live connection", connected)
	eval[bool](t, ctx, `window.__noReload = true`)
	if mounts.Load() != 1 {
		t.Fatalf("%d Mounts for one page, want 1", mounts.Load())
	}

	d, u, f := w.mark()
	entries := eval[float64](t, ctx, `history.length`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#patch")))
	waitFor(t, ctx, "the patched URL", pageURL+` === "/a?x=2" && document.querySelector("#x").textContent === "2"`)
	_, up, _ := w.since(d, u, f)
	for _, fr := range up {
		if strings.HasPrefix(fr, "[0,") {
			t.Fatalf("js.Patch sent a join: %s", fr)
		}
	}
	if got := eval[float64](t, ctx, `history.length`); got != entries+1 {
		t.Fatalf("history has %v entries after js.Patch, want %v", got, entries+1)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#replace")))
	waitFor(t, ctx, "the replaced URL", pageURL+` === "/a?x=5" && document.querySelector("#x").textContent === "5"`)
	if got := eval[float64](t, ctx, `history.length`); got != entries+1 {
		t.Fatalf("history has %v entries after js.Patch with js.Replace, want %v", got, entries+1)
	}
	if mounts.Load() != 1 {
		t.Fatalf("%d Mounts after two patches, want still 1", mounts.Load())
	}

	refused := func() int {
		n := 0
		for _, m := range console() {
			if m.Type == chromedp.ConsoleWarning && strings.Contains(m.Text, "refused: not on this site") {
				n++
			}
		}
		return n
	}
	for i, sel := range []string{"#evil", "#script"} {
		run(t, ctx, chromedp.Click(chromedp.CSS(sel)))
		deadline := time.Now().Add(10 * time.Second)
		for refused() != i+1 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := refused(); n != i+1 {
			t.Fatalf("after a click on %s, %d console warnings of a refused URL, want %d: %q", sel, n, i+1, texts(console))
		}
	}
	if got := eval[string](t, ctx, pageURL); got != "/a?x=5" || eval[string](t, ctx, `document.title`) == "pwned" {
		t.Fatalf("a refused URL moved the page to %s", got)
	}

	run(t, ctx, chromedp.Click(chromedp.CSS("#nav")))
	waitFor(t, ctx, "page b, live", pageURL+` === "/b?x=3" && !!document.querySelector("#b") && document.querySelector("#x").textContent === "3" && `+connected)
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("js.Navigate reloaded the page")
	}
	w.mu.Lock()
	sockets := w.sockets
	w.mu.Unlock()
	if sockets != 1 {
		t.Fatalf("%d WebSockets after js.Navigate, want the first page's one", sockets)
	}
	if mounts.Load() != 2 {
		t.Fatalf("%d Mounts after navigating to b, want 2 (b mounted once, for its GET)", mounts.Load())
	}
	for _, m := range console() {
		// The only resource a page asks for and the app lacks is the favicon.
		if m.IsException() || m.Type == chromedp.ConsoleError && !strings.Contains(m.Text, "404") {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
}
