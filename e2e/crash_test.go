package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
	"github.com/templive/templive/live"
)

// crashLoopView is a view that cannot run live: its Mount panics on every
// live join, and the view the GET mounted crashes on the first message it
// handles once its page connects.
type crashLoopView struct{ joins *atomic.Int32 }

func (v *crashLoopView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	if c.Connected() {
		v.joins.Add(1)
		panic("crash loop: Mount")
	}
	return c.Send("crash")
}

func (v *crashLoopView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<p id="msg">server-rendered</p>`)
		return err
	})
}

func (v *crashLoopView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	v.joins.Add(1)
	panic("crash loop: HandleInfo")
}

// TestCrashLoopEndsInErrorState: a page whose view crashes on every join
// retries with growing delays, then stops and shows live-error with a
// console error, instead of spinning; the server renders the page fine
// and keeps serving.
func TestCrashLoopEndsInErrorState(t *testing.T) {
	var joins atomic.Int32
	h := live.NewHandler(func() live.View { return &crashLoopView{joins: &joins} }, &live.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	mux := http.NewServeMux()
	mux.Handle("/crash", h)
	mux.Handle("/_templive/", live.Assets())
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", demo.CSP)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { h.Close(); srv.Close() })

	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	start := time.Now()
	run(t, ctx, chromedp.Navigate(srv.URL+"/crash"))
	// Five crashes with waits of at least 0.2, 0.4, 0.8 and 1.6 s between
	// them: give up after about 3 to 7 s.
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.querySelector('[live-root]').classList.contains('live-error')`,
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("no live-error after %v and %d crashes: %v", time.Since(start), joins.Load(), err)
	}
	took := time.Since(start)
	if n := joins.Load(); n != 5 {
		t.Errorf("the view crashed %d times, want 5 before the page gave up", n)
	}
	if took < 3*time.Second {
		t.Errorf("gave up after %v: the retries did not back off", took)
	}
	// And it stays given up: no more joins.
	time.Sleep(2 * time.Second) // a window for a wrong retry to show; not an assertion of speed
	if n := joins.Load(); n != 5 {
		t.Errorf("%d crashes after the page gave up, want it to stop at 5", n)
	}
	classes := eval[string](t, ctx, `document.querySelector('[live-root]').className`)
	if strings.Contains(classes, "live-loading") || strings.Contains(classes, "live-connected") {
		t.Errorf("root classes %q, want live-error alone", classes)
	}
	if got := text(t, ctx, "#msg"); got != "server-rendered" {
		t.Errorf("#msg = %q: the server-rendered page must stay", got)
	}
	var said bool
	for _, m := range console() {
		if m.Type == chromedp.ConsoleError && strings.Contains(m.Text, "crashed 5 times within a minute") {
			said = true
		}
	}
	if !said {
		t.Errorf("no console error saying the page gave up; console: %v", consoleTexts(console()))
	}
	t.Logf("the page gave up after %v and %d crashes", took.Round(time.Millisecond), joins.Load())
}

func consoleTexts(msgs []chromedp.ConsoleMessage) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, fmt.Sprintf("%s: %s", m.Type, m.Text))
	}
	return out
}
