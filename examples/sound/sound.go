// Package sound is the /sound demo: sound effects chosen by server state,
// played in the browser on a click with no round trip, and pushed by the
// server later (shared/reference/sound-events.txt).
package sound

import (
	"context"
	"encoding/json"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/examples/layout"
	"github.com/templive/templive/live"
)

// Max is the highest the counter goes.
const Max = 10

// View is the sound board's state.
type View struct {
	Count int
	Left  bool // the visitor left the board: its sounds stop
}

// New returns a board at zero, one per page load.
func New() live.View { return &View{} }

// Render shows the board.
func (v *View) Render() templ.Component { return page(v) }

// IncSound is the sound #inc plays, chosen by the state: a click while the
// count can go up, a donk once it cannot.
func (v *View) IncSound() string {
	if v.Count < Max {
		return "click"
	}
	return "donk"
}

// winLater is the message the server sends itself for the delayed sound.
type winLater struct{}

// HandleEvent handles the board's buttons.
func (v *View) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		v.Count = min(v.Count+1, Max)
	case "reset":
		v.Count = 0
	case "delayed":
		c.SendAfter(time.Second, winLater{})
		return c.Push("cue", map[string]string{"text": "win in 1 s…"})
	case "leave", "back":
		v.Left = e.Name == "leave"
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// HandleInfo plays the delayed sound when its time has come.
func (v *View) HandleInfo(_ context.Context, c *live.Conn, msg any) error {
	if _, ok := msg.(winLater); ok && !v.Left {
		return c.PlaySound("win")
	}
	return nil
}

// soundsAttr declares the board's sounds: name to URL (or URL and volume).
var soundsAttr = func() string {
	b, _ := json.Marshal(map[string]any{
		"click": AssetPath + "click.wav",
		"donk":  AssetPath + "donk.wav",
		"win":   map[string]any{"url": AssetPath + "win.wav", "volume": 0.8},
	})
	return string(b)
}()

// Layout is the demo's document: the shared one, with the page's hooks
// script loaded before the templive client (both are deferred, so they run
// in document order).
func Layout(title string) func(templ.Component) templ.Component {
	return func(page templ.Component) templ.Component {
		return layout.Page(title, templ.Join(hooksScript(), page))
	}
}
