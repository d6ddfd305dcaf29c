// Package counter is the smallest live view: a number and two buttons.
package counter

import (
	"context"

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
