// Package toggle reproduces every example of the article "My Favorite new
// LiveView Feature" (JS.toggle_class) with templive's JS commands: the page
// toggles classes in the browser, with no round trip, and keeps them through
// server re-renders.
package toggle

import (
	"context"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
)

// View is the page's server state: only the count of bumps. Which sections
// are open lives in the browser.
type View struct{ Bumps int }

// New returns the page's view, one per page load.
func New() live.View { return &View{} }

// Render shows the examples.
func (v *View) Render() templ.Component { return page(v.Bumps, items) }

// HandleEvent handles #bump. Its value "by" comes from the page: a
// malformed one is an error reported to the browser, and the view goes on.
func (v *View) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	if e.Name != "bump" {
		return live.ErrUnknownEvent
	}
	by, err := e.Int("by")
	if err != nil {
		return err
	}
	v.Bumps += by
	return nil
}

// Item is one entry of the dynamic list.
type Item struct {
	ID             int
	Title, Details string
}

var items = []Item{
	{1, "Famous Quote", "If you judge people, you have no time to love them. ~Mother Teresa"},
	{2, "UK Saying", "Keep calm and carry on. ~Winston Churchill"},
	{3, "I know...", "...more than I did yesterday."},
}

// turning rotates a chevron through a 300 ms CSS transition (demo.css:
// .turning carries the transition, .rotate-180 the rotation).
var turning = []js.Option{js.Transition("turning"), js.Time(300 * time.Millisecond)}

var (
	// example1 toggles one element, by id.
	example1 = js.ToggleClass("hidden", js.To("#toggled-content"))
	// example2 toggles two elements at once, by a list of selectors.
	example2 = js.ToggleClass("hidden", js.To("#example-2 > .title-content", "#example-2 > .expanded-content"))
	// example3 reveals the content and turns the chevron.
	example3 = js.
			ToggleClass("hidden", js.To("#example-3 > .expanded-content")).
			ToggleClass("rotate-180", append(turning, js.To("#example-3 .chevron"))...)
	// expand is defined once and reused by every list item: relative
	// targets find the item's own children, so no id is built per item.
	expand = js.
		ToggleClass("hidden", js.Inner(".expanded-content")).
		ToggleClass("rotate-180", append(turning, js.Inner(".chevron"))...)
)
