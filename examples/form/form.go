// Package form reproduces "How Phoenix LiveView Form Auto-Recovery works":
// a form whose every change reaches the server, so that the server's state
// always matches what the user sees, and so that a restarted server gets it
// back from the page.
//
// The first form has an id and a live-change event: when the page rejoins
// a server that lost its view (the process was killed, a deploy, another
// instance), the client sends its current values to "validate" before the
// fresh render is applied, and nothing the user typed is lost. The second
// form has no id: it is not recovered, and after a restart the server's
// copy of it, and then the input, are empty again.
package form

import (
	"context"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// MaxQuery is the longest query validate accepts, in characters.
const MaxQuery = 40

const tooLong = "At most 40 characters, please."

// View is the page's state: the server's copies of both forms.
type View struct {
	Query string // the recovered form's query, as the server last saw it
	Error string // why Query is not valid, or ""
	Flash string // what the last save did
	Note  string // the second form's field: not recovered
}

// New returns an empty form, one per page load.
func New() live.View { return &View{} }

// Render shows the forms and the server's copy of their values.
func (v *View) Render() templ.Component { return page(v) }

// HandleEvent keeps the server's copy of the forms current (validate and
// note, on every keystroke) and saves the query.
func (v *View) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "validate":
		// Recovery after a restart arrives here too, with the same
		// values: a value that fails validation is shown as an error,
		// whether the user just typed it or the page recovered it.
		v.Query = e.Get("query")
		v.Error = ""
		if n := utf8.RuneCountInString(v.Query); n > MaxQuery {
			v.Error = tooLong
		}
	case "save":
		q := e.Get("query")
		if utf8.RuneCountInString(q) > MaxQuery {
			v.Query, v.Error = q, tooLong
			return nil
		}
		// Resetting the server's copy resets the input: the page shows
		// what the server holds.
		v.Query, v.Error = "", ""
		v.Flash = "Form submitted with query: " + q
	case "note":
		v.Note = e.Get("note")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}
