package live_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/templive/templive/live"
)

// A view with nothing to do goes to rest, letting go of its parsed tree;
// its next change parses the last render again and sends the very patch a
// view that never rested sends.
func TestQuietViewRestsAndWakesWithTheSamePatches(t *testing.T) {
	newView := func() live.View {
		return &probe{out: "a <b>b</b> c", onEvent: func(v *probe, c *live.Conn, e live.Event) error {
			v.out += fmt.Sprintf(" <i>%s</i>", e.Name)
			return nil
		}}
	}
	resting, rh := probeServer(t, newView, &live.Options{HibernateAfter: 10 * time.Millisecond})
	awake, ah := probeServer(t, newView, &live.Options{HibernateAfter: -1})
	r, a := resting.joined(t), awake.joined(t)
	for i, name := range []string{"one", "two", "three"} {
		waitUntil(t, "the view to rest", func() bool { return live.RestingViews(rh) == 1 })
		frame := fmt.Sprintf(`[1,%d,%q]`, i+1, name)
		r.send(frame)
		a.send(frame)
		if got, want := r.read(), a.read(); got != want {
			t.Fatalf("event %d after a rest: %s, want %s as from a view that never rested", i+1, got, want)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := live.RestingViews(ah); n != 0 {
		t.Errorf("%d views at rest with HibernateAfter < 0", n)
	}
}
