package todos

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// filters are the list's filters, in the order of its links.
var filters = []string{"all", "active", "done"}

// List is the todo list page. Its filter is in the URL, so a filtered list
// can be bookmarked, shared, and gone back to.
type List struct {
	app    *App
	user   string
	filter string
	items  []Todo
	left   int
}

// Mount takes the user the middleware found.
func (v *List) Mount(ctx context.Context, _ *live.Conn, r *http.Request) error {
	v.user = user(r.Context())
	return nil
}

// HandleParams applies the URL's filter: on the GET, and on every
// live-patch link, back and forward.
func (v *List) HandleParams(_ context.Context, _ *live.Conn, u *url.URL) error {
	v.filter = u.Query().Get("filter")
	if !slices.Contains(filters, v.filter) {
		v.filter = "all"
	}
	v.load()
	return nil
}

func (v *List) load() {
	all := v.app.todos.list(v.user)
	v.items, v.left = v.items[:0], 0
	for _, t := range all {
		if !t.Done {
			v.left++
		}
		if v.filter == "all" || (v.filter == "done") == t.Done {
			v.items = append(v.items, t)
		}
	}
}

// Title names the page after what is left to do.
func (v *List) Title() string { return fmt.Sprintf("Todos (%d left)", v.left) }

// Render shows the list.
func (v *List) Render() templ.Component { return listPage(v) }

// HandleEvent adds and toggles todos.
func (v *List) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "add":
		title := e.Get("title")
		if title == "" {
			c.PutFlash("error", "A todo needs a title.")
			return nil
		}
		t := v.app.todos.add(v.user, title)
		c.ClearFlash("error")
		c.PutFlash("info", "Added “"+t.Title+"”.")
	case "toggle":
		id, err := e.Int("id")
		if err != nil {
			return err
		}
		v.app.todos.toggle(v.user, id)
	default:
		return live.ErrUnknownEvent
	}
	v.load()
	return nil
}

// Item is the page of one todo.
type Item struct {
	app   *App
	user  string
	id    int
	todo  Todo
	found bool
}

// Mount finds the todo the path names.
func (v *Item) Mount(_ context.Context, _ *live.Conn, r *http.Request) error {
	v.user = user(r.Context())
	v.id, _ = strconv.Atoi(r.PathValue("id"))
	v.todo, v.found = v.app.todos.get(v.user, v.id)
	return nil
}

// Title names the page after the todo.
func (v *Item) Title() string {
	if !v.found {
		return "No such todo"
	}
	return v.todo.Title
}

// Render shows the todo.
func (v *Item) Render() templ.Component { return itemPage(v) }

// HandleEvent toggles or deletes the todo; a deleted one takes the user
// back to the list, with a flash message that goes along.
func (v *Item) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	if !v.found {
		return fmt.Errorf("todo %d does not exist", v.id)
	}
	switch e.Name {
	case "toggle":
		v.app.todos.toggle(v.user, v.id)
		v.todo, v.found = v.app.todos.get(v.user, v.id)
	case "delete":
		v.app.todos.remove(v.user, v.id)
		c.PutFlash("info", "Deleted “"+v.todo.Title+"”.")
		return c.PushNavigate("/todos")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// Login is the log in page. Its form posts to the server (a cookie needs
// an HTTP answer); the page itself is live like the others.
type Login struct{}

// Title names the page.
func (*Login) Title() string { return "Log in" }

// Render shows the form.
func (v *Login) Render() templ.Component { return loginPage(v) }
