// Package account shows sign-in with templive: a page only for signed-in
// users (an OnMount hook sends the others to the sign-in page, before any
// Mount), an event only for admins (an OnEvent hook refuses it for the
// others), a redirect from an event, and a sign-out that ends every page
// of the session, in every tab and on every server instance
// (live.DisconnectSession through the app's PubSub).
//
// Its profile form carries the user in a hidden field named "id", the name
// that shadows a form's own id in the browser: the form is still recovered
// after a server restart.
//
// The session is a signed cookie: any instance that shares the secret
// reads it, so a restarted or another instance knows the user. Signing out
// clears the cookie in the browser; a real app also revokes the session in
// its session store, which every instance consults.
package account

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Paths of the app.
const (
	Path       = "/account"
	LoginPath  = "/account/login"
	LogoutPath = "/account/logout"
)

const cookieName = "templive_demo_session"

// An App is the account pages: the live page at Path and the plain sign-in
// and sign-out handlers.
type App struct {
	secret []byte
	ps     live.PubSub
	layout func(templ.Component) templ.Component
	page   *live.Handler
}

// New returns the app. opts are the site's: the app adds its hooks to a
// copy. Its PubSub must be the one every instance shares, for sign-out to
// reach them all, and its first secret also signs the session cookie.
func New(opts live.Options) *App {
	a := &App{ps: opts.PubSub, layout: opts.Layout}
	if len(opts.Secrets) == 0 || opts.PubSub == nil {
		panic("account.New: want Secrets and a PubSub")
	}
	a.secret = opts.Secrets[0]
	if a.layout == nil {
		a.layout = func(c templ.Component) templ.Component { return c }
	}
	opts.OnMount = append(opts.OnMount[:len(opts.OnMount):len(opts.OnMount)], requireUser)
	opts.OnEvent = append(opts.OnEvent[:len(opts.OnEvent):len(opts.OnEvent)], adminOnly)
	a.page = live.NewHandler(func() live.View { return &View{} }, &opts)
	return a
}

// Routes registers the app's paths on mux, behind the middleware that
// reads the session.
func (a *App) Routes(mux *http.ServeMux) {
	mux.Handle(Path, a.withSession(a.page))
	mux.Handle(LoginPath, a.withSession(http.HandlerFunc(a.login)))
	mux.Handle("POST "+LogoutPath, a.withSession(http.HandlerFunc(a.logout)))
}

// Close ends the app's live pages (see live.Handler.Close).
func (a *App) Close() error { return a.page.Close() }

// View is a signed-in user's account page.
type View struct {
	User    string // who signed in, from the session
	ID      string // the profile form's hidden id, as the server last saw it
	Bio     string
	Deleted int
}

// Mount reads the user the middleware found; requireUser has made sure
// there is one.
func (v *View) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	s, _ := sessionFrom(r.Context())
	v.User = s.user
	return nil
}

// CurrentUser tells the OnEvent hook who the page's user is.
func (v *View) CurrentUser() string { return v.User }

// Render shows the page.
func (v *View) Render() templ.Component { return page(v) }

// HandleEvent saves the profile, deletes (for admins: adminOnly lets no
// one else through), and leaves for the counter.
func (v *View) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "save":
		v.ID, v.Bio = e.Get("id"), e.Get("bio")
	case "delete":
		v.Deleted++
	case "go":
		return c.Redirect("/counter")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// requireUser sends anonymous users to the sign-in page and ties the
// page to the user's session, so that signing out ends it.
func requireUser(ctx context.Context, c *live.Conn, r *http.Request) error {
	s, ok := sessionFrom(r.Context())
	if !ok {
		return c.Redirect(LoginPath)
	}
	return c.SetSession(s.id)
}

var errAdminsOnly = errors.New("only admins may delete")

// adminOnly refuses "delete" to everyone but admin.
func adminOnly(ctx context.Context, c *live.Conn, v live.View, e live.Event) error {
	u, ok := v.(interface{ CurrentUser() string })
	if e.Name == "delete" && (!ok || u.CurrentUser() != "admin") {
		return errAdminsOnly
	}
	return nil
}

// A session is a signed-in user: the cookie's content.
type session struct{ user, id string }

type sessionKey struct{}

func sessionFrom(ctx context.Context) (session, bool) {
	s, ok := ctx.Value(sessionKey{}).(session)
	return s, ok
}

// withSession is the app's middleware: it puts the session of a valid
// cookie in the request's context. It runs for the live page's GET and for
// its WebSocket upgrade alike.
func (a *App) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(cookieName); err == nil {
			if s, ok := a.verify(c.Value); ok {
				r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, s))
			}
		}
		next.ServeHTTP(w, r)
	})
}

var validName = regexp.MustCompile(`^[A-Za-z0-9]{1,20}$`)

func (a *App) login(w http.ResponseWriter, r *http.Request) {
	bad := false
	if r.Method == http.MethodPost {
		name := r.PostFormValue("name")
		if validName.MatchString(name) {
			id := make([]byte, 16)
			rand.Read(id)
			s := session{user: name, id: hex.EncodeToString(id)}
			http.SetCookie(w, &http.Cookie{Name: cookieName, Value: a.sign(s), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
			http.Redirect(w, r, Path, http.StatusSeeOther)
			return
		}
		bad = true
		w.WriteHeader(http.StatusBadRequest)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	a.layout(loginPage(bad)).Render(r.Context(), w)
}

// logout clears the cookie and ends every live page of the session, on
// every instance: they load again, find no session, and land on the
// sign-in page.
func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if s, ok := sessionFrom(r.Context()); ok {
		if err := live.DisconnectSession(r.Context(), a.ps, s.id); err != nil {
			http.Error(w, "sign-out failed, try again", http.StatusServiceUnavailable)
			return
		}
	}
	http.Redirect(w, r, LoginPath, http.StatusSeeOther)
}

// sign encodes s as user.id.mac.
func (a *App) sign(s session) string {
	return s.user + "." + s.id + "." + a.mac(s)
}

func (a *App) verify(v string) (session, bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return session{}, false
	}
	s := session{user: parts[0], id: parts[1]}
	return s, hmac.Equal([]byte(parts[2]), []byte(a.mac(s)))
}

func (a *App) mac(s session) string {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte("account session\x00" + s.user + "\x00" + s.id))
	return hex.EncodeToString(m.Sum(nil))
}
