package layout_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/examples/layout"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// card is a view that shows demo.css at work.
type card struct{}

func (card) Render() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<div id="card" class="card">shown</div><p id="gone" class="hidden">hidden</p>`)
		return err
	})
}

// TestLayoutWrapsLivePages: a live page in the demos' layout has its title,
// the link back to the index, and the shared stylesheet, whose rules apply.
func TestLayoutWrapsLivePages(t *testing.T) {
	h := live.NewHandler(func() live.View { return card{} }, &live.Options{Layout: layout.For("Card")})
	t.Cleanup(func() { h.Close() }) // inside a mux, livetest cannot close it
	mux := http.NewServeMux()
	mux.Handle("/card", h)
	mux.HandleFunc("/static/demo.css", layout.Stylesheet)
	p := livetest.Open(t, mux, "/card")
	if got := p.Text("title"); got != "Card · templive" {
		t.Errorf("title %q", got)
	}
	if href, _ := p.Get("nav a").Attr("href"); href != "/" {
		t.Errorf("the nav links to %q, want /", href)
	}
	if !p.Visible("#card") || p.Visible("#gone") {
		t.Errorf("visible: #card %v, #gone %v; demo.css hides .hidden only", p.Visible("#card"), p.Visible("#gone"))
	}
	if !p.Connected() {
		t.Error("the page in the layout did not connect")
	}
}
