// Package todos is a small multi-page live app: a todo list whose filter
// lives in the URL (?filter=, changed by live-patch links with no new
// view), a page per item (reached by live-navigate links over the open
// connection), flash messages that follow the user from page to page, the
// page title from the view, and log in / log out pages behind ordinary
// cookie middleware. cmd/todos runs it on its own.
package todos

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"

	"github.com/templive/templive/live"
)

// Config configures an App.
type Config struct {
	// Options are the base options of the app's live handlers. Their Site
	// is set to one Site for the whole app when nil, so that its pages
	// navigate over one connection. Nil: the defaults, with Layout.
	Options *live.Options

	// OnLogout, if set, runs when a user logs out, with the user's name
	// and the request, before the answer: the place to end what the user
	// still has open elsewhere (their other tabs' live views).
	OnLogout func(r *http.Request, user string)
}

// An App serves the todo pages under /todos: the list at /todos, an item
// at /todos/{id}, and /todos/login and /todos/logout. Mount it at "/todos"
// and "/todos/" (Routes does).
type App struct {
	http.Handler
	cfg      Config
	todos    store
	mu       sync.Mutex
	sessions map[string]string // session cookie value -> user name
	handlers []*live.Handler
	pubsub   live.PubSub
}

// cookieName is the app's session cookie.
const cookieName = "todos_session"

// New returns the app.
func New(cfg Config) *App {
	a := &App{cfg: cfg, sessions: make(map[string]string)}
	var base live.Options
	if cfg.Options != nil {
		base = *cfg.Options
	}
	if base.Layout == nil {
		base.Layout = Layout
	}
	if base.Site == nil {
		base.Site = live.NewSite()
	}
	if base.PubSub == nil {
		base.PubSub = live.NewLocalPubSub() // one for the app's handlers: logout reaches every page
	}
	a.pubsub = base.PubSub
	// Every live page is tied to its login session, so that logging out
	// ends the user's pages in every tab (on every node, with a shared
	// distributed PubSub).
	base.OnMount = append(base.OnMount[:len(base.OnMount):len(base.OnMount)], func(ctx context.Context, c *live.Conn, r *http.Request) error {
		if sid, _ := r.Context().Value(sessionKey{}).(string); sid != "" {
			return c.SetSession(sid)
		}
		return nil
	})
	handler := func(newView func() live.View) *live.Handler {
		o := base
		h := live.NewHandler(newView, &o)
		a.handlers = append(a.handlers, h)
		return h
	}
	mux := http.NewServeMux()
	mux.Handle("GET /todos", a.requireUser(handler(func() live.View { return &List{app: a} })))
	mux.Handle("GET /todos/{id}", a.requireUser(handler(func() live.View { return &Item{app: a} })))
	mux.Handle("GET /todos/login", handler(func() live.View { return &Login{} }))
	mux.HandleFunc("POST /todos/login", a.login)
	mux.HandleFunc("POST /todos/logout", a.logout)
	a.Handler = mux
	return a
}

// Routes mounts the app on mux.
func (a *App) Routes(mux *http.ServeMux) {
	mux.Handle("/todos", a)
	mux.Handle("/todos/", a)
}

// Close ends the app's live views (see live.Handler.Close).
func (a *App) Close() error {
	for _, h := range a.handlers {
		h.Close()
	}
	return nil
}

type (
	userKey    struct{}
	sessionKey struct{}
)

// user returns the name of the logged-in user of r, or "".
func user(ctx context.Context) string {
	u, _ := ctx.Value(userKey{}).(string)
	return u
}

// requireUser is ordinary cookie middleware: it runs for a page's GET, for
// its live connection, and for the GET of a live navigation alike.
func (a *App) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := ""
		if c, err := r.Cookie(cookieName); err == nil {
			a.mu.Lock()
			name = a.sessions[c.Value]
			a.mu.Unlock()
		}
		if name == "" {
			http.Redirect(w, r, "/todos/login", http.StatusSeeOther)
			return
		}
		ctx := context.WithValue(r.Context(), userKey{}, name)
		c, _ := r.Cookie(cookieName) // found above
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, sessionKey{}, c.Value)))
	})
}

// login starts a session for the name posted by the login page's plain
// form: a cookie can only be set by an HTTP answer, not over a WebSocket.
func (a *App) login(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	if name == "" || len(name) > 64 {
		http.Redirect(w, r, "/todos/login", http.StatusSeeOther)
		return
	}
	id := make([]byte, 16)
	rand.Read(id)
	sid := hex.EncodeToString(id)
	a.mu.Lock()
	a.sessions[sid] = name
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sid, Path: "/todos", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/todos", http.StatusSeeOther)
}

// logout ends the session and every live page tied to it
// (live.DisconnectSession), tells Config.OnLogout, and shows the login
// page.
func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil {
		a.mu.Lock()
		name := a.sessions[c.Value]
		delete(a.sessions, c.Value)
		a.mu.Unlock()
		if name != "" {
			// The user's open pages, in every tab, reload and meet the
			// login redirect.
			if err := live.DisconnectSession(r.Context(), a.pubsub, c.Value); err != nil {
				http.Error(w, "logout failed", http.StatusInternalServerError)
				return
			}
		}
		if name != "" && a.cfg.OnLogout != nil {
			a.cfg.OnLogout(r, name)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/todos", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/todos/login", http.StatusSeeOther)
}
