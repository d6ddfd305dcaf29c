package livetest_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
	"github.com/templive/templive/live/livetest"
)

// histView lists the URLs its HandleParams saw, and leaves its URL in
// every way the client knows: live-patch, live-navigate and plain links,
// a fragment link, PushPatch, PushNavigate, and js.Patch and js.Navigate
// that replace the history entry.
type histView struct {
	name, other string // its path's name, and the other view's
	seen        []string
}

func (v *histView) HandleParams(_ context.Context, _ *live.Conn, u *url.URL) error {
	v.seen = append(v.seen, u.RequestURI())
	return nil
}

func (v *histView) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "pushpatch":
		return c.PushPatch("/" + v.name + "?x=7")
	case "go":
		return c.PushNavigate("/" + v.other + "?x=8")
	}
	return live.ErrUnknownEvent
}

func (v *histView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		var b strings.Builder
		fmt.Fprintf(&b, `<div id="%s"><ol id="seen">`, v.name)
		for _, s := range v.seen {
			fmt.Fprintf(&b, `<li>%s</li>`, html.EscapeString(s))
		}
		fmt.Fprintf(&b, `</ol><a id="to2" href="/%[1]s?x=2" live-patch>2</a><a id="top" href="#top">top</a>`+
			`<a id="nav" href="/%[2]s?x=1" live-navigate>other</a><a id="plain" href="/%[2]s?x=9">other, loaded</a>`+
			`<button id="pp" live-click="pushpatch">push patch</button><button id="go" live-click="go">push navigate</button>`+
			`<button id="patch-replace" live-click="%[3]s">patch, replace</button>`+
			`<button id="nav-replace" live-click="%[4]s">navigate, replace</button></div>`,
			v.name, v.other,
			html.EscapeString(js.Patch("/"+v.name+"?x=5", js.Replace()).String()),
			html.EscapeString(js.Navigate("/"+v.other+"?x=6", js.Replace()).String()))
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// histApp serves histViews at /a and /b, one Site, and counts the live
// connections opened: a navigation joins over the open one, a page loaded
// in full opens its own.
func histApp(t *testing.T) (http.Handler, *atomic.Int32) {
	site := live.NewSite()
	mux := http.NewServeMux()
	for name, other := range map[string]string{"a": "b", "b": "a"} {
		h := live.NewHandler(func() live.View { return &histView{name: name, other: other} }, &live.Options{Site: site, Logger: quiet})
		t.Cleanup(func() { h.Close() })
		mux.Handle("/"+name, h)
	}
	sockets := new(atomic.Int32)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			sockets.Add(1)
		}
		mux.ServeHTTP(w, r)
	}), sockets
}

// histStep is one move through the history and what the page shows
// after it.
type histStep struct {
	name    string
	do      func(p *livetest.Page)
	url     string   // Page.URL
	view    string   // the view shown: "a" or "b"
	seen    []string // what the view's HandleParams saw, in order
	sockets int32    // the live connections opened so far
}

func click(sel string) func(p *livetest.Page) { return func(p *livetest.Page) { p.Click(sel) } }

func back(p *livetest.Page)    { p.Back() }
func forward(p *livetest.Page) { p.Forward() }

// walkHistory opens /a?x=1 and takes steps, checking the page after each.
func walkHistory(t *testing.T, steps []histStep) {
	h, sockets := histApp(t)
	p := livetest.Open(t, h, "/a?x=1")
	for _, st := range steps {
		st.do(p)
		seen := p.Find("#seen li").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		if p.URL() != st.url || p.Find("#"+st.view).Length() != 1 || !slices.Equal(seen, st.seen) || sockets.Load() != st.sockets {
			t.Fatalf("after %s: URL %s, view a %v b %v, HandleParams saw %q, %d connection(s);\nwant %s, view %s, %q, %d",
				st.name, p.URL(), p.Find("#a").Length() == 1, p.Find("#b").Length() == 1, seen, sockets.Load(),
				st.url, st.view, st.seen, st.sockets)
		}
	}
}

// TestBackAndForwardAcrossPatches: Back and Forward over the entries that
// patches added (links, PushPatch) send the view their URLs, in order,
// with no new view and no new connection; a fragment link's entry sends
// nothing.
func TestBackAndForwardAcrossPatches(t *testing.T) {
	walkHistory(t, []histStep{
		{"a live-patch link", click("#to2"), "/a?x=2", "a", []string{"/a?x=1", "/a?x=2"}, 1},
		{"PushPatch", click("#pp"), "/a?x=7", "a", []string{"/a?x=1", "/a?x=2", "/a?x=7"}, 1},
		{"a fragment link", click("#top"), "/a?x=7", "a", []string{"/a?x=1", "/a?x=2", "/a?x=7"}, 1},
		{"Back from the fragment", back, "/a?x=7", "a", []string{"/a?x=1", "/a?x=2", "/a?x=7"}, 1},
		{"Back", back, "/a?x=2", "a", []string{"/a?x=1", "/a?x=2", "/a?x=7", "/a?x=2"}, 1},
		{"Back again", back, "/a?x=1", "a", []string{"/a?x=1", "/a?x=2", "/a?x=7", "/a?x=2", "/a?x=1"}, 1},
		{"Forward", forward, "/a?x=2", "a", []string{"/a?x=1", "/a?x=2", "/a?x=7", "/a?x=2", "/a?x=1", "/a?x=2"}, 1},
		{"Forward again", forward, "/a?x=7", "a", []string{"/a?x=1", "/a?x=2", "/a?x=7", "/a?x=2", "/a?x=1", "/a?x=2", "/a?x=7"}, 1},
	})
}

// TestBackAndForwardAcrossNavigations: Back and Forward to an entry of
// another path join its view over the open connection, whether a link or
// PushNavigate added it; entries of the view's path are patches.
func TestBackAndForwardAcrossNavigations(t *testing.T) {
	walkHistory(t, []histStep{
		{"a live-patch link", click("#to2"), "/a?x=2", "a", []string{"/a?x=1", "/a?x=2"}, 1},
		{"a live-navigate link", click("#nav"), "/b?x=1", "b", []string{"/b?x=1"}, 1},
		{"PushNavigate", click("#go"), "/a?x=8", "a", []string{"/a?x=8"}, 1},
		{"Back to b", back, "/b?x=1", "b", []string{"/b?x=1"}, 1},
		{"Back to a", back, "/a?x=2", "a", []string{"/a?x=2"}, 1},
		{"Back within a", back, "/a?x=1", "a", []string{"/a?x=2", "/a?x=1"}, 1},
		{"Forward within a", forward, "/a?x=2", "a", []string{"/a?x=2", "/a?x=1", "/a?x=2"}, 1},
		{"Forward to b", forward, "/b?x=1", "b", []string{"/b?x=1"}, 1},
		{"Forward to a", forward, "/a?x=8", "a", []string{"/a?x=8"}, 1},
	})
}

// TestReplaceAddsNoEntry: js.Patch and js.Navigate with js.Replace change
// the current entry, so Back skips the URL they left.
func TestReplaceAddsNoEntry(t *testing.T) {
	walkHistory(t, []histStep{
		{"a live-patch link", click("#to2"), "/a?x=2", "a", []string{"/a?x=1", "/a?x=2"}, 1},
		{"js.Patch, replacing", click("#patch-replace"), "/a?x=5", "a", []string{"/a?x=1", "/a?x=2", "/a?x=5"}, 1},
		{"Back past the replaced entry", back, "/a?x=1", "a", []string{"/a?x=1", "/a?x=2", "/a?x=5", "/a?x=1"}, 1},
		{"Forward to the replacement", forward, "/a?x=5", "a", []string{"/a?x=1", "/a?x=2", "/a?x=5", "/a?x=1", "/a?x=5"}, 1},
		{"js.Navigate, replacing", click("#nav-replace"), "/b?x=6", "b", []string{"/b?x=6"}, 1},
		{"Back past the replaced entry to a", back, "/a?x=1", "a", []string{"/a?x=1"}, 1},
		{"Forward to the navigation", forward, "/b?x=6", "b", []string{"/b?x=6"}, 1},
	})
}

// TestBackAndForwardAcrossFullLoads: an entry of another document than
// the one shown (a plain link's, or the one it left) is loaded in full,
// with a new connection; the entries of the document loaded again are
// patches among themselves, as they were.
func TestBackAndForwardAcrossFullLoads(t *testing.T) {
	walkHistory(t, []histStep{
		{"a live-patch link", click("#to2"), "/a?x=2", "a", []string{"/a?x=1", "/a?x=2"}, 1},
		{"a plain link", click("#plain"), "/b?x=9", "b", []string{"/b?x=9"}, 2},
		{"Back, loaded in full", back, "/a?x=2", "a", []string{"/a?x=2"}, 3},
		{"Back, a patch", back, "/a?x=1", "a", []string{"/a?x=2", "/a?x=1"}, 3},
		{"Forward, a patch", forward, "/a?x=2", "a", []string{"/a?x=2", "/a?x=1", "/a?x=2"}, 3},
		{"Forward, loaded in full", forward, "/b?x=9", "b", []string{"/b?x=9"}, 4},
	})
}

// TestNavigationDropsForwardEntries: a new entry after Back drops the
// ones ahead, as the browser does, and Forward then fails the test.
func TestNavigationDropsForwardEntries(t *testing.T) {
	h, _ := histApp(t)
	f := runFake(func(ft testing.TB) {
		p := livetest.Open(ft, h, "/a?x=1")
		p.Click("#nav")
		p.Back()
		p.Click("#to2")
		p.Forward()
	})
	if want := "Forward: no entry to go to; the tab's history is /a?x=1, [/a?x=2]"; !strings.Contains(f.fatal, want) {
		t.Errorf("reported %q, want it to contain %q", f.fatal, want)
	}
}
