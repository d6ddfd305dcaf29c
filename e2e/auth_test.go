package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
	"github.com/templive/templive/live"
)

// at is a condition: the tab shows path, its live root (if any) joined.
func at(path string) string {
	return `location.pathname === ` + jsQuote(path) + ` && document.readyState === 'complete'`
}

const accountLive = `location.pathname === '/account' && !!document.querySelector('[live-root].live-connected')`

// waitNav is waitFor across page loads: a poll that a navigation
// interrupts starts again in the new document.
func waitNav(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if err := pollNav(ctx, expr, 10*time.Second); err != nil {
		t.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
}

func pollNav(ctx context.Context, expr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		tctx, cancel := context.WithDeadline(ctx, deadline)
		_, err := chromedp.Run(tctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(5*time.Millisecond)))
		cancel()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(5 * time.Millisecond) // navigated: poll the new document
	}
}

// signIn signs in as name on the account demo at base: /account sends an
// anonymous visitor to the sign-in page (an OnMount hook, on the GET),
// which sends them back once signed in.
func signIn(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(base+"/account"))
	waitFor(t, ctx, "the redirect to the sign-in page", at("/account/login"))
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#name"), name), chromedp.Click(chromedp.CSS("#login")))
	waitNav(t, ctx, "the account page, live", accountLive)
	if got := text(t, ctx, "#user"); got != name {
		t.Fatalf("#user shows %q, want %q", got, name)
	}
}

// TestRedirects: a hook redirects the GET of a visitor who is not signed
// in (303, before any body), and an event redirects a live page (a frame
// the client follows).
func TestRedirects(t *testing.T) {
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	base := startDemo(t, demo.Config{})
	signIn(t, ctx, base, "ann")
	run(t, ctx, chromedp.Click(chromedp.CSS("#go")))
	waitNav(t, ctx, "the redirect to the counter", at("/counter")+` && !!document.querySelector('[live-root].live-connected')`)
	noConsoleErrors(t, console)
}

// TestOnEventRefusesAnEvent: the admin-only event is refused for ann with
// a console error that says why; the view carries on.
func TestOnEventRefusesAnEvent(t *testing.T) {
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	base := startDemo(t, demo.Config{})
	signIn(t, ctx, base, "ann")
	run(t, ctx, chromedp.Click(chromedp.CSS("#delete")))
	deadline := time.Now().Add(10 * time.Second)
	for !hasConsole(console, `event "delete" failed: live: event "delete" refused: only admins may delete`) {
		if time.Now().After(deadline) {
			t.Fatalf("no console error for the refused event; console: %v", texts(console))
		}
		time.Sleep(20 * time.Millisecond)
	}
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#bio"), "still here"))
	waitText(t, ctx, "#server-bio", "still here")
	if got := text(t, ctx, "#deleted"); got != "0" {
		t.Fatalf("#deleted shows %q: the refused event ran", got)
	}
	if !eval[bool](t, ctx, connected) {
		t.Fatal("the page is not connected after a refused event")
	}
}

func hasConsole(console func() []chromedp.ConsoleMessage, s string) bool {
	for _, m := range console() {
		if strings.Contains(m.Text, s) {
			return true
		}
	}
	return false
}

func texts(console func() []chromedp.ConsoleMessage) []string {
	var out []string
	for _, m := range console() {
		out = append(out, string(m.Type)+": "+m.Text)
	}
	return out
}

// TestSignOutEndsTabsOnTwoNodes: two demo processes joined by NATS, one
// tab of the same user on each; signing out in a third tab ends both
// pages, which reload and land on the sign-in page. The time from the
// click until both show it is logged (not asserted: the machine is
// shared).
func TestSignOutEndsTabsOnTwoNodes(t *testing.T) {
	natsAddr := freeAddr(t)
	nodeA := startProcess(t, "-nats-serve", natsAddr)
	nodeB := startProcess(t, "-nats", "nats://"+natsAddr)
	a := newBrowser(t)
	b := newTab(t, a)
	c := newTab(t, a)
	signIn(t, a, nodeA.URL(), "ann") // the cookie is the browser's: every tab, both nodes (same host)
	run(t, b, chromedp.Navigate(nodeB.URL()+"/account"))
	waitFor(t, b, "the page on node B", accountLive)
	run(t, c, chromedp.Navigate(nodeA.URL()+"/account"))
	waitFor(t, c, "the third tab", accountLive)

	start := time.Now()
	run(t, c, chromedp.Click(chromedp.CSS("#logout")))
	var wg sync.WaitGroup
	took := make([]time.Duration, 2)
	for i, tab := range []context.Context{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := pollNav(tab, at("/account/login"), 10*time.Second); err != nil {
				t.Errorf("tab %d did not reach the sign-in page: %v", i, err)
				return
			}
			took[i] = time.Since(start)
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("sign-out to the sign-in page: node A's tab %v, node B's tab %v", took[0].Round(time.Millisecond), took[1].Round(time.Millisecond))
	waitNav(t, c, "the signing-out tab on the sign-in page", at("/account/login"))
	// Signed out for good: the account page sends them to sign in again.
	run(t, b, chromedp.Navigate(nodeB.URL()+"/account"))
	waitNav(t, b, "the redirect after sign-out", at("/account/login"))
}

// TestIDFieldFormRecovers: the profile form has a hidden field named "id",
// which shadows the form's id property in the browser. After the server
// process is killed and started again, the page still rejoins and
// recovers the form (its id read as an attribute), with no console error.
func TestIDFieldFormRecovers(t *testing.T) {
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	srv := startProcess(t, "-secret", "an e2e secret, the same for both runs")
	signIn(t, ctx, srv.URL(), "ann")
	if got := eval[string](t, ctx, `typeof document.querySelector('#profile').id`); got != "object" {
		t.Fatalf("typeof form.id is %q: the browser no longer shadows it, the test proves nothing", got)
	}
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#bio"), "hello"))
	waitText(t, ctx, "#server-bio", "hello")
	waitText(t, ctx, "#server-id", "ann")
	eval[bool](t, ctx, `document.activeElement.blur(), window.__noReload = true`)

	srv.kill()
	waitFor(t, ctx, "the page to notice the server is gone", `!`+connected)
	srv.restart()
	waitFor(t, ctx, "the page to rejoin the new server", connected)
	waitText(t, ctx, "#server-bio", "hello")
	waitText(t, ctx, "#server-id", "ann")
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded: recovery must keep the page")
	}
	for _, m := range console() {
		if m.IsException() || m.Type == chromedp.ConsoleError && !strings.Contains(m.Text, "ERR_CONNECTION_REFUSED") {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
}

// TestForbiddenJoinStops: a join that an OnMount hook forbids (the page
// itself was allowed) reloads the page once, whose GET would show the
// error page; refused again, the page stops with live-error and says why in
// the console, and is not retried.
func TestForbiddenJoinStops(t *testing.T) {
	var joins atomic.Int32
	h := live.NewHandler(func() live.View { return &crashLoopView{joins: new(atomic.Int32)} }, &live.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnMount: []live.MountHook{func(ctx context.Context, c *live.Conn, r *http.Request) error {
			if c.Connected() {
				joins.Add(1)
				return live.ErrForbidden
			}
			return nil
		}},
	})
	mux := http.NewServeMux()
	mux.Handle("/forbidden", h)
	mux.Handle("/_templive/", live.Assets())
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); srv.Close() })

	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(srv.URL+"/forbidden"))
	waitFor(t, ctx, "live-error", `document.querySelector('[live-root]').classList.contains('live-error')`)
	time.Sleep(time.Second) // a window for a wrong retry to show; not an assertion of speed
	if n := joins.Load(); n != 2 {
		t.Errorf("%d joins, want 2: a forbidden join reloads once, then is not retried", n)
	}
	if !hasConsole(console, "reload refused") || !hasConsole(console, "(forbidden)") {
		t.Errorf("the console does not say why; console: %v", texts(console))
	}
	if got := text(t, ctx, "#msg"); got != "server-rendered" {
		t.Errorf("#msg = %q: the server-rendered page must stay", got)
	}
}
