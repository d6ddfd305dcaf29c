package form_test

import (
	"strings"
	"testing"

	"github.com/templive/templive/examples/form"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// secret is shared by the servers of a test, as by the instances of an app:
// a restarted server then verifies the pages of the last one.
var secret = [][]byte{[]byte("the form example's test secret, 32+ bytes")}

func newHandler() *live.Handler {
	return live.NewHandler(form.New, &live.Options{Secrets: secret})
}

// TestFormValidates: every keystroke reaches the server, which shows its
// copy and validates it.
func TestFormValidates(t *testing.T) {
	p := livetest.Open(t, newHandler(), "/form")
	p.Change("#query", "hello")
	if got := p.Text("#server-query"); got != "hello" {
		t.Fatalf("the server holds %q, want hello", got)
	}
	long := strings.Repeat("x", form.MaxQuery+1)
	p.Change("#query", long)
	if got := p.Text("#query-error"); got == "" {
		t.Fatal("no error for a query over the limit")
	}
	if got := p.Value("#query"); got != long {
		t.Fatalf("the field holds %q: validation must not lose what was typed", got)
	}
	p.Change("#query", "ok")
	if got := p.Text("#query-error"); got != "" {
		t.Fatalf("the error %q stayed after a valid query", got)
	}
}

// TestFormSubmitResetsTheField: a save shows the flash and the server's
// reset reaches the focused field.
func TestFormSubmitResetsTheField(t *testing.T) {
	p := livetest.Open(t, newHandler(), "/form")
	p.Change("#query", "hello")
	p.Submit("#form")
	if got := p.Text("#flash"); got != "Form submitted with query: hello" {
		t.Fatalf("flash %q", got)
	}
	if got := p.Value("#query"); got != "" {
		t.Fatalf("the field holds %q after the save, want it reset", got)
	}
	p.Change("#query", strings.Repeat("y", form.MaxQuery+5))
	p.Click("#save")
	if got := p.Text("#query-error"); got == "" || p.Value("#query") == "" {
		t.Fatalf("a save over the limit must keep the query and show the error; error %q, field %q", got, p.Value("#query"))
	}
}

// TestFormSurvivesServerRestart is the article's demo: the server loses the
// view; the page rejoins a new server, which gets the recoverable form back
// before its first render. The form without an id is not recovered.
func TestFormSurvivesServerRestart(t *testing.T) {
	s := livetest.NewServer(t, newHandler())
	p := s.Open("/form")
	p.Change("#query", "hello")
	p.Change("#note", "scratch")
	p.Blur("#note") // no field keeps the focus: only recovery can keep the values
	s.Restart(newHandler())
	p.Reconnect()
	if got := p.Text("#server-query"); got != "hello" {
		t.Fatalf("the new server holds %q, want hello (recovered)", got)
	}
	if got := p.Value("#query"); got != "hello" {
		t.Fatalf("#query holds %q after the restart, want hello", got)
	}
	if got := p.Text("#server-note") + p.Value("#note"); got != "" {
		t.Fatalf("the form without an id shows %q after the restart: it is documented as not recovered", got)
	}
	p.Submit("#form")
	if got := p.Text("#flash"); got != "Form submitted with query: hello" {
		t.Fatalf("after the recovery the form does not work: flash %q", got)
	}
}

// TestFormRecoversAnInvalidQuery: a recovered value goes through the same
// validation as a typed one.
func TestFormRecoversAnInvalidQuery(t *testing.T) {
	s := livetest.NewServer(t, newHandler())
	p := s.Open("/form")
	long := strings.Repeat("z", form.MaxQuery+1)
	p.Change("#query", long)
	p.Blur("#query")
	s.Restart(newHandler())
	p.Reconnect()
	if p.Text("#query-error") == "" || p.Value("#query") != long {
		t.Fatalf("after recovery: error %q, field %q; want the error and the query kept", p.Text("#query-error"), p.Value("#query"))
	}
}

// TestFormResumesAfterADrop: a short drop keeps the whole view: both forms
// and the flash, no recovery needed.
func TestFormResumesAfterADrop(t *testing.T) {
	p := livetest.Open(t, newHandler(), "/form")
	p.Change("#query", "hello")
	p.Submit("#form")
	p.Change("#note", "scratch")
	p.Reconnect()
	if p.Text("#flash") == "" || p.Text("#server-note") != "scratch" {
		t.Fatalf("after a drop: flash %q, note %q; want both kept", p.Text("#flash"), p.Text("#server-note"))
	}
}
