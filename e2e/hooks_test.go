package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
	"github.com/templive/templive/live"
)

// hookView has a hooked element, #chart, that the server updates, removes
// and pushes events to, and answers the hook's own events.
type hookView struct {
	n      int
	hidden bool
}

func (v *hookView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		chart := ""
		if !v.hidden {
			chart = fmt.Sprintf(`<div id="chart" live-hook="Chart">n=%d</div>`, v.n)
		}
		_, err := fmt.Fprintf(w, `%s<button id="inc" live-click="inc">inc</button>`+
			`<button id="hide" live-click="hide">hide</button><button id="stray" live-click="stray">stray</button>`, chart)
		return err
	})
}

func (v *hookView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		v.n++
		return c.Push("points", map[string]int{"n": v.n})
	case "hide":
		v.hidden = true
	case "stray":
		return c.Push("nobody-listens", nil)
	case "hello": // the hook's own event
		w, err := e.Int("w")
		if err != nil {
			return err
		}
		return c.Reply(map[string]any{"greeting": "hi " + e.Get("from"), "w2": 2 * w, "n": v.n})
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// chartHook logs every callback into window.__log, and what it hears.
const chartHook = `window.templiveHooks = {
  Chart: {
    log(s) { (window.__log = window.__log || []).push(s); },
    mounted() {
      this.log("mounted " + this.el.textContent);
      this.handleEvent("points", (p) => this.log("points " + p.n));
      this.pushEvent("hello", { from: "chart", w: 21 }).then((r) => this.log("reply " + JSON.stringify(r)));
      this.pushEvent("hello", { w: "wide" }).catch((err) => this.log("rejected " + err.message));
    },
    beforeUpdate() { this.log("beforeUpdate " + this.el.textContent); },
    updated() { this.log("updated " + this.el.textContent); },
    destroyed() { this.log("destroyed"); },
    disconnected() { this.log("disconnected"); },
    reconnected() { this.log("reconnected"); },
  },
};`

// startHookServer serves hookView at /hooks, under the demo's strict CSP,
// with chartHook as the app's script, loaded before the client.
func startHookServer(t *testing.T) string {
	t.Helper()
	h := live.NewHandler(func() live.View { return &hookView{} }, &live.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Layout: func(page templ.Component) templ.Component {
			return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
				io.WriteString(w, `<!DOCTYPE html><html><head><title>hooks</title><script defer src="/app.js"></script></head><body>`)
				if err := page.Render(ctx, w); err != nil {
					return err
				}
				_, err := io.WriteString(w, `</body></html>`)
				return err
			})
		},
	})
	mux := http.NewServeMux()
	mux.Handle("/hooks", h)
	mux.Handle("/_templive/", live.Assets())
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, chartHook)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", demo.CSP)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { h.Close(); srv.Close() })
	return srv.URL
}

// hookLog returns the hook's log so far, one entry a line.
func hookLog(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `(window.__log || []).join("\n")`)
}

func waitLog(t *testing.T, ctx context.Context, entry string) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf("the hook to log %q", entry), fmt.Sprintf(`(window.__log || []).includes(%q)`, entry))
}

func TestHooksLifecyclePushAndReply(t *testing.T) {
	base := startHookServer(t)
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/hooks"))
	waitFor(t, ctx, "the live connection", connected)

	// Mounted once the page joined; its pushEvent got the server's Reply,
	// and a bad value rejected its promise with the server's error.
	waitLog(t, ctx, `reply {"greeting":"hi chart","n":0,"w2":42}`)
	waitLog(t, ctx, `rejected live: bad event value: event "hello": "w": want an integer, got "wide"`)
	if got := hookLog(t, ctx); !strings.HasPrefix(got, "mounted n=0\n") {
		t.Fatalf("hook log starts %q, want mounted first", got)
	}

	// A server event updates the element and pushes to the hook, after
	// the patch.
	eval[bool](t, ctx, `window.__log = [], true`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitLog(t, ctx, "points 1")
	if got, want := hookLog(t, ctx), "beforeUpdate n=0\nupdated n=1\npoints 1"; got != want {
		t.Fatalf("hook log after #inc:\n%s\nwant:\n%s", got, want)
	}

	// A push no hook handles is ignored with a warning (development: the
	// page is served from loopback), and still reaches window.
	eval[bool](t, ctx, `addEventListener("templive:nobody-listens", () => window.__stray = true), true`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#stray")))
	waitFor(t, ctx, "the stray push on window", `window.__stray === true`)
	waitConsole(t, ctx, console, chromedp.ConsoleWarning, `pushed event "nobody-listens" has no hook`)

	// Removing the element destroys the hook.
	run(t, ctx, chromedp.Click(chromedp.CSS("#hide")))
	waitLog(t, ctx, "destroyed")
	if n := eval[int](t, ctx, `document.querySelectorAll("#chart").length`); n != 0 {
		t.Fatalf("#chart still there")
	}
	noConsoleErrors(t, console)
}

func TestHooksDisconnectedAndReconnected(t *testing.T) {
	base := startHookServer(t)
	u, _ := url.Parse(base)
	p := newProxy(t, u.Host)
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(p.URL()+"/hooks"))
	waitFor(t, ctx, "the live connection", connected)
	waitLog(t, ctx, "mounted n=0")
	p.cut()
	waitLog(t, ctx, "disconnected")
	waitLog(t, ctx, "reconnected")
	waitFor(t, ctx, "the live connection", connected)
	// The hook still works on the resumed view.
	eval[bool](t, ctx, `window.__log = [], true`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitLog(t, ctx, "points 1")
}
