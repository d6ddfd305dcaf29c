package livetest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// editView edits a record whose form carries its id in a hidden field
// named "id": the name that shadows form.id in a browser.
type editView struct{ id, title string }

func (v *editView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<form id="edit" live-change="validate"><input type="hidden" name="id" value="42">`+
			`<input id="title" name="title" value="%s"></form><p id="saved">%s/%s</p><button id="go" live-click="go">go</button>`,
			templ.EscapeString(v.title), templ.EscapeString(v.id), templ.EscapeString(v.title))
		return err
	})
}

func (v *editView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "validate":
		v.id, v.title = e.Get("id"), e.Get("title")
	case "go":
		return c.Redirect("/done")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

var editSecret = &live.Options{Secrets: [][]byte{[]byte("the edit app's secret, the same after a restart")}}

func newEdit() *live.Handler {
	return live.NewHandler(func() live.View { return &editView{} }, editSecret)
}

// TestIDFieldFormRecovers: a form with a field named "id" is recovered by
// its id attribute after a restart, in livetest as in the browser (e2e's
// TestIDFieldFormRecovers).
func TestIDFieldFormRecovers(t *testing.T) {
	s := livetest.NewServer(t, newEdit())
	p := s.Open("/edit")
	p.Change("#title", "draft")
	s.Restart(newEdit())
	p.Reconnect()
	if got := p.Text("#saved"); got != "42/draft" {
		t.Fatalf("after the restart the view holds %q, want 42/draft: the form was not recovered", got)
	}
	if got := p.Value("#title"); got != "draft" {
		t.Fatalf("#title holds %q", got)
	}
}

func TestRedirectFromAClick(t *testing.T) {
	s := livetest.NewServer(t, newEdit())
	p := s.Open("/edit")
	if got := p.Redirected(); got != "" {
		t.Fatalf("Redirected() = %q before any redirect", got)
	}
	p.Click("#go")
	if got := p.Redirected(); got != "/done" {
		t.Fatalf("Redirected() = %q, want /done", got)
	}
	if p.Connected() {
		t.Error("the page is still connected after it was sent away")
	}
}

func TestRedirectOnTheGET(t *testing.T) {
	h := live.NewHandler(func() live.View { return &editView{} }, &live.Options{
		OnMount: []live.MountHook{func(ctx context.Context, c *live.Conn, r *http.Request) error {
			return c.Redirect("/login?next=" + r.URL.Path)
		}},
	})
	s := livetest.NewServer(t, h)
	p := s.Open("/edit")
	if got := p.Redirected(); got != "/login?next=/edit" {
		t.Fatalf("Redirected() = %q, want /login?next=/edit", got)
	}
	if p.Connected() || p.Find("#edit").Length() != 0 {
		t.Errorf("a page redirected by its GET shows nothing and does not connect:\n%s", p.HTML())
	}
}
