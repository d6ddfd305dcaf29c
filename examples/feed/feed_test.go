package feed

import (
	"fmt"
	"strings"
	"testing"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// ids lists the ids of the posts the page shows.
func ids(p *livetest.Page) string {
	var out []string
	sel := p.Find("#posts > li")
	for i := range sel.Length() {
		out = append(out, strings.TrimPrefix(sel.Eq(i).AttrOr("id", ""), "post-"))
	}
	return strings.Join(out, " ")
}

func span(from, to int) string {
	var out []string
	for n := from; n >= to; n-- {
		out = append(out, fmt.Sprint(n))
	}
	return strings.Join(out, " ")
}

func TestFeedScrollLoadsPages(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(New, nil), "/feed")
	if got, want := ids(p), span(1000, 981); got != want {
		t.Fatalf("the first page shows %s, want %s", got, want)
	}
	p.ScrollToBottom("#posts")
	if got, want := ids(p), span(1000, 961); got != want {
		t.Fatalf("after a scroll to the bottom the feed shows %s, want %s", got, want)
	}
	if got := p.Text("#status"); got != "40 of 1000 loaded" {
		t.Fatalf("status %q", got)
	}
	for range Total/PageSize - 2 {
		p.ScrollToBottom("#posts")
	}
	if n := p.Find("#posts > li").Length(); n != Total {
		t.Fatalf("after scrolling to the end the feed shows %d posts, want %d", n, Total)
	}
	// The end: the last post stays the last, and it sent its event already.
	p.ScrollToBottom("#posts")
	if got := p.Text("#status"); got != "1000 of 1000 loaded" {
		t.Fatalf("status %q", got)
	}
}

func TestFeedInsertDeleteLimitReset(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(New, nil), "/feed")
	p.Click("#new")
	p.Click("#new")
	if got, want := ids(p), "1002 1001 "+span(1000, 981); got != want {
		t.Fatalf("after two new posts the feed shows %s, want %s", got, want)
	}
	if got := p.Text("#post-1002 span"); got != "New post 2" {
		t.Fatalf("the top post reads %q", got)
	}
	p.Click("#post-999 .delete")
	p.Click("#post-1001 .delete")
	if got, want := ids(p), "1002 1000 "+span(998, 981); got != want {
		t.Fatalf("after two deletes the feed shows %s, want %s", got, want)
	}
	p.Click("#keep")
	if got, want := ids(p), "1002 1000 "+span(998, 991); got != want {
		t.Fatalf("keeping %d, the feed shows %s, want %s", Keep, got, want)
	}
	p.Click("#new")
	if got, want := ids(p), "1003 1002 1000 "+span(998, 992); got != want {
		t.Fatalf("a new post with the limit: the feed shows %s, want %s", got, want)
	}
	p.Click("#reset")
	if got, want := ids(p), span(1000, 981); got != want {
		t.Fatalf("after starting over the feed shows %s, want %s", got, want)
	}
	p.ScrollToBottom("#posts")
	if n := p.Find("#posts > li").Length(); n != 2*PageSize {
		t.Fatalf("after starting over and scrolling, %d posts, want %d", n, 2*PageSize)
	}
}
