package account_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/templive/templive/examples/account"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

var secret = [][]byte{[]byte("the account example's test secret, 32+ bytes")}

// newSite serves the app; every request carries user's session cookie
// (none for ""), as a browser that signed in sends it.
func newSite(t *testing.T, user string) *livetest.Server {
	a := account.New(live.Options{Secrets: secret, PubSub: live.NewLocalPubSub()})
	t.Cleanup(func() { a.Close() })
	mux := http.NewServeMux()
	a.Routes(mux)
	var h http.Handler = mux
	if user != "" {
		c := account.CookieFor(a, user)
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.AddCookie(c)
			mux.ServeHTTP(w, r)
		})
	}
	return livetest.NewServer(t, h)
}

func TestAnonymousIsSentToSignIn(t *testing.T) {
	p := newSite(t, "").Open(account.Path)
	if got := p.Redirected(); got != account.LoginPath {
		t.Fatalf("Redirected() = %q, want %s", got, account.LoginPath)
	}
}

func TestForgedCookieIsSentToSignIn(t *testing.T) {
	a := account.New(live.Options{Secrets: [][]byte{[]byte("another instance's secret, not ours")}, PubSub: live.NewLocalPubSub()})
	t.Cleanup(func() { a.Close() })
	forged := account.CookieFor(a, "admin")
	s := newSite(t, "")
	mux := http.NewServeMux()
	b := account.New(live.Options{Secrets: secret, PubSub: live.NewLocalPubSub()})
	t.Cleanup(func() { b.Close() })
	b.Routes(mux)
	s.Restart(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { r.AddCookie(forged); mux.ServeHTTP(w, r) }))
	if got := s.Open(account.Path).Redirected(); got != account.LoginPath {
		t.Fatalf("a cookie signed with another secret: Redirected() = %q, want %s", got, account.LoginPath)
	}
}

func TestOnlyAdminsDelete(t *testing.T) {
	p := newSite(t, "ann").Open(account.Path)
	if got := p.Text("#user"); got != "ann" {
		t.Fatalf("#user %q", got)
	}
	err := p.ExpectError(func() { p.Click("#delete") })
	if !strings.Contains(err, `event "delete" refused: only admins may delete`) {
		t.Fatalf("error %q, want the refusal", err)
	}
	if got := p.Text("#deleted"); got != "0" {
		t.Fatalf("deleted %q: HandleEvent ran for a refused event", got)
	}
	admin := newSite(t, "admin").Open(account.Path)
	admin.Click("#delete")
	if got := admin.Text("#deleted"); got != "1" {
		t.Fatalf("admin deleted %q, want 1", got)
	}
}

func TestGoRedirects(t *testing.T) {
	p := newSite(t, "ann").Open(account.Path)
	p.Click("#go")
	if got := p.Redirected(); got != "/counter" {
		t.Fatalf("Redirected() = %q, want /counter", got)
	}
}

func TestProfileRecoversAfterRestart(t *testing.T) {
	s := newSite(t, "ann")
	p := s.Open(account.Path)
	p.Change("#bio", "hello")
	mux := http.NewServeMux()
	a := account.New(live.Options{Secrets: secret, PubSub: live.NewLocalPubSub()})
	t.Cleanup(func() { a.Close() })
	a.Routes(mux)
	c := account.CookieFor(a, "ann")
	s.Restart(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { r.AddCookie(c); mux.ServeHTTP(w, r) }))
	p.Reconnect()
	if got := p.Text("#server-bio") + "/" + p.Text("#server-id"); got != "hello/ann" {
		t.Fatalf("after the restart the server holds %q, want hello/ann", got)
	}
}
