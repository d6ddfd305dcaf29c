package live_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/templive/templive/live"
)

// TestNavigationJoinsRefused: a second join on a connection is a
// navigation only within a Site, with a token the site signed for a view
// it keeps for the join's URL; anything else is refused with a clear
// answer, and the connection's view carries on.
func TestNavigationJoinsRefused(t *testing.T) {
	noSite := newServer(t, nil)
	_, tok := noSite.page(t, "/view")
	c, _ := noSite.join(t, "/view", tok, 0)
	_, tok2 := noSite.page(t, "/other")
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/other","n":0}]`, tok2, noSite.URL))
	if got := c.read(); got != `[3,0,"already joined"]` {
		t.Fatalf("a second join without a Site: %s, want the error already joined", got)
	}

	s := newServer(t, &live.Options{Site: live.NewSite()})
	other := newServer(t, &live.Options{Site: live.NewSite()})
	_, tok = s.page(t, "/view")
	c, _ = s.join(t, "/view", tok, 0)
	_, forOther := s.page(t, "/other")
	_, foreign := other.page(t, "/other")
	for _, tc := range []struct{ name, token, url string }{
		{"garbage token", "x.y", s.URL + "/other"},
		{"token of another path", forOther, s.URL + "/view"},
		{"token of another site", foreign, s.URL + "/other"},
		{"token already used", tok, s.URL + "/view"},
		{"bad URL", forOther, "%zz"},
	} {
		c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":%q,"n":0}]`, tc.token, tc.url))
		if got := c.read(); !strings.HasPrefix(got, `[4,"live: bad navigation`) {
			t.Fatalf("%s: %s, want a reload frame", tc.name, got)
		}
	}
	c.send(`[1,1,"inc"]`)
	if got := c.read(); got != `[0,1,[[0,"count",[0],"1"]]]` {
		t.Fatalf("the view after refused navigations answers %s", got)
	}
	// The view the refused joins did not take is still there for its page.
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/other","n":0}]`, forOther, s.URL))
	if got := c.read(); got != `[0,0]` {
		t.Fatalf("a navigation to /other: %s, want the join's answer", got)
	}
	c.send(`[1,2,"inc"]`)
	if got := c.read(); got != `[0,2,[[0,"count",[0],"1"]]]` {
		t.Fatalf("the new view answers %s, want its own count at 1", got)
	}
}

// TestPatchEventRefusesOtherOrigins: a live:patch event is a path of the
// page's own, never another origin's.
func TestPatchEventRefusesOtherOrigins(t *testing.T) {
	s := newServer(t, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	for i, u := range []string{"//evil.example/view", "https://evil.example/view", "/\\evil.example/view", "/view\\x", "view?x=1", "/other?x=1", ""} {
		c.send(fmt.Sprintf(`[1,%d,"live:patch",{"u":%q}]`, i+1, u))
		if got := c.read(); !strings.HasPrefix(got, fmt.Sprintf(`[3,%d,"live: bad navigation`, i+1)) {
			t.Fatalf("patch to %q: %s, want an error", u, got)
		}
	}
}

// TestDevConsoleFollowsANavigation: after a navigation over the same
// connection, the dev console names the new view as the page's own.
func TestDevConsoleFollowsANavigation(t *testing.T) {
	s := &server{logs: &logBuffer{}}
	console := live.NewDevConsole(slog.NewTextHandler(s.logs, nil), nil)
	logger := slog.New(console)
	h := live.NewHandler(func() live.View { return &consoleView{log: logger} },
		&live.Options{DevConsole: console, Logger: logger, Site: live.NewSite()})
	s.Server = httptest.NewServer(h)
	t.Cleanup(func() { h.Close(); s.Close() })

	_, tokA := s.page(t, "/view")
	c, _ := s.join(t, "/view", tokA, 0)
	_, selfA := c.waitLogRecord("mounted")
	_, tokB := s.page(t, "/view")
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0}]`, tokB, s.URL))
	c.readLogsUntil(func(f string) bool { return strings.HasPrefix(f, "[0,0") }, nil)
	c.send(`[1,1,"warn"]`)
	r, self := c.waitLogRecord("warn from the view")
	if r.View == "" || r.View != self || self == selfA {
		t.Fatalf("after the navigation the page is %q (was %q), the new view's record names %q", self, selfA, r.View)
	}
}
