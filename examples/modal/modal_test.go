package modal_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/templive/templive/examples/layout"
	"github.com/templive/templive/examples/modal"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// counted is the modal view, counting the events that reach the server.
type counted struct {
	*modal.View
	events *int
}

func (v counted) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	*v.events++
	return v.View.HandleEvent(ctx, c, e)
}

// open serves /modal in the demos' layout, whose stylesheet hides .modal,
// and returns the page and the count of events its view received.
func open(t *testing.T) (*livetest.Page, *int) {
	events := new(int)
	h := live.NewHandler(func() live.View { return counted{modal.New().(*modal.View), events} }, &live.Options{Layout: layout.For("Dialogs")})
	t.Cleanup(func() { h.Close() })
	mux := http.NewServeMux()
	mux.Handle("/modal", h)
	mux.HandleFunc("/static/demo.css", layout.Stylesheet)
	return livetest.Open(t, mux, "/modal"), events
}

func focus(t *testing.T, p *livetest.Page, sel string) {
	t.Helper()
	if !p.HasFocus(sel) {
		t.Fatalf("the focus is not on %s\n%s", sel, p.HTML())
	}
}

// TestConfirmDialog: the server opens the dialog, which takes the focus,
// keeps Tab inside, and gives the focus back to the button that opened it.
func TestConfirmDialog(t *testing.T) {
	p, _ := open(t)
	if p.Find("#confirm").Length() != 0 {
		t.Fatal("a dialog before any click")
	}
	p.Click("#file-2 .delete")
	if !p.Visible("#confirm") || p.Text("#confirm-title") != "Delete photo.jpg?" {
		t.Fatalf("no dialog about photo.jpg shown:\n%s", p.HTML())
	}
	focus(t, p, "#confirm-cancel") // live-mounted: FocusFirst
	p.Tab()
	focus(t, p, "#confirm-delete")
	p.Tab() // the last element: back to the first
	focus(t, p, "#confirm-cancel")
	p.ShiftTab() // the first: round to the last
	focus(t, p, "#confirm-delete")
	p.Click("#confirm-cancel")
	if p.Find("#confirm").Length() != 0 {
		t.Fatal("the dialog stayed after Cancel")
	}
	focus(t, p, "#file-2 .delete") // live-remove: PopFocus
	if p.Find("#file-2").Length() != 1 {
		t.Fatal("Cancel deleted the file")
	}

	p.Click("#file-2 .delete")
	p.KeyDown("#confirm-delete", "Escape")
	if p.Find("#confirm").Length() != 0 {
		t.Fatal("Escape left the dialog open")
	}
	focus(t, p, "#file-2 .delete")

	p.Click("#file-2 .delete")
	p.Click("#confirm-delete")
	if p.Find("#file-2").Length() != 0 || p.Find("#confirm").Length() != 0 {
		t.Fatalf("photo.jpg not deleted, or the dialog stayed:\n%s", p.HTML())
	}
	if got := p.Text("#log summary"); got != "Deleted (1)" {
		t.Errorf("log says %q", got)
	}
}

// TestAboutDialog: the browser alone opens and closes it: no event reaches
// the server, the transitions' classes are gone at the end, the focus is
// trapped and comes back.
func TestAboutDialog(t *testing.T) {
	p, events := open(t)
	if p.Visible("#about") {
		t.Fatal("about shown before the click")
	}
	p.Click("#about-open")
	if !p.Visible("#about") {
		t.Fatal("about not shown")
	}
	if cls, _ := p.Get("#about").Attr("class"); cls != "modal" {
		t.Errorf("about's classes after the fade: %q", cls)
	}
	focus(t, p, "#about-name")
	p.ShiftTab()
	focus(t, p, "#about-close")
	p.Tab()
	focus(t, p, "#about-name")
	p.Tab()
	focus(t, p, "#about-link")
	p.KeyDown("#about-link", "Escape")
	if p.Visible("#about") {
		t.Fatal("Escape did not close about")
	}
	focus(t, p, "#about-open")
	p.Click("#about-open")
	p.Click("#about-close")
	if p.Visible("#about") {
		t.Fatal("Close did not close about")
	}
	if *events != 0 {
		t.Errorf("%d events reached the server; the about dialog needs none", *events)
	}
}

// TestTabOutsideDialogs: without a focus-wrap container Tab goes on through
// the page, past the hidden dialog.
func TestTabOutsideDialogs(t *testing.T) {
	p, _ := open(t)
	p.Focus("#about-open")
	p.Tab()
	focus(t, p, "#help-toggle")
	p.Tab()
	focus(t, p, "#file-1 .delete")
}

// TestConfirmBeforeDeleteAll: live-confirm asks; no means no event.
func TestConfirmBeforeDeleteAll(t *testing.T) {
	p, events := open(t)
	var asked []string
	answer := false
	p.OnConfirm(func(q string) bool { asked = append(asked, q); return answer })
	p.Click("#clear")
	if *events != 0 || p.Find("#files li").Length() != 3 {
		t.Fatalf("refused, yet %d events and %d files", *events, p.Find("#files li").Length())
	}
	answer = true
	p.Click("#clear")
	if p.Find("#files li").Length() != 0 {
		t.Fatal("confirmed, yet files remain")
	}
	if len(asked) != 2 || asked[0] != "Delete every file?" {
		t.Errorf("asked %q", asked)
	}
}

// TestConfirmWithoutAnswerFails: a test that clicks a live-confirm button
// without saying what the user answers fails, as a dialog nobody answers
// would hang the page.
func TestConfirmWithoutAnswerFails(t *testing.T) {
	p, events := open(t)
	msg := p.ExpectError(func() { p.Click("#clear") })
	if msg == "" || *events != 0 {
		t.Fatalf("error %q, %d events", msg, *events)
	}
}

// TestLogStaysOpen: the user opened the <details>; re-renders that change
// it keep it open (live-ignore-attributes), and a user's close stays too.
func TestLogStaysOpen(t *testing.T) {
	p, _ := open(t)
	p.Click("#log summary")
	p.Click("#file-1 .delete")
	p.Click("#confirm-delete")
	if _, ok := p.Get("#log").Attr("open"); !ok {
		t.Fatalf("the log closed on a re-render:\n%s", p.HTML())
	}
	if p.Text("#log li") != "notes.txt" {
		t.Errorf("log shows %q", p.Text("#log li"))
	}
	p.Click("#log summary")
	p.Click("#add")
	if _, ok := p.Get("#log").Attr("open"); ok {
		t.Fatal("closed by the user, the log opened again")
	}
}

// TestHelpTogglesAttribute: ToggleAttribute swaps aria-expanded's values.
func TestHelpTogglesAttribute(t *testing.T) {
	p, _ := open(t)
	for i, want := range []string{"true", "false", "true"} {
		p.Click("#help-toggle")
		if got, _ := p.Get("#help-toggle").Attr("aria-expanded"); got != want {
			t.Fatalf("click %d: aria-expanded=%q, want %q", i+1, got, want)
		}
		if p.Visible("#help") != (want == "true") {
			t.Fatalf("click %d: help visible %v", i+1, p.Visible("#help"))
		}
	}
}

// TestNewRowMounted: live-mounted runs for the row the server adds, not
// for the others.
func TestNewRowMounted(t *testing.T) {
	p, _ := open(t)
	p.Click("#add")
	if !p.Get("#file-4").HasClass("fresh") {
		t.Fatalf("the new row is not fresh:\n%s", p.HTML())
	}
	if p.Find(".fresh").Length() != 1 {
		t.Errorf("%d fresh rows", p.Find(".fresh").Length())
	}
}

// TestConnectionStatus: live-connected and live-disconnected chains.
func TestConnectionStatus(t *testing.T) {
	p, _ := open(t)
	if !p.Visible("#status-on") || p.Visible("#status-off") {
		t.Fatal("connected, but the status says otherwise")
	}
	p.Disconnect()
	if p.Visible("#status-on") || !p.Visible("#status-off") {
		t.Fatal("disconnected, but the status says otherwise")
	}
	p.Reconnect()
	if !p.Visible("#status-on") || p.Visible("#status-off") {
		t.Fatal("reconnected, but the status says otherwise")
	}
}

// TestBadInput: an id that is no number or names no file is an error the
// browser gets, and the files are as they were.
func TestBadInput(t *testing.T) {
	v := modal.New().(*modal.View)
	for _, e := range []live.Event{
		{Name: "ask", Values: url.Values{"id": {"99"}}},
		{Name: "delete", Values: url.Values{"id": {"x"}}},
		{Name: "delete"},
		{Name: "levitate"},
	} {
		if err := v.HandleEvent(context.Background(), nil, e); err == nil {
			t.Errorf("%s %v: no error", e.Name, e.Values)
		}
	}
	if len(v.Files) != 3 || v.Asking != nil || len(v.Log) != 0 {
		t.Errorf("bad events changed the view: %+v", v)
	}
}
