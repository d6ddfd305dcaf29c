package main

import (
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

func TestMain(m *testing.M) { livetest.Main(m) }

// TestCounter drives the first app's page, in its layout, as a user would.
func TestCounter(t *testing.T) {
	h := live.NewHandler(func() live.View { return &Counter{} }, &live.Options{
		Layout: func(page templ.Component) templ.Component { return layout("Counter", page) },
	})
	p := livetest.Open(t, h, "/")
	if got := p.Text("title"); got != "Counter" {
		t.Errorf("title %q, want Counter", got)
	}
	p.Click("#inc")
	p.Click("#inc")
	p.Click("#dec")
	if got := p.Text("#count"); got != "1" {
		t.Errorf("#count = %q after +, +, −; want 1", got)
	}
}
