package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

// items returns the streamed chunks the page lists.
func items(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `Array.from(document.querySelectorAll("#messages li"), (li) => li.textContent).join(" | ")`)
}

func openAsync(t *testing.T) (context.Context, func() []chromedp.ConsoleMessage) {
	t.Helper()
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/async"))
	waitFor(t, ctx, "the live connection", connected)
	return ctx, console
}

func TestAsyncStreamsToCompletion(t *testing.T) {
	ctx, console := openAsync(t)
	run(t, ctx, chromedp.Click(chromedp.CSS("#start")))
	waitText(t, ctx, "#state", "Loading…")
	waitFor(t, ctx, "the first chunk", `document.querySelectorAll("#messages li").length === 1`)
	if got := items(t, ctx); got != "Async work chunk 1" {
		t.Fatalf("chunks %q", got)
	}
	// Five chunks a second apart: allow for a loaded machine.
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`(document.querySelector("#flash")||{}).textContent === "Completed!"`,
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("waiting for completion: %v", err)
	}
	want := "Async work chunk 1 | Async work chunk 2 | Async work chunk 3 | Async work chunk 4 | Async work chunk 5"
	if got := items(t, ctx); got != want {
		t.Fatalf("chunks %q, want %q", got, want)
	}
	waitText(t, ctx, "#state", "Done: ok")
	waitFor(t, ctx, "#start to come back", `!!document.querySelector("#start") && !document.querySelector("#cancel")`)
	noConsoleErrors(t, console)
}

func TestAsyncCancelStopsTheChunks(t *testing.T) {
	ctx, console := openAsync(t)
	run(t, ctx, chromedp.Click(chromedp.CSS("#start")))
	waitFor(t, ctx, "the first chunk", `document.querySelectorAll("#messages li").length === 1`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#cancel")))
	waitText(t, ctx, "#flash", "Cancelled")
	waitText(t, ctx, "#state", "Idle")
	before := items(t, ctx)
	time.Sleep(1500 * time.Millisecond) // past the next chunk's time: it must not come
	if got := items(t, ctx); got != before {
		t.Fatalf("chunks after cancel: %q, were %q", got, before)
	}
	noConsoleErrors(t, console)
}

func TestAsyncFailureAndPanicKeepThePage(t *testing.T) {
	ctx, console := openAsync(t)
	run(t, ctx, chromedp.Click(chromedp.CSS("#fail")))
	waitText(t, ctx, "#flash", "Task failed: the service said no")
	waitText(t, ctx, "#state", "Failed: the service said no")
	if got := items(t, ctx); got != "Async work chunk 1 | Async work chunk 2" {
		t.Fatalf("chunks %q", got)
	}
	eval[bool](t, ctx, `window.__noReload = true`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#crash")))
	waitText(t, ctx, "#flash", "Task failed: the worker blew up")
	waitText(t, ctx, "#state", "Failed: live: task panicked: the worker blew up")
	// The same page, the same view: no reload, no reconnect.
	if !eval[bool](t, ctx, `window.__noReload === true && document.querySelector("[live-root]").classList.contains("live-connected")`) {
		t.Fatal("the page reloaded or lost its connection")
	}
	noConsoleErrors(t, console)
}
