package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
	"github.com/templive/templive/live"
)

// wire records a tab's WebSockets and the bytes of its frames and fetches.
type wire struct {
	mu      sync.Mutex
	sockets int      // WebSockets opened
	down    []string // frames received, in order
	up      []string // frames sent
	fetched int64    // bytes of fetch() answers, as on the wire
	fetches map[network.RequestID]bool
}

func listenWire(t *testing.T, ctx context.Context) *wire {
	t.Helper()
	w := &wire{fetches: map[network.RequestID]bool{}}
	err := chromedp.Listen(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventWebSocketCreated:
			w.sockets++
		case *network.EventWebSocketFrameReceived:
			w.down = append(w.down, string(ev.Response.PayloadData))
		case *network.EventWebSocketFrameSent:
			w.up = append(w.up, string(ev.Response.PayloadData))
		case *network.EventRequestWillBeSent:
			if ev.Type == network.ResourceTypeFetch {
				w.fetches[ev.RequestID] = true
			}
		case *network.EventLoadingFinished:
			if w.fetches[ev.RequestID] {
				w.fetched += int64(ev.EncodedDataLength)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// mark returns where the frames are now, for since.
func (w *wire) mark() (int, int, int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.down), len(w.up), w.fetched
}

// since returns the frames received and sent after a mark, and the fetch
// bytes.
func (w *wire) since(d, u int, f int64) (down, up []string, fetched int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.down[d:]...), append([]string(nil), w.up[u:]...), w.fetched - f
}

func bytesOf(frames []string) int {
	n := 0
	for _, f := range frames {
		n += len(f)
	}
	return n
}

const pageURL = `location.pathname + location.search`

// TestTodosNavigation logs in, then goes through three pages of the todos
// app and back with one WebSocket: a patch changes the URL with a frame
// of a few bytes and no join, a navigation joins the next view over the
// same socket, back and forward work and restore the scroll, the title and
// flash follow the views, and the loading events come in pairs.
func TestTodosNavigation(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	w := listenWire(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/todos"))
	waitLoad(t, ctx, "the login page", `location.pathname === "/todos/login" && document.title.startsWith("Log in")`)
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#name"), "ann"), chromedp.Click(chromedp.CSS("#submit")))
	waitLoad(t, ctx, "the list after login", `location.pathname === "/todos" && !!document.querySelector('[live-root].live-connected #items')`)
	eval[bool](t, ctx, `window.__noReload = true`)
	eval[bool](t, ctx, `window.__loading = [];
		addEventListener("templive:page-loading-start", e => __loading.push("start " + e.detail.kind));
		addEventListener("templive:page-loading-stop", e => __loading.push("stop " + e.detail.kind)); true`)
	w.mu.Lock()
	socketsBefore := w.sockets
	w.mu.Unlock()
	if socketsBefore != 2 {
		t.Fatalf("%d WebSockets for the login page and the list, want one each (the login form is a full load)", socketsBefore)
	}

	// Page 1: a patch of the filter.
	d, u, f := w.mark()
	run(t, ctx, chromedp.Click(chromedp.CSS("#filter-done")))
	waitFor(t, ctx, "the patched filter", `location.search === "?filter=done" && document.querySelector("#showing").textContent === "done"`)
	down, up, _ := w.since(d, u, f)
	for _, fr := range up {
		if strings.HasPrefix(fr, "[0,") {
			t.Fatalf("a patch sent a join: %s", fr)
		}
	}
	if bytesOf(down) > 60 {
		t.Fatalf("a patch took %d bytes down (%q), want at most 60", bytesOf(down), down)
	}
	t.Logf("patch: %d B up %q, %d B down %q", bytesOf(up), up, bytesOf(down), down)

	// Two todos, the first done, seen under ?filter=done.
	for _, title := range []string{"milk", "bread"} {
		eval[bool](t, ctx, `document.querySelector("#add input").value = ""; true`)
		run(t, ctx, chromedp.SendKeys(chromedp.CSS(`#add input[name=title]`), title), chromedp.Click(chromedp.CSS("#add button")))
		waitFor(t, ctx, "the flash", fmt.Sprintf(`(document.querySelector("#flash-info")||{}).textContent === "Added “%s”."`, title))
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#filter-all")))
	waitFor(t, ctx, "both todos", `document.querySelectorAll("#items li").length === 2`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#items li:first-child input")))
	waitFor(t, ctx, "the title", `document.title.startsWith("Todos (1 left)")`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#flash-info")))
	waitFor(t, ctx, "the flash cleared by a click", `!document.querySelector("#flash-info")`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#filter-done")))
	waitFor(t, ctx, "the done filter", `location.search === "?filter=done" && document.querySelectorAll("#items li").length === 1`)

	// Page 2: a navigation to the item, from a scrolled list.
	eval[bool](t, ctx, `document.body.style.minHeight = "5000px"; scrollTo(0, 1200); true`)
	d, u, f = w.mark()
	// A click from script: chromedp's would scroll the link into view.
	eval[bool](t, ctx, `document.querySelector("#items a").click(); true`)
	waitFor(t, ctx, "the item page", `location.pathname.startsWith("/todos/") && document.title.startsWith("milk") && document.querySelector('[live-root]').classList.contains('live-connected') && (document.querySelector("#state")||{}).textContent.trim() === "done"`)
	waitFor(t, ctx, "the navigation's answer", `__loading[__loading.length-1] === "stop navigate"`)
	down, up, fetched := w.since(d, u, f)
	t.Logf("navigate: %d B up in %d frame(s), %d B down in %d frame(s), fetch %d B", bytesOf(up), len(up), bytesOf(down), len(down), fetched)
	if got := eval[float64](t, ctx, `scrollY`); got != 0 {
		t.Fatalf("a navigation left the scroll at %v, want the top", got)
	}

	// Back to the list: a navigation back, with its scroll restored.
	eval[bool](t, ctx, `history.back(); true`)
	waitFor(t, ctx, "the list again", `location.pathname + location.search === "/todos?filter=done" && !!document.querySelector("#items") && __loading[__loading.length-1] === "stop navigate"`)
	waitFor(t, ctx, "the scroll restored", `scrollY === 1200`)
	// Back again: a patch to the unfiltered list.
	eval[bool](t, ctx, `history.back(); true`)
	waitFor(t, ctx, "the unfiltered list", `location.search === "?filter=all" && document.querySelector("#showing").textContent === "all"`)
	eval[bool](t, ctx, `history.forward(); true`)
	waitFor(t, ctx, "forward to the done filter", `location.search === "?filter=done" && document.querySelector("#showing").textContent === "done"`)

	// Page 3: the item again, deleted: the view navigates to the list
	// and its flash goes along.
	run(t, ctx, chromedp.Click(chromedp.CSS("#items a")))
	waitFor(t, ctx, "the item page", `document.title.startsWith("milk") && !!document.querySelector("#delete")`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#delete")))
	waitFor(t, ctx, "the list with the flash", `location.pathname === "/todos" && (document.querySelector("#flash-info")||{}).textContent === "Deleted “milk”." && document.title.startsWith("Todos (1 left)")`)

	w.mu.Lock()
	sockets := w.sockets - socketsBefore
	w.mu.Unlock()
	if sockets != 0 {
		t.Fatalf("%d WebSockets opened while going through the list, an item, back, and another item: want the list's one for all", sockets)
	}
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded")
	}
	loading := eval[[]string](t, ctx, `__loading`)
	starts, stops := 0, 0
	for _, l := range loading {
		if strings.HasPrefix(l, "start") {
			starts++
		} else {
			stops++
		}
	}
	if starts == 0 || starts != stops {
		t.Fatalf("loading events %q: want as many stops as starts", loading)
	}
}

// TestLiveLinksAreLinks: a click with a modifier key on a live-patch link
// is the browser's, and the link keeps its href.
func TestLiveLinksAreLinks(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(base+"/todos"))
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#name"), "ann"), chromedp.Click(chromedp.CSS("#submit")))
	waitLoad(t, ctx, "the list", `location.pathname === "/todos" && !!document.querySelector('[live-root].live-connected')`)
	// A ctrl-click is the browser's: the page does not patch itself.
	eval[bool](t, ctx, `document.querySelector("#filter-done").dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true, ctrlKey: true, button: 0})) || true`)
	if got := eval[string](t, ctx, pageURL); got != "/todos" {
		t.Fatalf("a ctrl-click patched the page to %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("#filter-done").getAttribute("href")`); got != "/todos?filter=done" {
		t.Fatalf("the link's href is %q", got)
	}
}

// waitLoad is waitFor across a full page load, which ends a poll early.
func waitLoad(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(tctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond)))
		if err == nil {
			return
		}
		if tctx.Err() != nil || !(strings.Contains(err.Error(), "navigated or closed") || strings.Contains(err.Error(), "Cannot find context")) {
			t.Fatalf("waiting for %s (%s): %v", what, expr, err)
		}
	}
}

// TestLiveLinksWithoutJavaScript: live-patch links are plain links for a
// browser that runs no script, and the GET applies their URL.
func TestLiveLinksWithoutJavaScript(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate(base+"/todos"))
	if got := eval[string](t, ctx, pageURL); got != "/todos/login" {
		t.Fatalf("logged out, /todos shows %s, want the login page", got)
	}
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#name"), "ann"), chromedp.Click(chromedp.CSS("#submit")))
	waitLoad(t, ctx, "the list", `location.pathname === "/todos" && !!document.querySelector("#showing")`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#filter-done")))
	waitLoad(t, ctx, "the done filter, loaded in full", `location.search === "?filter=done" && (document.querySelector("#showing")||{}).textContent === "done"`)
	if got := eval[string](t, ctx, `document.title`); !strings.HasPrefix(got, "Todos (0 left)") {
		t.Fatalf("title %q without JavaScript", got)
	}
}

// linkView has a plain link with a live-click.
type linkView struct {
	name   string
	clicks *atomic.Int32
}

func (v *linkView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<div id="%s"><a id="plain" href="/b" live-click="clicked">to b</a></div>`, v.name)
		return err
	})
}

func (v *linkView) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	v.clicks.Add(1)
	return nil
}

// TestLinkWithLiveClickInTheBrowser: a plain link with a live-click sends
// its event and then the browser loads the link, as livetest does
// (live.TestLinkWithLiveClick).
func TestLinkWithLiveClickInTheBrowser(t *testing.T) {
	clicks := new(atomic.Int32)
	mux := http.NewServeMux()
	for _, name := range []string{"a", "b"} {
		h := live.NewHandler(func() live.View { return &linkView{name: name, clicks: clicks} }, nil)
		t.Cleanup(func() { h.Close() })
		mux.Handle("/"+name, h)
	}
	mux.Handle("/_templive/", live.Assets())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx := newBrowser(t)
	w := listenWire(t, ctx)
	run(t, ctx, chromedp.Navigate(srv.URL+"/a"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#plain")))
	waitLoad(t, ctx, "page b, live", `location.pathname === "/b" && !!document.querySelector("#b") && document.querySelector('[live-root]').classList.contains('live-connected')`)
	deadline := time.Now().Add(10 * time.Second)
	for clicks.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if clicks.Load() != 1 {
		t.Fatalf("the view heard %d click(s), want 1", clicks.Load())
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sockets != 2 {
		t.Fatalf("%d WebSockets, want 2: a plain link loads the page in full", w.sockets)
	}
}
