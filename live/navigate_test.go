package live_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// navView follows its URL's x, counts its Mounts and HandleParams, and
// navigates on demand.
type navView struct {
	name           string
	x              string
	mounts, params int
	clicks         *atomic.Int32
}

func (v *navView) Mount(context.Context, *live.Conn, *http.Request) error {
	v.mounts++
	return nil
}

func (v *navView) HandleParams(_ context.Context, _ *live.Conn, u *url.URL) error {
	v.params++
	v.x = u.Query().Get("x")
	if v.x == "fail" {
		return errors.New("x may not fail")
	}
	return nil
}

func (v *navView) Title() string { return v.name + " " + v.x }

func (v *navView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		flash := ""
		if msg := live.Flash(ctx, "info"); msg != "" {
			flash = `<p id="flash" live-flash="info">` + html.EscapeString(msg) + `</p>`
		}
		_, err := fmt.Fprintf(w, `<div id="%s"><p id="x">%s</p><p id="mounts">%d</p><p id="params">%d</p>%s`+
			`<a id="patch" href="/a?x=2" live-patch>patch</a><a id="nav" href="/b?x=1" live-navigate>b</a>`+
			`<a id="plain" href="/b?x=9" live-click="clicked">plain</a><a id="out" href="/c" live-navigate>c</a>`+
			`<button id="pp" live-click="pushpatch">pp</button><button id="bad" live-click="bad">bad</button>`+
			`<button id="go" live-click="go">go</button><button id="later" live-click="later">later</button><button id="goevil" live-click="goevil">evil</button></div>`,
			v.name, html.EscapeString(v.x), v.mounts, v.params, flash)
		return err
	})
}

func (v *navView) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "clicked":
		v.clicks.Add(1)
	case "pushpatch":
		return c.PushPatch("/" + v.name + "?x=3")
	case "bad":
		return c.PushPatch("/elsewhere?x=1")
	case "goevil":
		err := c.PushNavigate("//evil.example/")
		if !errors.Is(err, live.ErrNavigation) {
			return fmt.Errorf("PushNavigate off the site: %v, want ErrNavigation", err)
		}
		return err
	case "later":
		return c.Send(goLater{})
	case "go":
		c.PutFlash("info", "from "+v.name)
		return c.PushNavigate("/b?x=7")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

type goLater struct{}

// HandleInfo navigates away on its own, outside any event.
func (v *navView) HandleInfo(_ context.Context, c *live.Conn, msg any) error {
	c.PutFlash("info", "later from "+v.name)
	return c.PushNavigate("/b?x=8")
}

// navApp serves /a and /b in one Site, /c in none.
func navApp(t *testing.T) (http.Handler, *atomic.Int32) {
	clicks := new(atomic.Int32)
	site := live.NewSite()
	mk := func(name string, s *live.Site) *live.Handler {
		h := live.NewHandler(func() live.View { return &navView{name: name, clicks: clicks} }, &live.Options{Site: s})
		t.Cleanup(func() { h.Close() })
		return h
	}
	mux := http.NewServeMux()
	mux.Handle("/a", mk("a", site))
	mux.Handle("/b", mk("b", site))
	mux.Handle("/c", mk("c", nil))
	return mux, clicks
}

// TestLivePatchRunsHandleParamsNotMount: a live-patch link changes the URL
// and runs HandleParams on the same view.
func TestLivePatchRunsHandleParamsNotMount(t *testing.T) {
	app, _ := navApp(t)
	p := livetest.Open(t, app, "/a?x=1")
	if p.Text("#x") != "1" || p.Text("#mounts") != "1" || p.Text("#params") != "1" {
		t.Fatalf("the GET shows x=%s after %s Mount(s), %s HandleParams", p.Text("#x"), p.Text("#mounts"), p.Text("#params"))
	}
	p.Click("#patch")
	if p.URL() != "/a?x=2" || p.Text("#x") != "2" || p.Text("#mounts") != "1" || p.Text("#params") != "2" {
		t.Fatalf("after a patch: URL %s, x=%s, %s Mount(s), %s HandleParams", p.URL(), p.Text("#x"), p.Text("#mounts"), p.Text("#params"))
	}
	if p.Title() != "a 2" {
		t.Fatalf("title %q after the patch, want %q", p.Title(), "a 2")
	}
	p.Click("#pp") // Conn.PushPatch
	if p.URL() != "/a?x=3" || p.Text("#x") != "3" || p.Text("#mounts") != "1" {
		t.Fatalf("after PushPatch: URL %s, x=%s, %s Mount(s)", p.URL(), p.Text("#x"), p.Text("#mounts"))
	}
}

// TestPushPatchToAnotherPath: PushPatch keeps to the view's path.
func TestPushPatchToAnotherPath(t *testing.T) {
	app, _ := navApp(t)
	p := livetest.Open(t, app, "/a")
	msg := p.ExpectError(func() { p.Click("#bad") })
	if !strings.Contains(msg, "another path") || p.URL() != "/a" {
		t.Fatalf("PushPatch to another path: error %q, URL %s", msg, p.URL())
	}
	msg = p.ExpectError(func() { p.Click("#goevil") })
	if !strings.Contains(msg, "not a path of this site") || p.URL() != "/a" {
		t.Fatalf("PushNavigate off the site: error %q, URL %s", msg, p.URL())
	}
}

// TestNavigateOverTheConnection: a live-navigate link to a handler of the
// same Site mounts the next view over the same connection; PushNavigate
// takes the flash along.
func TestNavigateOverTheConnection(t *testing.T) {
	app, _ := navApp(t)
	p := livetest.Open(t, app, "/a?x=1")
	p.Click("#nav")
	if p.URL() != "/b?x=1" || p.Title() != "b 1" || p.Find("#b").Length() != 1 || !p.Connected() {
		t.Fatalf("after a navigation: URL %s, title %q, connected %v\n%s", p.URL(), p.Title(), p.Connected(), p.HTML())
	}
	p.Click("#patch") // to /a: another path, so a navigation
	if p.URL() != "/a?x=2" || p.Find("#a").Length() != 1 {
		t.Fatalf("a live-patch to another view's path: URL %s\n%s", p.URL(), p.HTML())
	}
	p.Click("#go")
	if p.URL() != "/b?x=7" || p.Flash("info") != "from a" {
		t.Fatalf("after PushNavigate: URL %s, flash %q\n%s", p.URL(), p.Flash("info"), p.HTML())
	}
	p.Click("#flash")
	if p.Flash("info") != "" {
		t.Fatalf("the flash stays after a click on it")
	}
}

// TestNavigateOutsideTheSite: a live-navigate link to a handler of no Site
// (or another) loads the page in full, and still works.
func TestNavigateOutsideTheSite(t *testing.T) {
	app, _ := navApp(t)
	p := livetest.Open(t, app, "/a")
	p.Click("#out")
	if p.URL() != "/c" || p.Find("#c").Length() != 1 || !p.Connected() {
		t.Fatalf("a navigation out of the site: URL %s, connected %v\n%s", p.URL(), p.Connected(), p.HTML())
	}
}

// TestLinkWithLiveClick: a plain link with a live-click sends the event
// and loads its page, as the browser does.
func TestLinkWithLiveClick(t *testing.T) {
	app, clicks := navApp(t)
	p := livetest.Open(t, app, "/a")
	p.Click("#plain")
	if clicks.Load() != 1 || p.URL() != "/b?x=9" || p.Text("#x") != "9" || p.Text("#mounts") != "1" {
		t.Fatalf("after a plain link with live-click: %d click(s), URL %s, x=%s", clicks.Load(), p.URL(), p.Text("#x"))
	}
}

// TestTitleOnTheGET: the default layout's <title> is the view's, escaped.
func TestTitleOnTheGET(t *testing.T) {
	app, _ := navApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/a?x=%3Cb%3E")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "<title>a &lt;b&gt;</title>") {
		t.Fatalf("the GET's title is not the view's:\n%s", body)
	}
}

// TestHandleParamsErrorOnTheGET is a 500, like Mount's.
func TestHandleParamsErrorOnTheGET(t *testing.T) {
	app, _ := navApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/a?x=fail")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("HandleParams failing on the GET: %s, want 500", resp.Status)
	}
}

// TestPushNavigateFromHandleInfo: livetest follows a navigation the view
// starts on its own while the test waits.
func TestPushNavigateFromHandleInfo(t *testing.T) {
	app, _ := navApp(t)
	p := livetest.Open(t, app, "/a")
	p.Click("#later")
	p.WaitFor(func(doc *goquery.Document) bool { return doc.Find("#b").Length() == 1 })
	if p.URL() != "/b?x=8" || p.Flash("info") != "later from a" {
		t.Fatalf("after a PushNavigate from HandleInfo: URL %s, flash %q", p.URL(), p.Flash("info"))
	}
}
