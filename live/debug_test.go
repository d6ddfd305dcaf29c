package live_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/templive/templive/examples/counter"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// blockView hands its Conn to the test, and its "block" event waits for
// the test to release it, so that messages pile up in its mailbox.
type blockView struct {
	conns            chan *live.Conn
	blocked, release chan struct{}
}

func (v *blockView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.conns <- c
	return nil
}

func (v *blockView) Render() templ.Component { return templ.Raw(`<p>blocking</p>`) }

func (v *blockView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	v.blocked <- struct{}{}
	<-v.release
	return nil
}

func (v *blockView) HandleInfo(ctx context.Context, c *live.Conn, msg any) error { return nil }

func TestStatsShowMailboxDepth(t *testing.T) {
	v := &blockView{conns: make(chan *live.Conn, 1), blocked: make(chan struct{}, 1), release: make(chan struct{})}
	h := live.NewHandler(func() live.View { return v }, &live.Options{Logger: slog.New(slog.DiscardHandler)})
	mux := http.NewServeMux()
	mux.Handle("/block/{id}", h)
	srv := &server{Server: httptest.NewServer(mux), logs: &logBuffer{}}
	t.Cleanup(func() { h.Close(); srv.Close() })

	_, tok := srv.page(t, "/block/1")
	if got := h.Stats(); len(got) != 0 {
		t.Fatalf("Stats before the page joined: %+v, want no live view", got)
	}
	conn := <-v.conns
	c, _ := srv.join(t, "/block/1", tok, 0)
	c.send(`[1,1,"block"]`)
	<-v.blocked
	for range 3 {
		if err := conn.Send("hello"); err != nil {
			t.Fatal(err)
		}
	}
	want := []live.ViewStat{{Route: "/block/{id}", Connected: true, Mailbox: 3}}
	if got := h.Stats(); !slices.Equal(got, want) {
		t.Fatalf("Stats with a blocked view = %+v, want %+v", got, want)
	}
	close(v.release)
	waitUntil(t, "the mailbox to drain", func() bool { return h.Stats()[0].Mailbox == 0 })
}

func TestDebugPageListsViews(t *testing.T) {
	quiet := &live.Options{Logger: slog.New(slog.DiscardHandler)}
	counters := live.NewHandler(counter.New, quiet)
	mux := http.NewServeMux()
	mux.Handle("/counter/{n}", counters)
	mux.Handle("/debug", live.NewDebugHandler(quiet, counters))
	t.Cleanup(func() { counters.Close() })
	s := livetest.NewServer(t, mux)

	debug := s.Open("/debug")
	if got := debug.Text("#no-views"); got != "No live views." {
		t.Fatalf("with no views the page says %q", got)
	}
	a, b := s.Open("/counter/1"), s.Open("/counter/2")
	a.Click("#inc")
	row := func(doc *goquery.Document) []string {
		var cells []string
		doc.Find(fmt.Sprintf("#route-%x td", "/counter/{n}")).Each(func(_ int, c *goquery.Selection) { cells = append(cells, c.Text()) })
		return cells
	}
	want := []string{"/counter/{n}", "2", "2", "0", "0", "0", "0"}
	debug.WaitFor(func(doc *goquery.Document) bool { return slices.Equal(row(doc), want) })

	b.Disconnect() // its view waits to be resumed: listed, not connected
	want = []string{"/counter/{n}", "2", "1", "0", "0", "0", "0"}
	debug.WaitFor(func(doc *goquery.Document) bool { return slices.Equal(row(doc), want) })
	if strings.Contains(debug.HTML(), "/debug") {
		t.Errorf("the debug page lists itself:\n%s", debug.HTML())
	}
}
