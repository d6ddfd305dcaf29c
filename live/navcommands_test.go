package live_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
	"github.com/templive/templive/live/livetest"
)

// cmdNavView has buttons whose JS commands patch and navigate, and records
// the URL each event saw.
type cmdNavView struct {
	name           string
	x, seen        string
	mounts, params int
}

func (v *cmdNavView) Mount(context.Context, *live.Conn, *http.Request) error {
	v.mounts++
	return nil
}

func (v *cmdNavView) HandleParams(_ context.Context, _ *live.Conn, u *url.URL) error {
	v.params++
	v.x = u.Query().Get("x")
	return nil
}

func (v *cmdNavView) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	v.seen = v.x // the x the view had when the event came
	return nil
}

func (v *cmdNavView) Render() templ.Component {
	buttons := []struct {
		id  string
		cmd js.Commands
	}{
		{"patch", js.Patch("/" + v.name + "?x=2")},
		{"patch-send", js.Patch("/"+v.name+"?x=5", js.Replace()).Send("seen")},
		{"nav", js.AddClass("going").Navigate("/b?x=3")},
		{"patch-other", js.Patch("/a?x=4")},
		{"evil", js.Navigate("https://evil.example/")},
		{"script", js.Patch("javascript:alert(1)")},
		{"none", js.Navigate("")},
		// What no js.Commands builds, but a hand-written chain may hold.
		{"number", js.Commands(`[["navigate",{"href":7}]]`)},
		{"missing", js.Commands(`[["patch",{}]]`)},
		{"data", js.Commands(`[["patch",{"href":"data:text/html,x"}]]`)},
		{"other-scheme", js.Commands(`[["patch",{"href":"https://livetest.test/a?x=9"}]]`)},
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		var b strings.Builder
		fmt.Fprintf(&b, `<div id="%s"><p id="x">%s</p><p id="seen">%s</p><p id="mounts">%d</p><p id="params">%d</p>`,
			v.name, html.EscapeString(v.x), html.EscapeString(v.seen), v.mounts, v.params)
		for _, bt := range buttons {
			fmt.Fprintf(&b, `<button id="%s" live-click="%s">%s</button>`, bt.id, html.EscapeString(bt.cmd.String()), bt.id)
		}
		b.WriteString(`</div>`)
		_, err := io.WriteString(w, b.String())
		return err
	})
}

func cmdNavApp(t *testing.T) http.Handler {
	site := live.NewSite()
	mux := http.NewServeMux()
	for _, name := range []string{"a", "b"} {
		h := live.NewHandler(func() live.View { return &cmdNavView{name: name} }, &live.Options{Site: site})
		t.Cleanup(func() { h.Close() })
		mux.Handle("/"+name, h)
	}
	return mux
}

// TestJSPatchRunsHandleParamsNotMount: js.Patch from a button changes the
// URL of the same view, in the chain's order: an event sent after it sees
// the new URL.
func TestJSPatchRunsHandleParamsNotMount(t *testing.T) {
	p := livetest.Open(t, cmdNavApp(t), "/a?x=1")
	p.Click("#patch")
	if p.URL() != "/a?x=2" || p.Text("#x") != "2" || p.Text("#mounts") != "1" || p.Text("#params") != "2" {
		t.Fatalf("after js.Patch: URL %s, x=%s, %s Mount(s), %s HandleParams", p.URL(), p.Text("#x"), p.Text("#mounts"), p.Text("#params"))
	}
	p.Click("#patch-send")
	if p.URL() != "/a?x=5" || p.Text("#seen") != "5" {
		t.Fatalf("js.Patch then Send: URL %s, the event saw x=%q, want 5", p.URL(), p.Text("#seen"))
	}
}

// TestJSNavigateOverTheConnection: js.Navigate, and js.Patch to another
// path, join the other view over the open connection.
func TestJSNavigateOverTheConnection(t *testing.T) {
	p := livetest.Open(t, cmdNavApp(t), "/a?x=1")
	p.Click("#nav")
	if p.URL() != "/b?x=3" || p.Find("#b").Length() != 1 || p.Text("#x") != "3" || p.Text("#mounts") != "1" || !p.Connected() {
		t.Fatalf("after js.Navigate: URL %s, connected %v\n%s", p.URL(), p.Connected(), p.HTML())
	}
	p.Click("#patch-other")
	if p.URL() != "/a?x=4" || p.Find("#a").Length() != 1 || p.Text("#x") != "4" {
		t.Fatalf("js.Patch to another view's path: URL %s\n%s", p.URL(), p.HTML())
	}
}

// TestJSNavigateOffTheSiteFails: what the browser refuses with a warning
// fails a livetest test, and the page stays where it was.
func TestJSNavigateOffTheSiteFails(t *testing.T) {
	p := livetest.Open(t, cmdNavApp(t), "/a?x=1")
	for sel, want := range map[string]string{
		"#evil":         `"https://evil.example/" refused: not on this site`,
		"#script":       `"javascript:alert(1)" refused: not on this site`,
		"#none":         "has no URL",
		"#number":       "has no URL",
		"#missing":      "has no URL",
		"#data":         `"data:text/html,x" refused`,
		"#other-scheme": `"https://livetest.test/a?x=9" refused`,
	} {
		msg := p.ExpectError(func() { p.Click(sel) })
		if !strings.Contains(msg, want) || p.URL() != "/a?x=1" || p.Find("#a").Length() != 1 {
			t.Errorf("click on %s: error %q (want %q), URL %s", sel, msg, want, p.URL())
		}
	}
}
