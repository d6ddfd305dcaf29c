package livetest_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/templive/templive/internal/leakcheck"
	"github.com/templive/templive/live/livetest"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// logged returns every event the board logged.
func logged(p *livetest.Page) []string {
	return p.Find("#log li").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
}

// TestTriggers drives one view through every kind of trigger and checks
// the event the view received: its name and values, exactly as the browser
// client sends them.
func TestTriggers(t *testing.T) {
	tests := []struct {
		name string
		do   func(p *livetest.Page)
		want []string // events logged by the action, in order
	}{
		{"click sends live-value-*", func(p *livetest.Page) { p.Click("#inc") }, []string{"inc by=2"}},
		{"click on a child finds the binding", func(p *livetest.Page) { p.Click("#inc span") }, []string{"inc by=2"}},
		{"change sends the form and _target", func(p *livetest.Page) { p.Change("#name", "Ann") },
			[]string{"focus", "validate _target=name color= name=Ann notes= token=t1"}},
		{"change of a select", func(p *livetest.Page) { p.Change("#color", "blue") },
			[]string{"validate _target=color color=blue name= notes= token=t1"}},
		{"change of a textarea", func(p *livetest.Page) { p.Change("#notes", "a\nb") },
			[]string{"validate _target=notes color= name= notes=a\nb token=t1"}},
		{"click on a checkbox changes it", func(p *livetest.Page) { p.Click("#agree") },
			[]string{"validate _target=agree agree=on color= name= notes= token=t1"}},
		{"change of a form without id", func(p *livetest.Page) { p.Change("#note", "n1") }, []string{"note _target=note note=n1"}},
		{"submit sends the form", func(p *livetest.Page) { p.Submit("#f") },
			[]string{"save color= name= notes= token=t1"}},
		{"submit by a button sends its name", func(p *livetest.Page) { p.Submit("#go") },
			[]string{"save color= how=button name= notes= token=t1"}},
		{"click on a submit button submits", func(p *livetest.Page) { p.Click("#go") },
			[]string{"save color= how=button name= notes= token=t1"}},
		{"keydown sends the key", func(p *livetest.Page) { p.KeyDown("#keys", "a") }, []string{"key key=a"}},
		{"keyup with modifiers", func(p *livetest.Page) { p.KeyUp("#keys", "Control+Shift+K") },
			[]string{"key ctrlKey=true key=K shiftKey=true"}},
		{"live-key filters keys", func(p *livetest.Page) { p.KeyUp("#enter", "a"); p.KeyUp("#enter", "Enter") },
			[]string{"enter key=Enter"}},
		{"window keyup", func(p *livetest.Page) { p.KeyUp("", "Escape") }, []string{"escape key=Escape"}},
		{"focus and blur", func(p *livetest.Page) { p.Focus("#name"); p.Blur("#name") }, []string{"focus", "blur"}},
		{"focus moves", func(p *livetest.Page) { p.Focus("#name"); p.Focus("#keys") }, []string{"focus", "blur"}},
		{"click moves the focus", func(p *livetest.Page) { p.Focus("#name"); p.Click("#inc") }, []string{"focus", "blur", "inc by=2"}},
		{"window focus and blur", func(p *livetest.Page) { p.Focus(""); p.Blur("") }, []string{"wfocus", "wblur"}},
		{"click away", func(p *livetest.Page) { p.Click("#menu-button"); p.Click("#inc") }, []string{"away", "inc by=2"}},
		{"hook event", func(p *livetest.Page) { p.Hook("#chart", "ready", map[string]any{"w": 640}) }, []string{"ready w=640"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := livetest.Open(t, newBoard(nil), "/board")
			tt.do(p)
			if got := logged(p); !slices.Equal(got, tt.want) {
				t.Errorf("the view got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestClickAway: a live-click-away fires only while its element is
// displayed (the page's stylesheet hides #menu until a chain shows it), and
// before the click that is away from it.
func TestClickAway(t *testing.T) {
	p := livetest.Open(t, newBoard(nil), "/board")
	if p.Visible("#menu") {
		t.Fatal("#menu is visible; the page's <style> hides it")
	}
	p.Click("#inc")
	p.Click("#menu-button") // shows #menu, in the browser alone
	if !p.Visible("#menu") {
		t.Fatal("#menu-button's chain did not show #menu")
	}
	p.Click("#inc")
	if got := logged(p); !slices.Equal(got, []string{"inc by=2", "away", "inc by=2"}) {
		t.Fatalf("events %q, want the click-away only once #menu shows, before the click", got)
	}
	if p.Visible("#menu") {
		t.Fatal("the click-away's Hide left #menu visible")
	}
}

// TestRenderedFields: what the server renders into fields is what a user
// sees; what the user typed in the focused field stays while the server
// catches up, and a submit's reset shows.
func TestRenderedFields(t *testing.T) {
	p := livetest.Open(t, newBoard(nil), "/board")
	p.Change("#name", "Ann")
	p.Change("#color", "red")
	p.Change("#agree", "on")
	if got := p.Value("#name") + "," + p.Value("#color") + "," + p.Value("#agree"); got != "Ann,red,on" {
		t.Fatalf("fields hold %q", got)
	}
	// The server shouts names back; the user's field keeps what they type
	// while they type in it.
	p.Change("#name", "shout")
	if got := p.Value("#name"); got != "shout" {
		t.Fatalf("the focused #name holds %q; the server's render must not overwrite what the user types", got)
	}
	// A textarea's text is its default value; what the user types is its
	// value: the server's echo of it does not double it.
	p.Change("#notes", "line 1\nline 2")
	p.Change("#color", "red")
	if got := p.Value("#notes"); got != "line 1\nline 2" || p.Text("#notes") != got {
		t.Fatalf("#notes holds %q and shows the text %q; want what was typed, echoed by the server", got, p.Text("#notes"))
	}
	p.Change("#name", "Ann")
	p.Focus("#name")
	p.Submit("#f")
	if got := p.Text("#saved"); got != "Ann" {
		t.Fatalf("#saved shows %q after the submit", got)
	}
	if got := p.Value("#name"); got != "" {
		t.Fatalf("#name holds %q after the server reset it on submit, want it empty", got)
	}
}

// TestPushesAndHookReplies: pushes arrive with their payloads, the ones
// asked to come first before the patch; a hook's event gets the view's
// reply; a pushed sound plays.
func TestPushesAndHookReplies(t *testing.T) {
	p := livetest.Open(t, newBoard(nil), "/board")
	p.Click("#ping")
	got := p.Pushes()
	if len(got) != 2 || got[0].Name != "before" || string(got[0].Payload) != `{"count":0}` ||
		got[1].Name != "pong" || string(got[1].Payload) != `{"count":1}` {
		t.Fatalf("pushes %+v, want before {count:0} then pong {count:1}", got)
	}
	if x := p.AwaitPush("pong"); string(x.Payload) != `{"count":1}` {
		t.Fatalf("AwaitPush gave %+v", x)
	}
	var reply struct {
		Width string
		OK    bool
	}
	if err := json.Unmarshal(p.Hook("#chart", "ready", map[string]any{"w": 640}), &reply); err != nil || reply.Width != "640" || !reply.OK {
		t.Fatalf("reply %+v, %v; want width 640, ok", reply, err)
	}
	if r := p.Hook("#chart", "inc", map[string]any{"by": "1"}); r != nil {
		t.Fatalf("an event without Reply answered %s", r)
	}
	p.Click("#sound")
	if x := p.AwaitPush("live:sound"); string(x.Payload) != `{"name":"ding"}` {
		t.Fatalf("sound push %+v", x)
	}
	if d := p.Dispatched(); len(d) != 1 || d[0].Event != "templive:sound" || d[0].Detail["name"] != "ding" {
		t.Fatalf("dispatched %+v, want the sound played", d)
	}
}

// TestAsyncAndMessages: renders the server starts itself are awaited
// without sleeping: an async task's completion, a timer's message.
func TestAsyncAndMessages(t *testing.T) {
	release := make(chan struct{})
	p := livetest.Open(t, newBoard(release), "/board")
	p.Click("#report-go")
	if got := p.Text("#report"); got != "loading" {
		t.Fatalf("#report shows %q while the task runs", got)
	}
	close(release)
	p.AwaitRender() // the task's message
	p.WaitFor(func(d *goquery.Document) bool { return d.Find("#report").Text() == "done: 42 rows" })
	if got := p.Text("#info"); got != "halfway" {
		t.Fatalf("#info shows %q: the task's message was not handled", got)
	}
	p.Click("#later")
	p.AwaitRender()
	if got := p.Text("#info"); got != "tick" {
		t.Fatalf("#info shows %q after the timer", got)
	}
}

// TestResume: a page that drops its connection and comes back resumes its
// view, state and all; an event triggered while offline is shown loading,
// queued and delivered once.
func TestResume(t *testing.T) {
	p := livetest.Open(t, newBoard(nil), "/board")
	p.Click("#inc")
	p.Disconnect()
	if p.Connected() {
		t.Fatal("connected after Disconnect")
	}
	if p.Find(`[live-root].live-disconnected`).Length() != 1 {
		t.Fatal("the root does not show live-disconnected")
	}
	p.Click("#inc")
	if !p.Find("#inc").HasClass("live-click-loading") {
		t.Fatal("a click while offline does not show its loading class")
	}
	p.Reconnect()
	if got := p.Text("#count"); got != "4" {
		t.Fatalf("count %q after resuming, want 4", got)
	}
	if p.Find("#inc").HasClass("live-click-loading") || p.Find(`[live-root].live-connected`).Length() != 1 {
		t.Fatal("loading or connection classes wrong after the reconnect")
	}
	if got := logged(p); !slices.Equal(got, []string{"inc by=2", "inc by=2"}) {
		t.Fatalf("the resumed view logged %q", got)
	}
}

// TestRestartRecoversForms: after the server loses the view, the rejoin
// mounts it afresh and replays the recoverable form, so the server's state
// is rebuilt from the page and what the user typed stays; the form without
// an id is not recovered.
func TestRestartRecoversForms(t *testing.T) {
	s := livetest.NewServer(t, newBoard(nil))
	p := s.Open("/board")
	p.Click("#inc")
	p.Change("#name", "Ann")
	p.Change("#notes", "remember me")
	p.Change("#note", "scratch")
	p.Blur("#note")                                  // only recovery can keep the values now
	p.Click("#open")                                 // a class toggled in the browser
	p.Find("#owned span").SetText("drawn by a hook") // live-ignore: the page owns it
	s.Restart(newBoard(nil))
	if p.Connected() {
		t.Fatal("the page is connected to a server that died")
	}
	p.Reconnect()
	if got := logged(p); !slices.Equal(got, []string{"validate color= name=Ann notes=remember me token=t1"}) {
		t.Fatalf("the fresh view logged %q, want only the recovered form", got)
	}
	if got := p.Text("#count"); got != "0" {
		t.Fatalf("count %q: the fresh view cannot know the clicks", got)
	}
	if got := p.Value("#name") + "|" + p.Value("#notes"); got != "Ann|remember me" {
		t.Fatalf("the recovered form holds %q", got)
	}
	if got := p.Value("#note"); got != "" {
		t.Fatalf("#note holds %q: a form without an id is not recovered", got)
	}
	// The join's answer morphs the whole root: what the browser changed
	// stays, as morphdom keeps the elements.
	if !p.Find("#panel").HasClass("open") || p.Text("#owned") != "drawn by a hook" {
		t.Fatalf("after the rejoin's morph: #panel open %v, #owned %q", p.Find("#panel").HasClass("open"), p.Text("#owned"))
	}
	p.Click("#inc")
	if got := p.Text("#count"); got != "2" {
		t.Fatalf("the recovered view does not work: count %q", got)
	}
}

// TestRestartWithOtherSecretReloads: a server that cannot verify the page
// makes it load again, as the browser client does.
func TestRestartWithOtherSecretReloads(t *testing.T) {
	s := livetest.NewServer(t, newBoard(nil))
	p := s.Open("/board")
	p.Click("#inc")
	s.Restart(newBoardSecret([]byte("another secret, not the one that signed the page")))
	p.Reconnect()
	if !p.Connected() || p.Text("#count") != "0" {
		t.Fatalf("after the reload: connected %v, count %q", p.Connected(), p.Text("#count"))
	}
}

// TestErrors: what the server reports fails the test unless expected.
func TestErrors(t *testing.T) {
	p := livetest.Open(t, newBoard(nil), "/board")
	if msg := p.ExpectError(func() { p.Click("#fail") }); !strings.Contains(msg, "the board says no") {
		t.Errorf("error %q", msg)
	}
	if msg := p.ExpectError(func() { p.Click("#bad") }); !strings.Contains(msg, `"by"`) {
		t.Errorf("bad value error %q", msg)
	}
	if msg := p.ExpectError(func() { p.Hook("#chart", "nope", nil) }); !strings.Contains(msg, `unknown event "nope"`) {
		t.Errorf("unknown event error %q", msg)
	}
	p.Click("#inc")
	msg := p.ExpectError(func() { p.Click("#crash") })
	if !strings.Contains(msg, "the view crashed") || !strings.Contains(msg, "1011") {
		t.Errorf("crash reported as %q", msg)
	}
	p.Reconnect() // a fresh view; the event that crashed it is not sent again
	if got := logged(p); !slices.Equal(got, []string{"validate color= name= notes= token=t1"}) {
		t.Errorf("after the crash the fresh view logged %q", got)
	}
}

// TestJSCommands runs the chains of the view on the test DOM: classes,
// display, attributes, focus, dispatch, sounds, exec, and push, which is the
// only one that reaches the server; what they change survives the
// server's patches.
func TestJSCommands(t *testing.T) {
	p := livetest.Open(t, newBoard(nil), "/board")

	p.Click("#open")
	if !p.Find("#panel").HasClass("open") {
		t.Fatal("toggle_class did not open #panel")
	}
	if got := logged(p); !slices.Equal(got, []string{"opened via=chain"}) {
		t.Fatalf("the chain's send sent %q", got)
	}
	p.Click("#inc") // the server patches #panel's text: the class stays
	if got, _ := p.Find("#panel").Attr("class"); got != "panel c2 open" || p.Text("#panel") != "panel 2" {
		t.Fatalf("#panel has class %q, text %q after a patch of both; want the server's class and open", got, p.Text("#panel"))
	}

	p.Click("#hide")
	if p.Visible("#box") || p.Find("#box").HasClass("fading") {
		t.Fatalf("hide: visible %v, %s", p.Visible("#box"), p.HTML())
	}
	p.Click("#show")
	if style, _ := p.Find("#box").Attr("style"); style != "display: flex;" {
		t.Fatalf("show set style %q, want display: flex;", style)
	}
	p.Click("#toggle")
	if p.Visible("#box") {
		t.Fatal("toggle did not hide the shown box")
	}
	p.Click("#inc") // #box's text is patched: its display stays
	if p.Visible("#box") || p.Text("#box") != "box 4" {
		t.Fatalf("after a patch #box shows %q, visible %v", p.Text("#box"), p.Visible("#box"))
	}
	p.Click("#toggle")
	if !p.Visible("#box") {
		t.Fatal("toggle did not show the hidden box")
	}

	p.Click("#i2 span")
	li := p.Find("#i2")
	if sel, _ := li.Attr("aria-selected"); !li.HasClass("picked") || sel != "true" || p.Find("#i2 span").HasClass("fresh") ||
		p.Find("#i1").HasClass("picked") || !p.Find("#i1 span").HasClass("fresh") {
		t.Fatalf("closest and inner targets wrong: %s", p.Find("ul").Text())
	}
	p.Click("#unmark")
	if p.Find("li[aria-selected], li.picked").Length() != 0 {
		t.Fatal("remove_attr and remove_class left marks")
	}

	p.Click("#signal")
	d := p.Dispatched()
	if len(d) != 2 || d[0].Event != "board:signal" || d[0].Target != "<div#panel.panel.c4.open>" || d[0].Detail["n"] != "7" ||
		d[1].Event != "templive:sound" || d[1].Detail["name"] != "ding" {
		t.Fatalf("dispatched %+v", d)
	}

	before := len(logged(p))
	p.Click("#run") // exec runs #panel's data-run: add_class on #panel, focus #name
	if !p.Find("#panel").HasClass("ran") {
		t.Fatal("exec did not run the stored chain on its element")
	}
	if got := logged(p)[before:]; !slices.Equal(got, []string{"focus"}) {
		t.Fatalf("the focus command fired %q, want #name's live-focus", got)
	}
}

// TestLiveIgnore: the server's changes inside a live-ignore element are
// not applied: the page (a hook, say) owns it.
func TestLiveIgnore(t *testing.T) {
	p := livetest.Open(t, newBoard(nil), "/board")
	p.Click("#inc")
	if got := p.Text("#owned"); got != "server 0" {
		t.Fatalf("#owned shows %q, want what it showed first", got)
	}
}
