// Package counter is the smallest live view: a number and two buttons.
package counter

import (
	"context"
	"encoding/json"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// View is the counter's state.
type View struct{ Count int }

// New returns a counter at zero, one per page load.
func New() live.View { return &View{} }

// Render shows the count.
func (v *View) Render() templ.Component { return page(v.Count) }

// HandleEvent handles the buttons' clicks.
func (v *View) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		v.Count++
	case "dec":
		v.Count--
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// Snapshot saves the count when the server shuts down gracefully (with
// live.Options.Store set), so that a deploy does not lose it.
func (v *View) Snapshot() ([]byte, error) { return json.Marshal(v) }

// Restore gives a page's count back on the instance it reconnects to.
func (v *View) Restore(_ context.Context, _ *live.Conn, data []byte) error {
	return json.Unmarshal(data, v)
}
