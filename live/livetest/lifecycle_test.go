package livetest_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// drawer renders two <details> whose open attribute the server sets from
// its state; only #kept has live-ignore-attributes="open".
type drawer struct{ Open bool }

func (d *drawer) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		open := ""
		if d.Open {
			open = " open"
		}
		_, err := fmt.Fprintf(w, `<details id="kept" live-ignore-attributes="open"%s><summary>kept</summary>k</details>`+
			`<details id="plain"%s><summary>plain</summary>p</details><button id="flip" live-click="flip">flip</button>`, open, open)
		return err
	})
}

func (d *drawer) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	d.Open = !d.Open
	return nil
}

// TestIgnoreAttributes: the server's changes to an ignored attribute do not
// reach the page; the user's do and stay.
func TestIgnoreAttributes(t *testing.T) {
	h := live.NewHandler(func() live.View { return &drawer{} }, &live.Options{Logger: quiet})
	t.Cleanup(func() { h.Close() })
	p := livetest.Open(t, h, "/drawer")
	open := func(sel string) bool { _, ok := p.Get(sel).Attr("open"); return ok }
	p.Click("#flip") // the server opens both
	if open("#kept") || !open("#plain") {
		t.Fatalf("after the server opened both: kept %v, plain %v", open("#kept"), open("#plain"))
	}
	p.Click("#kept summary") // the user opens kept
	p.Click("#flip")         // the server closes both
	if !open("#kept") || open("#plain") {
		t.Fatalf("after the server closed both: kept %v, plain %v", open("#kept"), open("#plain"))
	}
}

// TestTabRunsKeyBindings: Tab is a key press first: the focused element's
// live-keydown gets it (here a chain that marks the field), then the focus
// moves.
func TestTabRunsKeyBindings(t *testing.T) {
	p := livetest.Open(t, fixedPage(`<input id="a" live-keydown='[["add_class",{"names":"left"}]]' live-key="Tab"><input id="b" live-keydown='[["add_class",{"names":"left"}]]' live-key="Escape">`), "/tab")
	p.Focus("#a")
	p.Tab()
	if !p.Get("#a").HasClass("left") || !p.HasFocus("#b") {
		t.Fatalf("after Tab:\n%s", p.HTML())
	}
	p.ShiftTab()
	if p.Get("#b").HasClass("left") || !p.HasFocus("#a") {
		t.Fatalf("after Shift+Tab, a binding for Escape ran, or the focus is elsewhere:\n%s", p.HTML())
	}
}
