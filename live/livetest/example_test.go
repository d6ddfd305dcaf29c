package livetest_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/templive/templive/examples/async"
	"github.com/templive/templive/examples/counter"
	"github.com/templive/templive/examples/events"
	"github.com/templive/templive/examples/form"
	"github.com/templive/templive/examples/modal"
	"github.com/templive/templive/examples/sound"
	"github.com/templive/templive/examples/todos"
	"github.com/templive/templive/examples/upload"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// The examples below are test code: t is the *testing.T of the test
// function they belong in (func TestCounter(t *testing.T) { ... }).
var t *testing.T

// A page is opened through the real handler; a click returns once the
// server's patch is applied.
func ExampleOpen() {
	p := livetest.Open(t, live.NewHandler(counter.New, nil), "/counter")
	p.Click("#inc")
	p.Click("#inc")
	if got := p.Text("#count"); got != "2" {
		t.Errorf("count = %q, want 2", got)
	}
}

// A server that loses the view (a restart, a deploy) gets the page's forms
// back when the page rejoins.
func ExampleServer_Restart() {
	secrets := &live.Options{Secrets: [][]byte{[]byte("the same secret on every instance!")}}
	s := livetest.NewServer(t, live.NewHandler(form.New, secrets))
	p := s.Open("/form")
	p.Change("#query", "hello")
	p.Blur("#query")

	s.Restart(live.NewHandler(form.New, secrets))
	p.Reconnect() // the fresh view gets "validate" with query=hello first

	if got := p.Text("#server-query"); got != "hello" {
		t.Errorf("the server holds %q after the restart, want hello", got)
	}
}

// A render the view starts itself (a task, a timer, a message) is awaited,
// not slept for.
func ExamplePage_WaitFor() {
	p := livetest.Open(t, live.NewHandler(async.New, nil), "/async")
	p.Click("#start")
	p.WaitFor(func(d *goquery.Document) bool {
		return strings.HasPrefix(d.Find("#state").Text(), "Done")
	})
}

// A JS command chain runs on the test DOM: the menu opens with no round
// trip, which a test can see.
func ExamplePage_Click_jsCommands() {
	p := livetest.Open(t, live.NewHandler(events.New, nil), "/menu")
	p.Click("#menu-button") // live-click={ js.Toggle(js.To("#menu")) }
	if !p.Visible("#menu") {
		t.Error("the menu did not open")
	}
}

// Pushed events are recorded with their payloads.
func ExamplePage_AwaitPush() {
	p := livetest.Open(t, live.NewHandler(sound.New, nil), "/sound")
	p.Click("#delayed") // the view plays a sound a second later
	if got := p.AwaitPush("live:sound"); string(got.Payload) != `{"name":"win"}` {
		t.Errorf("pushed %s", got.Payload)
	}
}

// A file goes through the same binary frames as from the browser; the page
// then shows the entry the view rendered.
func ExamplePage_Upload() {
	dir := t.TempDir()
	p := livetest.Open(t, live.NewHandler(upload.New(upload.Config{Dir: dir}), nil), "/upload")
	p.Upload("#files", "notes.txt", []byte("hello"))
	if got := p.Text("#files-entries .progress"); got != "100%" {
		t.Errorf("progress %q, want 100%%", got)
	}
	p.Click("#save") // the view's ConsumeUploads writes dir/notes.txt
}

// A click on a link follows it as the browser does: a live-patch link
// changes the URL without a new view, a live-navigate link joins the next
// page's view over the same connection.
func ExamplePage_URL() {
	app := todos.New(todos.Config{})
	s := livetest.NewServer(t, app)
	s.Client().PostForm("http://"+livetest.Host+"/todos/login", url.Values{"name": {"ann"}})
	p := s.Open("/todos")
	p.Click("#filter-done")
	if p.URL() != "/todos?filter=done" || p.Title() != "Todos (0 left)" {
		t.Errorf("after the filter link: %s, %q", p.URL(), p.Title())
	}
}

// Tab moves the focus as the browser does; inside a live-focus-wrap dialog
// it cycles, and HasFocus tells where it is.
func ExamplePage_Tab() {
	p := livetest.Open(t, live.NewHandler(modal.New, nil), "/modal")
	p.Click("#file-2 .delete") // the dialog opens and focuses Cancel
	p.Tab()                    // Delete
	p.Tab()                    // back to Cancel: the focus stays in the dialog
	if !p.HasFocus("#confirm-cancel") {
		t.Error("the focus left the dialog")
	}
}

// A live-confirm button asks the test what the user answers.
func ExamplePage_OnConfirm() {
	p := livetest.Open(t, live.NewHandler(modal.New, nil), "/modal")
	p.OnConfirm(func(question string) bool { return question == "Delete every file?" })
	p.Click("#clear")
	if n := p.Find("#files li").Length(); n != 0 {
		t.Errorf("%d files left", n)
	}
}

// A table test shares one server; each row's page belongs to its subtest
// and closes when the subtest ends.
func ExampleServer_OpenIn() {
	s := livetest.NewServer(t, live.NewHandler(counter.New, nil))
	for _, clicks := range []int{1, 2, 3} {
		t.Run(strings.Repeat("+", clicks), func(t *testing.T) {
			p := s.OpenIn(t, "/counter")
			for range clicks {
				p.Click("#inc")
			}
			if got := p.Text("#count"); got != strconv.Itoa(clicks) {
				t.Errorf("count = %q after %d clicks", got, clicks)
			}
		})
	}
}

// A pushed event's payload decodes into a value of the test's own.
func ExamplePush_Decode() {
	p := livetest.Open(t, live.NewHandler(sound.New, nil), "/sound")
	p.Click("#delayed")
	var played struct{ Name string }
	if err := p.AwaitPush("live:sound").Decode(&played); err != nil || played.Name != "win" {
		t.Errorf("played %+v, %v; want win", played, err)
	}
}
