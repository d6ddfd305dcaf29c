package sound_test

import (
	"strconv"
	"testing"

	"github.com/templive/templive/examples/sound"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// played returns the names of the sounds the page played, in order.
func played(p *livetest.Page) []string {
	var out []string
	for _, d := range p.Dispatched() {
		if d.Event == "templive:sound" {
			out = append(out, d.Detail["name"])
		}
	}
	return out
}

// TestSoundChosenByState: +1 plays its sound in the browser at once (the
// chain plays it, then pushes the event), and the server's state picks the
// sound: a click while the count can go up, a donk at the top.
func TestSoundChosenByState(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(sound.New, nil), "/sound")
	for range sound.Max {
		p.Click("#inc")
	}
	if got := p.Text("#count"); got != strconv.Itoa(sound.Max) {
		t.Fatalf("count %q after %d clicks", got, sound.Max)
	}
	p.Click("#inc")
	got := played(p)
	if len(got) != sound.Max+1 || got[0] != "click" || got[sound.Max-1] != "click" || got[sound.Max] != "donk" {
		t.Fatalf("sounds played %q; want %d clicks, then a donk at the top", got, sound.Max)
	}
	if len(p.Pushes()) != 0 {
		t.Fatalf("the server pushed %+v for sounds the browser plays itself", p.Pushes())
	}
	p.Click("#reset")
	p.Click("#inc")
	if got := played(p); got[len(got)-1] != "click" {
		t.Fatalf("after a reset +1 plays %q, want click", got[len(got)-1])
	}
}

// TestSoundPushedLater: the server cues the page at once and pushes the win
// sound a second later, from its timer.
func TestSoundPushedLater(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(sound.New, nil), "/sound")
	p.Click("#delayed")
	if cue := p.AwaitPush("cue"); string(cue.Payload) != `{"text":"win in 1 s…"}` {
		t.Fatalf("cue %s", cue.Payload)
	}
	if win := p.AwaitPush("live:sound"); string(win.Payload) != `{"name":"win"}` {
		t.Fatalf("pushed sound %s, want win", win.Payload)
	}
	if got := played(p); len(got) != 1 || got[0] != "win" {
		t.Fatalf("sounds played %q, want the pushed win", got)
	}
}

// TestSoundLeaveAndComeBack: leaving removes the board and its sounds;
// coming back brings them.
func TestSoundLeaveAndComeBack(t *testing.T) {
	p := livetest.Open(t, live.NewHandler(sound.New, nil), "/sound")
	p.Click("#leave")
	if p.Find("#board").Length() != 0 || p.Find("#left").Length() != 1 {
		t.Fatal("the board is still there after leaving")
	}
	p.Click("#back")
	p.Click("#inc")
	if got := played(p); len(got) != 1 || got[0] != "click" {
		t.Fatalf("back on the board, +1 plays %q", got)
	}
}
