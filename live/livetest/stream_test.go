package livetest_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
	"github.com/templive/templive/live/livetest"
)

// ticker renders its ticks in an append container, only the last two each
// time (a feed that renders its newest lines): the page keeps them all.
// Its button adds a tick, its "more" binding (live-viewport-bottom) too,
// and "rename" changes the text of the last tick shown.
type ticker struct {
	ticks []string
	mores int
}

func (v *ticker) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, `<button id="tick" live-click="tick">tick</button><button id="rename" live-click="rename">rename</button>`)
		io.WriteString(w, `<ul id="ticks" live-update="append" live-viewport-bottom="more">`)
		from := max(0, len(v.ticks)-2)
		for i, t := range v.ticks[from:] {
			fmt.Fprintf(w, `<li id="t%d" live-click='%s'>%s</li>`, from+i, html.EscapeString(js.AddClass("picked").String()), html.EscapeString(t))
		}
		_, err := fmt.Fprintf(w, `</ul><p id="mores">%d</p>`, v.mores)
		return err
	})
}

func (v *ticker) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "tick":
		v.ticks = append(v.ticks, fmt.Sprint("tick ", len(v.ticks)))
	case "more": // two pages, then the end
		if v.mores++; v.mores <= 2 {
			v.ticks = append(v.ticks, fmt.Sprint("more ", len(v.ticks)))
		}
	case "rename":
		v.ticks[len(v.ticks)-1] += " (renamed)"
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func TestAppendContainerKeepsItsChildren(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(func() live.View { return &ticker{ticks: []string{"tick 0"}} }, &live.Options{Logger: quiet}), "/")
	for range 4 {
		p.Click("#tick")
	}
	if got := p.Find("#ticks li").Length(); got != 5 {
		t.Fatalf("the page shows %d ticks, want 5: %s", got, p.HTML())
	}
	// A JS command's change to an item outlives the server's update of it,
	// as morphdom keeps it in the browser.
	p.Click("#t4")
	p.Click("#rename")
	if got := p.Text("#t4"); got != "tick 4 (renamed)" {
		t.Fatalf("the renamed tick reads %q", got)
	}
	if !strings.Contains(p.Find("#t4").AttrOr("class", ""), "picked") {
		t.Fatalf("the item lost the class a JS command gave it: %s", p.HTML())
	}
	if got := p.Find("#ticks li").Length(); got != 5 {
		t.Fatalf("after the update the page shows %d ticks, want 5", got)
	}
}

func TestScrollToBottomOncePerItem(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(func() live.View { return &ticker{ticks: []string{"tick 0"}} }, &live.Options{Logger: quiet}), "/")
	p.ScrollToBottom("#ticks")
	p.ScrollToBottom("#ticks") // a new last item: another event
	p.ScrollToBottom("#ticks") // and another, which loads nothing: the end
	if got := p.Text("#mores"); got != "3" {
		t.Fatalf("three scrolls to three new last items sent %s events", got)
	}
	p.ScrollToBottom("#ticks") // the same last item: no event
	p.Click("#rename")         // the last item changes in place: still the same item
	p.ScrollToBottom("#ticks")
	if got := p.Text("#mores"); got != "3" {
		t.Fatalf("scrolling to the same last item again sent events: %s in all, want 3", got)
	}
	if got := p.Find("#ticks li").Length(); got != 3 {
		t.Fatalf("the page shows %d ticks, want 3", got)
	}
}
