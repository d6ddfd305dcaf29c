package todos_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/templive/templive/examples/todos"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// logIn posts the login form as the browser does and returns the server.
func logIn(t *testing.T, app *todos.App, name string) *livetest.Server {
	t.Helper()
	s := livetest.NewServer(t, app)
	resp, err := s.Client().PostForm("http://"+livetest.Host+"/todos/login", url.Values{"name": {name}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/todos" {
		t.Fatalf("login answered %s, Location %q; want 303 to /todos", resp.Status, resp.Header.Get("Location"))
	}
	return s
}

func items(p *livetest.Page) []string {
	var out []string
	for _, s := range p.Find("#items a").EachIter() {
		out = append(out, s.Text())
	}
	return out
}

// TestTodosJourney walks the app as a user: add, filter by URL, open an
// item over the same connection, delete it and land back on the list
// with a flash that followed.
func TestTodosJourney(t *testing.T) {
	app := todos.New(todos.Config{})
	s := logIn(t, app, "ann")
	p := s.Open("/todos")
	if got := p.Title(); got != "Todos (0 left)" {
		t.Fatalf("the GET's title is %q", got)
	}
	for _, title := range []string{"milk", "bread"} {
		p.Change("#add input[name=title]", title)
		p.Submit("#add")
	}
	if got := p.Flash("info"); got != "Added “bread”." {
		t.Fatalf("flash %q after adding", got)
	}
	if got := p.Title(); got != "Todos (2 left)" {
		t.Fatalf("title %q after adding two", got)
	}
	p.Click("#flash-info")
	if got := p.Flash("info"); got != "" {
		t.Fatalf("the flash %q stays after a click on it", got)
	}
	p.Click("#items li:first-child input[type=checkbox]")

	p.Click("#filter-done")
	if p.URL() != "/todos?filter=done" || strings.Join(items(p), ",") != "milk" {
		t.Fatalf("after the done filter: URL %q, items %q", p.URL(), items(p))
	}
	p.Click("#filter-active")
	if p.URL() != "/todos?filter=active" || strings.Join(items(p), ",") != "bread" {
		t.Fatalf("after the active filter: URL %q, items %q", p.URL(), items(p))
	}
	if got := p.Title(); got != "Todos (1 left)" {
		t.Fatalf("title %q", got)
	}

	p.Click("#items a") // bread, live-navigate
	if !strings.HasPrefix(p.URL(), "/todos/") || p.Text("#title") != "bread" || p.Title() != "bread" {
		t.Fatalf("after opening an item: URL %q, title %q, tab %q", p.URL(), p.Text("#title"), p.Title())
	}
	p.Click("#delete")
	if p.URL() != "/todos" || p.Flash("info") != "Deleted “bread”." {
		t.Fatalf("after deleting: URL %q, flash %q\n%s", p.URL(), p.Flash("info"), p.HTML())
	}
	if got := strings.Join(items(p), ","); got != "milk" {
		t.Fatalf("items %q after deleting bread", got)
	}
	if !p.Connected() {
		t.Fatal("the page is not connected after navigating")
	}
}

// TestTodosNeedLogin: the live pages are behind the app's middleware, and
// logging out ends the user's open pages in every tab (they reload into
// the middleware's redirect) and calls OnLogout.
func TestTodosNeedLogin(t *testing.T) {
	var out []string
	app := todos.New(todos.Config{OnLogout: func(_ *http.Request, user string) { out = append(out, user) }})
	s := logIn(t, app, "bob")
	p := s.Open("/todos")
	p.Change("#add input[name=title]", "tea")
	p.Submit("#add")
	other := s.Open("/todos") // another tab, where the user filtered
	other.Click("#filter-done")

	resp, err := s.Client().PostForm("http://"+livetest.Host+"/todos/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if strings.Join(out, ",") != "bob" {
		t.Fatalf("OnLogout heard %q, want bob", out)
	}
	// Both tabs were ended by the logout and reload their own URL (which
	// the middleware answers with the login page).
	for _, c := range []struct {
		p    *livetest.Page
		path string
	}{{p, "/todos"}, {other, "/todos?filter=done"}} {
		if got := c.p.Redirected(); got != c.path {
			t.Errorf("after logout the tab at %s was sent to %q, want its own URL", c.path, got)
		}
	}
	resp, err = s.Client().Get("http://" + livetest.Host + "/todos")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET /todos logged out: %s, want 303", resp.Status)
	}
}

var _ = live.NewSite
