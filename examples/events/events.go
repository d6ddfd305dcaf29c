// Package events shows the event bindings: debounce, throttle, disable-with,
// keys, focus and blur, window keys, and a menu that opens and closes in the
// browser alone (JS commands and live-click-away).
package events

import (
	"context"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
)

// SaveDelay is how long the demo's Save takes, so that its disabled state
// shows.
const SaveDelay = 400 * time.Millisecond

// View counts what reached the server.
type View struct {
	Searches int    // change events of the search field
	Query    string // the last query
	Ticks    int    // clicks of the throttled button
	Saves    int
	Key      string // the last key pressed in #keys, with its modifiers
	Focus    string // focus or blur of #keys
	Enters   int    // Enter released in #enter
	Escapes  int    // Escape released anywhere
}

// New returns the page's view, one per page load.
func New() live.View { return &View{} }

// Render shows the bindings and the counts.
func (v *View) Render() templ.Component { return page(v) }

// HandleEvent counts every event.
func (v *View) HandleEvent(ctx context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "search":
		v.Searches++
		v.Query = e.Get("q")
	case "tick":
		v.Ticks++
	case "save":
		// A slow save: the view waits (its page shows live-disable-with).
		select {
		case <-time.After(SaveDelay):
		case <-ctx.Done():
			return ctx.Err()
		}
		v.Saves++
	case "key":
		mods := []string{}
		for _, m := range []string{"ctrlKey", "altKey", "shiftKey", "metaKey"} {
			if e.Bool(m) {
				mods = append(mods, strings.TrimSuffix(m, "Key"))
			}
		}
		v.Key = strings.Join(append(mods, e.Get("key")), "+")
	case "focus", "blur":
		v.Focus = e.Name
	case "enter":
		v.Enters++
	case "escape":
		v.Escapes++
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// The menu opens and closes in the browser: no server event. The click-away
// is on the box around the button and the menu, so that a click on the
// button is not also a click away.
var (
	toggleMenu = js.Toggle(js.To("#menu"))
	closeMenu  = js.Hide(js.Inner("#menu"))
)
