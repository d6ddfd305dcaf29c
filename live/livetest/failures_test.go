package livetest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// fakeT records what livetest reports instead of failing the test.
type fakeT struct {
	testing.TB // nil: livetest calls only the methods below
	fatal      string
	errs, logs []string
	cleanups   []func()
}

func (f *fakeT) Helper()                        {}
func (f *fakeT) Cleanup(fn func())              { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Errorf(format string, a ...any) { f.errs = append(f.errs, fmt.Sprintf(format, a...)) }
func (f *fakeT) Logf(format string, a ...any)   { f.logs = append(f.logs, fmt.Sprintf(format, a...)) }
func (f *fakeT) Fatal(a ...any)                 { f.fatal = fmt.Sprint(a...); runtime.Goexit() }
func (f *fakeT) Fatalf(format string, a ...any) {
	f.fatal = fmt.Sprintf(format, a...)
	runtime.Goexit()
}
func (f *fakeT) FailNow()         { f.fatal = "FailNow"; runtime.Goexit() }
func (f *fakeT) reported() string { return f.fatal + "\n" + strings.Join(f.errs, "\n") }
func (f *fakeT) logged() string   { return strings.Join(f.logs, "\n") }

// runFake runs body with a fake T on its own goroutine (Fatalf ends it),
// then the cleanups body registered.
func runFake(body func(t testing.TB)) *fakeT {
	f := &fakeT{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		body(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f
}

// fixed is a view that renders fixed HTML and accepts no event.
type fixed string

func (v fixed) Render() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, string(v))
		return err
	})
}

func fixedPage(html string) http.Handler {
	return live.NewHandler(func() live.View { return fixed(html) }, &live.Options{Logger: quiet})
}

// TestFailureMessages: each mistake a test can make, and each thing the
// server can do wrong, gets a message that says what happened and shows
// the HTML where it happened.
func TestFailureMessages(t *testing.T) {
	tests := []struct {
		name    string
		handler http.Handler
		do      func(p *livetest.Page)
		want    []string // in the reported message
		log     string   // in the logs
	}{
		{"no match shows the nearest match", nil, func(p *livetest.Page) { p.Get("#f input.missing") },
			[]string{`"#f input.missing" matches nothing`, `"#f" matches <form#f>`, `<input id="name" name="name"`}, ""},
		{"no id lists the ids", nil, func(p *livetest.Page) { p.Click("#nope") },
			[]string{`Click("#nope"): it matches nothing`, "the page shows:", "ids in the page: #count #inc"}, ""},
		{"bad selector", nil, func(p *livetest.Page) { p.Find("div[") }, []string{`Find("div["): not a CSS selector`}, ""},
		{"click on nothing bound", nil, func(p *livetest.Page) { p.Click("#plain") },
			[]string{"nothing handles a click on <button#plain>", `around it:`, `<button id="plain">plain</button>`}, ""},
		{"submit without live-submit", nil, func(p *livetest.Page) { p.Submit("#raw-form") },
			[]string{"<form#raw-form> has no live-submit", "leave the page"}, ""},
		{"submit of no form", nil, func(p *livetest.Page) { p.Submit("#saved") }, []string{"<p#saved> is neither a form nor a submit button"}, ""},
		{"submit button outside a form", nil, func(p *livetest.Page) { p.Submit("#inc") }, []string{"<button#inc> belongs to no form"}, ""},
		{"change of a disabled field", nil, func(p *livetest.Page) { p.Change("#off", "y") }, []string{"<input#off> cannot be changed: it is disabled"}, ""},
		{"change of a hidden field", nil, func(p *livetest.Page) { p.Change("[name=token]", "y") },
			[]string{"cannot type into an input of type hidden"}, ""},
		{"click on a disabled field", nil, func(p *livetest.Page) { p.Click("#off") }, []string{"<input#off> is disabled: a browser sends no click"}, ""},
		{"change to no option", nil, func(p *livetest.Page) { p.Change("#color", "green") },
			[]string{`<select#color> has no option "green"; its options are ["" "red" "blue"]`}, ""},
		{"two options for a single select", nil, func(p *livetest.Page) { p.Change("#color", "red", "blue") }, []string{"takes one option, not 2"}, ""},
		{"change of no field", nil, func(p *livetest.Page) { p.Change("#saved", "y") }, []string{"<p#saved> is not a form field"}, ""},
		{"hook on no hook", nil, func(p *livetest.Page) { p.Hook("#inc", "x", nil) }, []string{"<button#inc> has no live-hook"}, ""},
		{"hook with a nested value", nil, func(p *livetest.Page) { p.Hook("#chart", "x", map[string]any{"o": map[string]int{}}) },
			[]string{`value "o" must be a string, number`}, ""},
		{"blur without focus", nil, func(p *livetest.Page) { p.Blur("#name") }, []string{"<input#name> does not have the focus"}, ""},
		{"focus on a div", nil, func(p *livetest.Page) { p.Focus("#panel") }, []string{"cannot take the focus"}, ""},
		{"key with no binding", nil, func(p *livetest.Page) { p.KeyDown("#inc", "a") },
			[]string{"no live-keydown on <button#inc> or its ancestors and no live-window-keydown anywhere"}, ""},
		{"event error", nil, func(p *livetest.Page) { p.Click("#fail") }, []string{`event "fail" failed: the board says no`}, ""},
		{"crash", nil, func(p *livetest.Page) { p.Click("#crash") },
			[]string{`event "crash" failed: the view crashed`, "the server closed the connection: status 1011 (view crashed)"}, ""},
		{"no error where one was expected", nil, func(p *livetest.Page) { p.ExpectError(func() { p.Click("#inc") }) },
			[]string{"ExpectError: the page got no error"}, ""},
		{"no render", nil, func(p *livetest.Page) { p.AwaitRender() },
			[]string{"no render from the server within 200ms", "the page shows:", `<output id="count">0</output>`}, ""},
		{"no push", nil, func(p *livetest.Page) { p.AwaitPush("never") }, []string{"no push never within 200ms"}, ""},
		{"condition never met", nil, func(p *livetest.Page) {
			p.WaitFor(func(*goquery.Document) bool { return false })
		}, []string{"no page that meets the condition within 200ms"}, ""},
		{"back with no history", nil, func(p *livetest.Page) { p.Back() },
			[]string{"/board: Back: no entry to go to; the tab's history is [/board]"}, ""},
		{"forward at the newest entry", nil, func(p *livetest.Page) { p.Forward() },
			[]string{"/board: Forward: no entry to go to; the tab's history is [/board]"}, ""},
		{"wait while offline", nil, func(p *livetest.Page) { p.Disconnect(); p.AwaitRender() }, []string{"the page is disconnected; call Reconnect first"}, ""},
		{"offline click", nil, func(p *livetest.Page) { p.Disconnect(); p.Click("#inc") }, nil, "the page is offline: 1 event(s) wait for Reconnect"},
		{"bad chain", fixedPage(`<button id="b" live-click="[oops">b</button>`), func(p *livetest.Page) { p.Click("#b") },
			[]string{`bad JS commands on <button#b>`}, ""},
		{"unknown command", fixedPage(`<button id="b" live-click='[["levitate",{}]]'>b</button>`), func(p *livetest.Page) { p.Click("#b") },
			[]string{`livetest does not know the JS command "levitate" (on <button#b>)`}, ""},
		{"bad chain selector", fixedPage(`<button id="b" live-click='[["hide",{"to":"p["}]]'>b</button>`), func(p *livetest.Page) { p.Click("#b") },
			[]string{`JS command hide on <button#b>: bad selector "p["`}, ""},
		{"target matches nothing", fixedPage(`<button id="b" live-click='[["hide",{"to":"#gone"}]]'>b</button>`), func(p *livetest.Page) { p.Click("#b") },
			nil, `the browser would warn: JS command hide: no element matches "#gone", on <button#b>`},
		{"exec that fans out", fixedPage(`<button id="b" live-click='[["exec",{"attr":"data-fan","to":".f"}]]'>b</button>` +
			strings.Repeat(`<div class="f" data-fan='[["exec",{"attr":"data-fan","to":".f"}]]'></div>`, 10)), func(p *livetest.Page) { p.Click("#b") },
			nil, `the browser would warn: exec ran more than 1000 chains: the rest is skipped`},
		{"undeclared sound", fixedPage(`<button id="b" live-click='[["play_sound",{"sound":"boom"}]]'>b</button>`), func(p *livetest.Page) { p.Click("#b") },
			nil, `sound "boom" is not declared by any live-sounds container`},
	}
	// The cases that wait for what never comes wait 200 ms; the others keep
	// livetest's default, so that a loaded machine does not fail them.
	waits := map[string]bool{"no render": true, "no push": true, "condition never met": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.handler
			if h == nil {
				h = newBoard(nil)
			}
			f := runFake(func(ft testing.TB) {
				s := livetest.NewServer(ft, h)
				if waits[tt.name] {
					s.Timeout = 200 * time.Millisecond
				}
				tt.do(s.Open("/board"))
			})
			got := f.reported()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("reported:\n%s\nwant it to contain %q", got, w)
				}
			}
			if tt.want == nil && strings.TrimSpace(got) != "" {
				t.Errorf("reported %q, want nothing", got)
			}
			if tt.log != "" && !strings.Contains(f.logged(), tt.log) {
				t.Errorf("logged:\n%s\nwant it to contain %q", f.logged(), tt.log)
			}
		})
	}
}

// TestOpenFailures: a page that does not load, or is not live, fails the
// test with what the server sent.
func TestOpenFailures(t *testing.T) {
	notLive := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<p>just HTML</p>") })
	tests := []struct {
		name string
		h    http.Handler
		path string
		want string
	}{
		{"404", http.NotFoundHandler(), "/nowhere", "GET /nowhere: 404 Not Found"},
		{"not live", notLive, "/plain", "the page has no element with live-root"},
		{"no slash", notLive, "plain", `Open("plain"): want a path that starts with /`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := runFake(func(ft testing.TB) { livetest.Open(ft, tt.h, tt.path) })
			if !strings.Contains(f.fatal, tt.want) {
				t.Errorf("reported %q, want it to contain %q", f.fatal, tt.want)
			}
		})
	}
}
