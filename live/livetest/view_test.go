package livetest_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/js"
)

// board is the view the package's tests drive: every binding kind, a form,
// a hook, pushes, async work, messages and JS command chains. It shows
// every event it handled in #log, as "name k=v k=v" lines.
type board struct {
	Count   int
	Log     []string
	Name    string
	Color   string
	Agree   bool
	Notes   string
	Saved   string
	Mounts  int
	Report  live.Async[string]
	Info    string
	release chan struct{} // the report task waits for it, when set
}

// secret is the boards' handlers' Secrets: a restarted server verifies
// the pages of the last one.
var secret = [][]byte{[]byte("livetest's test secret, 32 bytes or more")}

func newBoard(release chan struct{}) *live.Handler {
	return live.NewHandler(func() live.View { return &board{release: release} }, &live.Options{Secrets: secret, Logger: quiet})
}

// quiet drops the handlers' logs: the tests provoke errors on purpose.
var quiet = slog.New(slog.DiscardHandler)

// newBoardSecret serves boards whose tokens are signed with another
// secret.
func newBoardSecret(s []byte) *live.Handler {
	return live.NewHandler(func() live.View { return &board{} }, &live.Options{Secrets: [][]byte{s}, Logger: quiet})
}

func (b *board) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	b.Mounts++
	return nil
}

func (b *board) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	var kv []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range e.Values {
			if !yield(k) {
				return
			}
		}
	}) {
		kv = append(kv, k+"="+strings.Join(e.Values[k], ","))
	}
	b.Log = append(b.Log, strings.TrimSpace(e.Name+" "+strings.Join(kv, " ")))
	switch e.Name {
	case "inc":
		by, err := e.Int("by")
		if err != nil {
			return err
		}
		b.Count += by
	case "validate":
		b.Name, b.Color, b.Agree, b.Notes = e.Get("name"), e.Get("color"), e.Bool("agree"), e.Get("notes")
		if b.Name == "shout" {
			b.Name = "SHOUT"
		}
	case "save":
		b.Saved = e.Get("name")
		b.Name = "" // the server resets the field
	case "ping":
		if err := c.PushBeforePatch("before", map[string]int{"count": b.Count}); err != nil {
			return err
		}
		b.Count++
		return c.Push("pong", map[string]any{"count": b.Count})
	case "ready":
		return c.Reply(map[string]any{"width": e.Get("w"), "ok": true})
	case "markup":
		if err := c.Push("markup", map[string]string{"html": "<b>Tom & Jerry</b>"}); err != nil {
			return err
		}
		return c.Reply(map[string]string{"html": "<i>ok</i>"})
	case "report":
		b.Report.Start()
		release := b.release
		c.StartAsync("report", func(ctx context.Context, send func(any) error) (any, error) {
			if release != nil {
				select {
				case <-release:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			if err := send("halfway"); err != nil {
				return nil, err
			}
			return "42 rows", nil
		})
	case "later":
		c.SendAfter(time.Millisecond, "tick")
	case "sound":
		return c.PlaySound("ding")
	case "fail":
		return errors.New("the board says no")
	case "crash":
		panic("the board fell over")
	case "focus", "blur", "key", "enter", "escape", "opened", "away", "wfocus", "wblur", "sub", "note", "raw":
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func (b *board) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	b.Info = fmt.Sprint(msg)
	return nil
}

func (b *board) HandleAsync(ctx context.Context, c *live.Conn, name string, v any, err error) error {
	b.Report.Finish(v, err)
	return nil
}

// Chains, as a view defines them once.
var (
	openPanel = js.ToggleClass("open", js.To("#panel")).Send("opened", js.Value("via", "chain"))
	showBox   = js.Show(js.To("#box"), js.Display("flex"), js.Transition("fading"), js.Time(300*time.Millisecond))
	hideBox   = js.Hide(js.To("#box"), js.Transition("fading"))
	toggleBox = js.Toggle(js.To("#box"))
	markItem  = js.AddClass("picked", js.Closest("li")).SetAttribute("aria-selected", "true", js.Closest("li")).
			RemoveClass("fresh", js.Inner("span"))
	unmark   = js.RemoveAttribute("aria-selected", js.To("li[aria-selected]")).RemoveClass("picked", js.To("li"))
	signal   = js.Dispatch("board:signal", js.Value("n", "7"), js.To("#panel")).PlaySound("ding")
	runIt    = js.Exec("data-run", js.To("#panel"))
	stored   = js.AddClass("ran").Focus(js.To("#name"))
	awayBox  = js.Hide(js.To("#menu")).Send("away")
	showMenu = js.Show(js.To("#menu"))
)

func (b *board) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		e := html.EscapeString
		checked := ""
		if b.Agree {
			checked = " checked"
		}
		sel := func(c string) string {
			if b.Color == c {
				return " selected"
			}
			return ""
		}
		state := "idle"
		switch {
		case b.Report.Loading:
			state = "loading"
		case b.Report.OK:
			state = "done: " + b.Report.Value
		}
		fmt.Fprintf(w, `<style>.hidden { display: none } #menu { display: none }</style>`+
			`<p><output id="count">%d</output> <button id="inc" live-click="inc" live-value-by="2"><span>+2</span></button>`+
			` <button id="bad" live-click="inc" live-value-by="two">bad</button> <button id="plain">plain</button>`+
			` <button id="fail" live-click="fail">fail</button> <button id="crash" live-click="crash">crash</button></p>`+
			`<form id="f" live-change="validate" live-submit="save">`+
			`<input id="name" name="name" value="%s" live-focus="focus" live-blur="blur">`+
			`<select id="color" name="color"><option value="">none</option><option value="red"%s>Red</option><option value="blue"%s>Blue</option></select>`+
			`<input id="agree" type="checkbox" name="agree"%s>`+
			`<textarea id="notes" name="notes">%s</textarea>`+
			`<input type="hidden" name="token" value="t1"><input id="off" name="off" disabled value="x">`+
			`<button id="go" name="how" value="button">Save</button></form>`+
			`<form live-change="note"><input id="note" name="note"></form>`+
			`<form id="raw-form"><input id="raw" name="raw"></form>`+
			`<p id="saved">%s</p><p id="mounts">%d</p><p id="info">%s</p><p id="report">%s</p>`+
			`<input id="keys" live-keydown="key" live-keyup="key"><input id="enter" live-keyup="enter" live-key="Enter">`+
			`<div id="win" live-window-keyup="escape" live-key="Escape" live-window-focus="wfocus" live-window-blur="wblur"></div>`+
			`<div id="chart" live-hook="Chart">chart</div>`+
			`<div id="owned" live-ignore><span>server %d</span></div>`+
			`<button id="open" live-click="%s">open</button> <div id="panel" class="panel c%d" data-run="%s">panel %d</div>`+
			`<button id="show" live-click="%s">show</button> <button id="hide" live-click="%s">hide</button> <button id="toggle" live-click="%s">toggle</button>`+
			`<div id="box" class="box">box %d</div>`+
			`<ul><li id="i1"><button class="pick" live-click="%s"><span class="fresh">one</span></button></li>`+
			`<li id="i2"><button class="pick" live-click="%s"><span class="fresh">two</span></button></li></ul>`+
			`<button id="unmark" live-click="%s">unmark</button> <button id="signal" live-click="%s">signal</button>`+
			`<button id="run" live-click="%s">run</button>`+
			`<div class="menu-box"><button id="menu-button" live-click="%s">menu</button><ul id="menu" live-click-away="%s"><li>item</li></ul></div>`+
			`<section live-sounds='{"ding":"/ding.wav"}'></section>`+
			`<button id="ping" live-click="ping">ping</button> <button id="report-go" live-click="report">report</button>`+
			`<button id="later" live-click="later">later</button> <button id="sound" live-click="sound">sound</button>`+
			`<ol id="log">%s</ol>`,
			b.Count, e(b.Name), sel("red"), sel("blue"), checked, e(b.Notes), e(b.Saved), b.Mounts, e(b.Info), e(state),
			b.Count, e(openPanel.String()), b.Count, e(stored.String()), b.Count,
			e(showBox.String()), e(hideBox.String()), e(toggleBox.String()), b.Count,
			e(markItem.String()), e(markItem.String()), e(unmark.String()), e(signal.String()), e(runIt.String()),
			e(showMenu.String()), e(awayBox.String()), logItems(b.Log))
		return nil
	})
}

func logItems(log []string) string {
	var s strings.Builder
	for _, l := range log {
		s.WriteString("<li>" + html.EscapeString(l) + "</li>")
	}
	return s.String()
}
