package livetest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// votes is a view with two vote components and buttons of its own.
type votes struct{ conn *live.Conn }

func (v *votes) Mount(_ context.Context, c *live.Conn, _ *http.Request) error {
	v.conn = c
	return nil
}

func (v *votes) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		for _, id := range []string{"v1", "v2"} {
			if err := live.Component(v.conn, id, &vote{id: id}).Render(ctx, w); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `<button id="named" live-click="up" live-target="v2">v2 up, from outside</button>`+
			`<button id="ghost" live-click="up" live-target="v9">nobody</button>`+
			`<button id="lost" live-click="up" live-target>no component around</button>`)
		return err
	})
}

type vote struct {
	id   string
	n    int
	note string
}

func (c *vote) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<output>%d</output><button class="up" live-click="up" live-target>+</button><button class="view" live-click="up">view's</button>`+
			`<form id="%s-form" live-change="note" live-target><input name="note"></form><p class="note">%s</p>`, c.n, c.id, templ.EscapeString(c.note))
		return err
	})
}

func (c *vote) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "up":
		c.n++
	case "note":
		c.note = e.Get("note")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func newVotes() *live.Handler {
	return live.NewHandler(func() live.View { return &votes{} }, &live.Options{Secrets: secret, Logger: quiet})
}

func TestComponentRouting(t *testing.T) {
	p := livetest.Open(t, newVotes(), "/")
	p.Click("#v1 .up") // the component around the button
	if got, want := p.ComponentHTML("v1"), "<output>1</output>"; !strings.HasPrefix(got, want) {
		t.Errorf("v1 after its click: %s", got)
	}
	if got := p.Text("#v2 output"); got != "0" {
		t.Errorf("a click in v1 changed v2: %s", got)
	}
	p.Click("#named") // named from outside
	if got := p.Text("#v2 output"); got != "1" {
		t.Errorf("v2 after live-target=v2: %s", got)
	}
	// No live-target: the view's, which has no such event, as in the browser.
	if msg := p.ExpectError(func() { p.Click("#v1 .view") }); !strings.Contains(msg, `unknown event "up"`) {
		t.Errorf("a click without live-target: %q", msg)
	}
	if msg := p.ExpectError(func() { p.Click("#lost") }); !strings.Contains(msg, `unknown event "up"`) {
		t.Errorf("live-target outside any component: %q", msg)
	}
	// An unknown component: an error, and nothing changes.
	before := p.ComponentHTML("v1") + p.ComponentHTML("v2")
	if msg := p.ExpectError(func() { p.Click("#ghost") }); !strings.Contains(msg, `unknown component "v9"`) {
		t.Errorf("live-target naming no component: %q", msg)
	}
	if after := p.ComponentHTML("v1") + p.ComponentHTML("v2"); after != before {
		t.Errorf("the components changed after an event for an unknown component:\n%s\nwas\n%s", after, before)
	}
}

func TestComponentHTMLMissing(t *testing.T) {
	f := runFake(func(t testing.TB) {
		p := livetest.Open(t, newVotes(), "/")
		p.ComponentHTML("named") // an element, not a component
	})
	if !strings.Contains(f.fatal, `no component "named"`) {
		t.Fatalf("ComponentHTML of a non-component reported %q", f.reported())
	}
}

// TestComponentFormRecovered: after the server lost the view, a form in a
// component is replayed to that component, mounted afresh, as the view's
// forms are to the view.
func TestComponentFormRecovered(t *testing.T) {
	s := livetest.NewServer(t, newVotes())
	p := s.Open("/")
	p.Change("#v2-form input", "keep me")
	if got := p.Text("#v2 .note"); got != "keep me" {
		t.Fatalf("the component's form event: %q", got)
	}
	p.Click("#v2 .up")
	s.Restart(newVotes())
	p.Reconnect()
	if got := p.Text("#v2 .note") + "|" + p.Value("#v2-form input"); got != "keep me|keep me" {
		t.Fatalf("after the restart v2 shows %q", got)
	}
	if got := p.Text("#v2 output"); got != "0" {
		t.Fatalf("count %q: a fresh component cannot know the clicks", got)
	}
	if got := p.Text("#v1 .note"); got != "" {
		t.Fatalf("v1 got v2's note: %q", got)
	}
}
