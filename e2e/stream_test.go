package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

// postIDs is the ids of the posts the feed shows, joined by spaces.
const postIDs = `Array.from(document.querySelectorAll('#posts > li'), li => li.id.slice(5)).join(' ')`

// waitPosts waits until the feed shows n posts.
func waitPosts(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf("the feed to show %d posts", n), fmt.Sprintf(`document.querySelectorAll('#posts > li').length === %d`, n))
}

// settled makes a round trip (a new post on top, deleted again), so that
// whatever the page sent before has been answered and applied.
func settled(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.Click(chromedp.CSS("#new")))
	waitFor(t, ctx, "the new post", `document.querySelector('#posts > li').id !== 'post-1000' && !document.querySelector('#posts').classList.contains('live-viewport-bottom-loading')`)
	id := eval[string](t, ctx, `document.querySelector('#posts > li').id`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+id+" .delete")))
	waitFor(t, ctx, "the new post to go", fmt.Sprintf(`!document.getElementById(%q)`, id))
}

func TestFeedInfiniteScroll(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	logs := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/feed"))
	waitFor(t, ctx, "the live connection", connected)
	waitPosts(t, ctx, 20)
	settled(t, ctx)
	if n := eval[int](t, ctx, `document.querySelectorAll('#posts > li').length`); n != 20 {
		t.Fatalf("the feed loaded more before any scroll: %d posts", n)
	}
	for _, want := range []int{40, 60} {
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#posts').scrollTop = 1e9`))
		waitPosts(t, ctx, want)
		settled(t, ctx)
		// One scroll, one page: nothing loads until the reader scrolls again.
		if n := eval[int](t, ctx, `document.querySelectorAll('#posts > li').length`); n != want {
			t.Fatalf("one scroll to the bottom loaded %d posts, want %d", n, want)
		}
	}
	waitText(t, ctx, "#status", "60 of 1000 loaded")
	if got, want := eval[string](t, ctx, `document.querySelector('#posts > li:last-child span').textContent`), "Post number 941"; got != want {
		t.Fatalf("the last post reads %q, want %q", got, want)
	}
	noWarnings(t, logs)
}

func TestFeedStreamOps(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	logs := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/feed"))
	waitFor(t, ctx, "the live connection", connected)
	waitPosts(t, ctx, 20)

	top := `document.querySelector('#posts > li')`
	run(t, ctx, chromedp.Click(chromedp.CSS("#new")))
	waitFor(t, ctx, "a new post on top", top+`.id === 'post-1001'`)
	if got := text(t, ctx, "#post-1001 span"); got != "New post 1" {
		t.Fatalf("the new post reads %q", got)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#post-999 .delete")))
	waitFor(t, ctx, "post 999 to go", `!document.getElementById('post-999')`)
	waitPosts(t, ctx, 20)

	run(t, ctx, chromedp.Click(chromedp.CSS("#keep")))
	waitPosts(t, ctx, 10)
	if got, want := eval[string](t, ctx, postIDs), "1001 1000 998 997 996 995 994 993 992 991"; got != want {
		t.Fatalf("keeping 10 the feed shows %s, want %s", got, want)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#new")))
	waitFor(t, ctx, "another new post on top", top+`.id === 'post-1002'`)
	if got, want := eval[string](t, ctx, postIDs), "1002 1001 1000 998 997 996 995 994 993 992"; got != want {
		t.Fatalf("a new post with the limit: the feed shows %s, want %s", got, want)
	}

	run(t, ctx, chromedp.Click(chromedp.CSS("#reset")))
	waitFor(t, ctx, "the feed to start over", top+`.id === 'post-1000'`)
	waitPosts(t, ctx, 20)
	if got := eval[string](t, ctx, `document.querySelector('#posts > li:last-child').id`); got != "post-981" {
		t.Fatalf("after starting over the last post is %s", got)
	}
	noWarnings(t, logs)
}

// noWarnings fails if the page logged a warning or an error: a stream op
// that did not fit (a drift, then a resync) would have.
func noWarnings(t *testing.T, logs func() []chromedp.ConsoleMessage) {
	t.Helper()
	for _, m := range logs() {
		if m.Type == chromedp.ConsoleWarning || m.Type == chromedp.ConsoleError || m.IsException() {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
}
