package events_test

import (
	"net/http"
	"testing"

	"github.com/templive/templive/examples/events"
	"github.com/templive/templive/examples/layout"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// open serves /events in the demos' layout (its stylesheet hides the menu
// until it is toggled).
func open(t *testing.T) *livetest.Page {
	h := live.NewHandler(events.New, &live.Options{Layout: layout.For("Events")})
	t.Cleanup(func() { h.Close() })
	mux := http.NewServeMux()
	mux.Handle("/events", h)
	mux.HandleFunc("/static/demo.css", layout.Stylesheet)
	return livetest.Open(t, mux, "/events")
}

// TestEventBindings: each binding of the page reaches the view with the
// values the browser sends.
func TestEventBindings(t *testing.T) {
	tests := []struct {
		name string
		do   func(p *livetest.Page)
		want map[string]string // #id: text
	}{
		{"typing searches", func(p *livetest.Page) { p.Change("#q", "go") }, map[string]string{"#searches": "1", "#query": "go"}},
		{"enter submits the search", func(p *livetest.Page) { p.Change("#q", "templ"); p.Submit("#search") },
			map[string]string{"#searches": "2", "#query": "templ"}},
		{"every click counts (no throttle in tests)", func(p *livetest.Page) { p.Click("#tick"); p.Click("#tick"); p.Click("#tick") },
			map[string]string{"#ticks": "3"}},
		{"a slow save", func(p *livetest.Page) { p.Click("#save") }, map[string]string{"#saves": "1"}},
		{"keys with modifiers", func(p *livetest.Page) { p.KeyDown("#keys", "Control+Shift+k") },
			map[string]string{"#key": "ctrl+shift+k", "#focus": "focus"}},
		{"blur", func(p *livetest.Page) { p.Focus("#keys"); p.Blur("#keys") }, map[string]string{"#focus": "blur"}},
		{"Enter only", func(p *livetest.Page) { p.KeyUp("#enter", "a"); p.KeyUp("#enter", "Enter") }, map[string]string{"#enters": "1"}},
		{"Escape anywhere", func(p *livetest.Page) { p.KeyUp("", "Escape"); p.KeyUp("#q", "Escape"); p.KeyUp("", "x") },
			map[string]string{"#escapes": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := open(t)
			tt.do(p)
			for sel, want := range tt.want {
				if got := p.Text(sel); got != want {
					t.Errorf("%s shows %q, want %q", sel, got, want)
				}
			}
		})
	}
}

// TestMenuInTheBrowser: the menu opens and closes with JS commands and a
// click away, with no server event, and a click away does not swallow the
// click it comes with.
func TestMenuInTheBrowser(t *testing.T) {
	p := open(t)
	if p.Visible("#menu") {
		t.Fatal("the menu is open before any click")
	}
	p.Click("#menu-button")
	if !p.Visible("#menu") {
		t.Fatal("the menu button did not open the menu")
	}
	p.Click("#menu-button")
	if p.Visible("#menu") {
		t.Fatal("a second click did not close the menu")
	}
	p.Click("#menu-button")
	p.Click("#tick") // away from the menu
	if p.Visible("#menu") {
		t.Fatal("a click away did not close the menu")
	}
	if got := p.Text("#ticks"); got != "1" {
		t.Fatalf("the click away sent %s ticks, want the click's own", got)
	}
}
