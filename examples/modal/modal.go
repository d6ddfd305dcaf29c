// Package modal shows dialogs made of JS commands and bindings, with no
// script of the page's own: a confirm dialog the server opens and closes
// (live-mounted shows it and moves the focus in, live-remove gives the
// focus back), a dialog the browser alone opens and closes (Show and Hide
// with in and out transitions), both trapping the focus (live-focus-wrap);
// a live-confirm question before a destructive click, a <details> whose
// open state survives re-renders (live-ignore-attributes), and the
// connection's state shown by live-connected and live-disconnected.
package modal

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
)

// File is one row of the list.
type File struct {
	ID   int
	Name string
}

// View is the page's server state: the files, the one the confirm dialog
// asks about (none: no dialog), the newest file, and a log of deletions.
type View struct {
	Files  []File
	Asking *File
	Newest int
	Log    []string
	next   int
}

// New returns the page's view, one per page load.
func New() live.View {
	return &View{Files: []File{{1, "notes.txt"}, {2, "photo.jpg"}, {3, "report.pdf"}}, next: 4}
}

// Render shows the page.
func (v *View) Render() templ.Component { return page(v) }

// HandleEvent handles the page's events. An id that names no file is an
// error reported to the browser; the view goes on.
func (v *View) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "ask", "delete":
		id, err := e.Int("id")
		if err != nil {
			return err
		}
		i := slices.IndexFunc(v.Files, func(f File) bool { return f.ID == id })
		if i < 0 {
			return fmt.Errorf("modal: no file %d", id)
		}
		if e.Name == "ask" {
			f := v.Files[i]
			v.Asking = &f
			return nil
		}
		v.Log = append(v.Log, v.Files[i].Name)
		v.Files = slices.Delete(v.Files, i, i+1)
		v.Asking = nil
	case "cancel":
		v.Asking = nil
	case "clear":
		for _, f := range v.Files {
			v.Log = append(v.Log, f.Name)
		}
		v.Files = nil
	case "add":
		v.Files = append(v.Files, File{v.next, fmt.Sprintf("new-%d.txt", v.next)})
		v.Newest = v.next
		v.next++
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// fade is the dialogs' transition (demo.css: .fading carries the CSS
// transition, .faded the transparent end).
var (
	fadeIn  = js.In("fading", "faded", "opaque")
	fadeOut = js.Out("fading", "opaque", "faded")
	fadeFor = js.Time(150 * time.Millisecond)
)

var (
	// ask remembers the Delete button that asks, for the dialog's
	// live-remove to give the focus back, and asks the server.
	ask = js.PushFocus().Send("ask")
	// shown runs when the server adds the confirm dialog: it fades in and
	// takes the focus.
	shown = js.Show(js.Display("flex"), fadeIn, fadeFor).FocusFirst()
	// gone runs just before the server removes it.
	gone = js.PopFocus()

	// openAbout and closeAbout run in the browser only.
	openAbout  = js.PushFocus().Show(js.To("#about"), js.Display("flex"), fadeIn, fadeFor).FocusFirst(js.To("#about"))
	closeAbout = js.Hide(js.To("#about"), fadeOut, fadeFor).PopFocus()

	// toggleHelp flips aria-expanded and shows or hides the help.
	toggleHelp = js.ToggleAttribute("aria-expanded", "true", "false").Toggle(js.To("#help"))

	// fresh marks a row the server just added.
	fresh = js.AddClass("fresh")

	online  = js.Show(js.Display("inline"))
	offline = js.Hide()
)
