package toggle_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/templive/templive/examples/layout"
	"github.com/templive/templive/examples/toggle"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// counted is the toggle view, counting the events that reach the server.
type counted struct {
	*toggle.View
	events *int
}

func (v counted) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	*v.events++
	return v.View.HandleEvent(ctx, c, e)
}

// open serves /toggle in the demos' layout, whose stylesheet hides .hidden,
// and returns the page and the count of events its view received.
func open(t *testing.T) (*livetest.Page, *int) {
	events := new(int)
	h := live.NewHandler(func() live.View { return counted{toggle.New().(*toggle.View), events} }, &live.Options{Layout: layout.For("Toggle")})
	t.Cleanup(func() { h.Close() })
	mux := http.NewServeMux()
	mux.Handle("/toggle", h)
	mux.HandleFunc("/static/demo.css", layout.Stylesheet)
	return livetest.Open(t, mux, "/toggle"), events
}

// TestToggleExamples reproduces the article's examples: each click toggles
// classes in the browser, without a message to the server.
func TestToggleExamples(t *testing.T) {
	tests := []struct {
		name  string
		click string
		shown []string // visible after one click, hidden before and after two
	}{
		{"one element by id", "#example-1", []string{"#toggled-content"}},
		{"several elements", "#example-2 .title-content", []string{"#example-2 > .expanded-content"}},
		{"with a transition", "#example-3 .title", []string{"#example-3 > .expanded-content"}},
		{"a list item's own children", "#item-2 .title", []string{"#item-2 .expanded-content"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, events := open(t)
			for _, sel := range tt.shown {
				if p.Visible(sel) {
					t.Fatalf("%s is visible before the click", sel)
				}
			}
			p.Click(tt.click)
			for _, sel := range tt.shown {
				if !p.Visible(sel) {
					t.Fatalf("%s is hidden after one click:\n%s", sel, p.HTML())
				}
			}
			p.Click(tt.click)
			for _, sel := range tt.shown {
				if p.Visible(sel) {
					t.Fatalf("%s is visible after two clicks", sel)
				}
			}
			if *events != 0 {
				t.Fatalf("the clicks sent %d events to the server, want none", *events)
			}
		})
	}
}

// TestToggleSwapsTitle: example 2 hides its title as it shows the text.
func TestToggleSwapsTitle(t *testing.T) {
	p, _ := open(t)
	p.Click("#example-2")
	if p.Visible("#example-2 > .title-content") || !p.Visible("#example-2 > .expanded-content") {
		t.Fatal("example 2 should swap its title for its text")
	}
}

// TestToggleListItemsAreIndependent: the command defined once targets the
// clicked item's children only.
func TestToggleListItemsAreIndependent(t *testing.T) {
	p, _ := open(t)
	p.Click("#item-2")
	if !p.Find("#item-2 .chevron").HasClass("rotate-180") || p.Find("#item-1 .chevron").HasClass("rotate-180") ||
		p.Visible("#item-1 .expanded-content") || p.Visible("#item-3 .expanded-content") {
		t.Fatalf("a click on item 2 changed other items:\n%s", p.Get(".items").Text())
	}
	if p.Find("#item-2 .chevron").HasClass("turning") {
		t.Fatal("the transition class stayed after its time")
	}
}

// TestToggledClassesSurviveServerRenders: a bump rewrites the chevron's
// class attribute on the server; what the browser toggled stays.
func TestToggledClassesSurviveServerRenders(t *testing.T) {
	p, events := open(t)
	p.Click("#example-3")
	p.Click("#bump")
	if got := p.Text("#bumps"); got != "1" {
		t.Fatalf("bumps %q, want 1", got)
	}
	chevron := p.Find("#example-3 .chevron")
	if !chevron.HasClass("bumped") || !chevron.HasClass("rotate-180") || !p.Visible("#example-3 > .expanded-content") {
		class, _ := chevron.Attr("class")
		t.Fatalf("after the bump the chevron has class %q and the content visible %v; want bumped (server) and rotate-180 (browser)",
			class, p.Visible("#example-3 > .expanded-content"))
	}
	if *events != 1 {
		t.Fatalf("%d events reached the server, want the bump only", *events)
	}
}

// TestToggleBadBump: a malformed value from the page is an error for that
// event; the view keeps its state and goes on.
func TestToggleBadBump(t *testing.T) {
	p, _ := open(t)
	p.Click("#example-3")
	p.Click("#bump")
	p.Find("#bump").SetAttr("live-value-by", "lots") // a tampered page
	if msg := p.ExpectError(func() { p.Click("#bump") }); !strings.Contains(msg, `"by"`) {
		t.Fatalf("error %q, want it to name the value", msg)
	}
	p.Find("#bump").SetAttr("live-value-by", "2")
	p.Click("#bump")
	if got := p.Text("#bumps"); got != "3" {
		t.Fatalf("bumps %q after a bad bump and a good one, want 3", got)
	}
}
