package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// TestMain fails the run if a test leaves a view's goroutine behind.
func TestMain(m *testing.M) { livetest.Main(m) }

func newHome() *live.Handler {
	return live.NewHandler(func() live.View { return &Home{} }, &live.Options{
		Layout: func(page templ.Component) templ.Component { return layout("Hello", page) },
	})
}

// TestHome drives the page, in its layout, as a user would.
func TestHome(t *testing.T) {
	p := livetest.Open(t, newHome(), "/")
	if got := p.Text("title"); got != "Hello" {
		t.Errorf("title %q, want Hello", got)
	}
	p.Change("#name", "  Ada ")
	if got := p.Text("#greeting"); got != "Hello, Ada!" {
		t.Errorf("#greeting = %q after typing Ada; want Hello, Ada!", got)
	}
	p.Click("#inc")
	p.Click("#inc")
	p.Click("#dec")
	if got := p.Text("#count"); got != "1" {
		t.Errorf("#count = %q after +, +, −; want 1", got)
	}
}

// TestSecure checks the headers every response carries.
func TestSecure(t *testing.T) {
	rec := httptest.NewRecorder()
	secure(newHome()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Header().Get("Content-Security-Policy"); !strings.Contains(got, "script-src 'self'") {
		t.Errorf("Content-Security-Policy %q, want script-src 'self'", got)
	}
	if rec.Code != http.StatusOK {
		t.Errorf("GET / = %d, want 200", rec.Code)
	}
}
