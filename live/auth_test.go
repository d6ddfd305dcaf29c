package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// authView is a page of a signed-in user: Mount counts, "go" redirects,
// "delete" is for admins only (an OnEvent hook decides).
type authView struct {
	mounts *atomic.Int32
	ended  *atomic.Int32
	n      int
}

func (v *authView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.mounts.Add(1)
	if r.URL.Query().Get("mount-redirect") != "" {
		return c.Redirect("/elsewhere")
	}
	return nil
}

func (v *authView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="n">%d</p>`, v.n)
		return err
	})
}

func (v *authView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	context.AfterFunc(ctx, func() { v.ended.Add(1) })
	switch e.Name {
	case "inc", "delete":
		v.n++
	case "go":
		v.n = 100
		return c.Redirect(e.Get("to"))
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// user is what the app's middleware found: the X-User header stands in
// for a session cookie.
func user(r *http.Request) string { return r.Header.Get("X-User") }

type authServer struct {
	*server
	mounts, ended atomic.Int32
	ps            live.PubSub
}

// newAuthServer serves authView on /page behind hooks that send anonymous
// users to /login, refuse "mallory", tie each view to its user's session,
// and let only "admin" delete.
func newAuthServer(t *testing.T, ps live.PubSub) *authServer {
	t.Helper()
	a := &authServer{server: &server{logs: &logBuffer{}}, ps: ps}
	opts := &live.Options{
		Logger: slog.New(slog.NewTextHandler(a.logs, nil)),
		PubSub: ps,
		OnMount: []live.MountHook{func(ctx context.Context, c *live.Conn, r *http.Request) error {
			switch u := user(r); u {
			case "":
				return c.Redirect("/login")
			case "mallory":
				return fmt.Errorf("%w: user %s is banned", live.ErrForbidden, u)
			case "nokey":
				return c.SetSession("")
			default:
				return c.SetSession("session-of-" + u)
			}
		}},
		OnEvent: []live.EventHook{func(ctx context.Context, c *live.Conn, v live.View, e live.Event) error {
			if e.Name == "delete" && e.Get("as") != "admin" {
				return errors.New("only admins may delete")
			}
			return nil
		}},
	}
	h := live.NewHandler(func() live.View { return &authView{mounts: &a.mounts, ended: &a.ended} }, opts)
	mux := http.NewServeMux()
	mux.Handle("/page", h)
	a.Server = httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); a.Close() })
	return a
}

// get GETs path as u without following redirects.
func (a *authServer) get(t *testing.T, path, u string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", a.URL+path, nil)
	req.Header.Set("X-User", u)
	resp, err := (&http.Transport{}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// openAs loads /page as u and joins it as u.
func (a *authServer) openAs(t *testing.T, u string) (*client, string) {
	t.Helper()
	resp, body := a.get(t, "/page", u)
	m := tokenRE.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("GET /page as %q: %s\n%s", u, resp.Status, body)
	}
	return a.joinAs(t, m[1], u)
}

func (a *authServer) joinAs(t *testing.T, tok, u string) (*client, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.URL, "http")+"/page", &websocket.DialOptions{HTTPHeader: http.Header{"X-User": {u}}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	c := &client{t: t, ws: ws}
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/page","n":0}]`, tok, a.URL))
	return c, c.read()
}

func TestOnMountRedirectsTheGET(t *testing.T) {
	a := newAuthServer(t, nil)
	resp, body := a.get(t, "/page", "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous GET: %s, Location %q; want 303 to /login", resp.Status, resp.Header.Get("Location"))
	}
	if strings.Contains(body, "live-root") {
		t.Errorf("a redirected GET renders no page:\n%s", body)
	}
	if n := a.mounts.Load(); n != 0 {
		t.Errorf("Mount ran %d times for a redirected page, want 0", n)
	}
	// Mount itself may redirect too.
	resp, _ = a.get(t, "/page?mount-redirect=1", "ann")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/elsewhere" {
		t.Errorf("Mount's redirect: %s, Location %q; want 303 to /elsewhere", resp.Status, resp.Header.Get("Location"))
	}
}

func TestOnMountOnTheJoin(t *testing.T) {
	a := newAuthServer(t, nil)
	resp, body := a.get(t, "/page", "ann")
	tok := tokenRE.FindStringSubmatch(body)
	if resp.StatusCode != 200 || tok == nil {
		t.Fatalf("GET as ann: %s", resp.Status)
	}
	// Signed out between the GET and the join: the hooks see the upgrade.
	c, reply := a.joinAs(t, tok[1], "")
	if reply != `[4,"redirect","/login"]` {
		t.Fatalf("join after sign-out: %s, want a redirect frame to /login", reply)
	}
	if got := websocket.CloseStatus(c.readErr()); got != websocket.StatusNormalClosure {
		t.Errorf("close status %v, want 1000", got)
	}
	// A banned user: refused with a reload frame and 1008; the reloaded
	// page's GET answers 403 (and the client reloads only once).
	resp, _ = a.get(t, "/page", "mallory")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET as mallory: %s, want 403", resp.Status)
	}
	_, body = a.get(t, "/page", "ann")
	c, reply = a.joinAs(t, tokenRE.FindStringSubmatch(body)[1], "mallory")
	if reply != `[4,"forbidden"]` {
		t.Fatalf("join as mallory: %s, want [4,\"forbidden\"]", reply)
	}
	if got := websocket.CloseStatus(c.readErr()); got != websocket.StatusPolicyViolation {
		t.Errorf("close status %v, want 1008", got)
	}
	if !strings.Contains(a.logs.String(), "user mallory is banned") {
		t.Errorf("the refusal is not logged:\n%s", a.logs)
	}
	if _, reply := a.openAs(t, "ann"); reply != `[0,0]` {
		t.Errorf("ann's join: %s", reply)
	}
}

func TestRedirectFromAnEvent(t *testing.T) {
	a := newAuthServer(t, nil)
	c, _ := a.openAs(t, "ann")
	c.send(`[1,1,"go",{"to":"/done?x=1"}]`)
	// The event's render first, then the page is sent away.
	if got := c.read(); !strings.HasPrefix(got, `[0,1,[`) || !strings.Contains(got, "100") {
		t.Fatalf("reply: %s, want the render of the event", got)
	}
	if got := c.read(); got != `[4,"redirect","/done?x=1"]` {
		t.Fatalf("after the reply: %s, want the redirect frame", got)
	}
	// What the page sends as it goes is ignored; its going ends the view.
	c.send(`[1,2,"inc"]`)
	c.ws.Close(websocket.StatusGoingAway, "")
	waitUntil(t, "the view to end", func() bool { return a.ended.Load() == 1 })

	// A target that would run script is refused: the event fails.
	c, _ = a.openAs(t, "ann")
	c.send(`[1,1,"go",{"to":"javascript:alert(1)"}]`)
	c.read() // the render
	if got := c.read(); !strings.Contains(got, `want a path that starts with / or an http(s) URL`) {
		t.Fatalf("bad target: %s, want an error", got)
	}
	c.send(`[1,2,"inc"]`)
	if got := c.read(); !strings.HasPrefix(got, `[0,2,[`) {
		t.Fatalf("the view carries on: %s", got)
	}
}

func TestRedirectTargets(t *testing.T) {
	for target, ok := range map[string]bool{
		"/login": true, "/a?b=c#d": true, "https://example.com/x": true, "http://example.com": true,
		"javascript:alert(1)": false, "data:text/html,x": false, "login": false, "": false,
		"https://": false, "ftp://example.com/": false, "/a\x00": false,
	} {
		var got error
		v := &redirector{to: target, err: &got}
		s := newViewServer(t, v)
		resp, err := s.Client().Get(s.URL + "/view")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if (got == nil) != ok || (resp.StatusCode == http.StatusSeeOther) != ok {
			t.Errorf("Redirect(%q) = %v, GET %s, want ok=%v", target, got, resp.Status, ok)
		}
		if ok && resp.Header.Get("Location") == "" {
			t.Errorf("Redirect(%q): no Location", target)
		}
	}
}

type redirector struct {
	to  string
	err *error
}

func (v *redirector) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	*v.err = c.Redirect(v.to)
	return nil
}

func (v *redirector) Render() templ.Component { return templ.Raw("<p>x</p>") }

// newViewServer serves v on /view, following no redirect.
func newViewServer(t *testing.T, v live.View) *server {
	s := &server{logs: &logBuffer{}}
	h := live.NewHandler(func() live.View { return v }, &live.Options{Logger: slog.New(slog.NewTextHandler(s.logs, nil))})
	s.Server = httptest.NewServer(h)
	s.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t.Cleanup(func() { h.Close(); s.Close() })
	return s
}

func TestOnEventRefusesAnEvent(t *testing.T) {
	a := newAuthServer(t, nil)
	c, _ := a.openAs(t, "ann")
	c.send(`[1,1,"delete",{"as":"ann"}]`)
	if got := c.read(); got != `[3,1,"live: event \"delete\" refused: only admins may delete"]` {
		t.Fatalf("refused event: %s", got)
	}
	if logs := a.logs.String(); !strings.Contains(logs, `refused: only admins may delete`) {
		t.Errorf("the refusal is not logged:\n%s", logs)
	}
	// HandleEvent did not run; the view carries on.
	c.send(`[1,2,"delete",{"as":"admin"}]`)
	if got := c.read(); !strings.Contains(got, `"1"`) {
		t.Fatalf("allowed event: %s, want n=1 (the refused one did not count)", got)
	}
}

func TestDisconnectSession(t *testing.T) {
	ps := live.NewLocalPubSub()
	a := newAuthServer(t, ps)
	b := newAuthServer(t, ps) // another handler (route, or node) of the app
	ann1, _ := a.openAs(t, "ann")
	ann2, _ := b.openAs(t, "ann")
	bob, _ := a.openAs(t, "bob")
	_, body := a.get(t, "/page", "ann") // loaded, not yet connected: ends unseen
	for _, c := range []*client{ann1, ann2} {
		c.send(`[1,1,"inc"]`) // the view's context is watched from here on
		c.read()
	}

	if err := live.DisconnectSession(context.Background(), ps, "session-of-ann"); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		c   *client
		url string
	}{{ann1, "/page"}, {ann2, "/page"}} {
		want := fmt.Sprintf(`[4,"session ended",%q]`, c.url)
		if got := c.c.read(); got != want {
			t.Fatalf("ann's page %d: %s, want %s", i, got, want)
		}
		c.c.ws.Close(websocket.StatusGoingAway, "")
	}
	waitUntil(t, "ann's views to end", func() bool { return a.ended.Load()+b.ended.Load() == 2 })
	bob.send(`[1,1,"inc"]`)
	if got := bob.read(); !strings.HasPrefix(got, `[0,1,[`) {
		t.Fatalf("bob's page: %s, want it to carry on", got)
	}
	// ann's third page was loaded before the logout and joins after it:
	// its join runs the hooks, which see the ended session (here: no user).
	if _, reply := a.joinAs(t, tokenRE.FindStringSubmatch(body)[1], ""); reply != `[4,"redirect","/login"]` {
		t.Errorf("ann's page loaded before the logout: %s", reply)
	}
	if err := live.DisconnectSession(context.Background(), ps, ""); err == nil {
		t.Error("DisconnectSession with an empty key: no error")
	}
	if resp, _ := a.get(t, "/page", "nokey"); resp.StatusCode != http.StatusInternalServerError || !strings.Contains(a.logs.String(), "SetSession: empty key") {
		t.Errorf("SetSession with an empty key: GET %s, want 500 and the error logged", resp.Status)
	}
}

func TestJoinSkipsABadForm(t *testing.T) {
	srv, _ := newFormServer(t, live.Options{})
	other, _ := newFormServer(t, live.Options{})
	_, tok := other.page(t, "/form") // a page of an instance that is gone
	// The id of the first is what a shadowed form.id sends: an object.
	c, reply := srv.joinForms(t, tok, 0, `[[{},"validate",{"id":"7"}],["form","validate",{"query":"hello"}]]`)
	if !strings.HasPrefix(reply, `[0,0,[[9,`) || !strings.Contains(reply, `hello`) {
		t.Fatalf("join: %s, want the page with the good form recovered", reply)
	}
	if logs := srv.logs.String(); !strings.Contains(logs, "join form skipped") || !strings.Contains(logs, "form 0: malformed frame: join form: id and event must be strings") {
		t.Errorf("the skipped form is not logged:\n%s", logs)
	}
	c.send(`[1,1,"inc"]`)
	if got := c.read(); !strings.HasPrefix(got, `[0,1,[`) {
		t.Fatalf("after the join: %s", got)
	}
}
