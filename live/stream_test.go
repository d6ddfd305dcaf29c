package live

import (
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

// batch renders s's attributes and items as the stream's part of a render.
func batch(t *testing.T, s *Stream[string]) string {
	t.Helper()
	var b strings.Builder
	if err := templ.RenderAttributes(context.Background(), &b, s.Attrs()); err != nil {
		t.Fatal(err)
	}
	b.WriteString(" |")
	for id, it := range s.Items() {
		b.WriteString(" " + id + "=" + it)
	}
	return strings.ReplaceAll(b.String(), "&#34;", `"`)
}

func TestStreamBatches(t *testing.T) {
	s := NewStream(func(x string) string { return "i-" + strings.ToLower(x) })
	steps := []struct {
		do   func()
		want string
	}{
		// The first render: final order, trimmed, and a reset.
		{func() {
			s.Append("a", "b", "c")
			s.Insert("z", StreamStart)
			s.Insert("y", 1)
			s.SetLimit(4)
		}, ` live-update="stream" live-stream="{"r":true,"l":4}" | i-z=z i-y=y i-a=a i-b=b`},
		{func() {}, ` live-update="stream" live-stream="{"l":4}" |`},
		// Later renders: the inserts in the order asked, with positions.
		{func() {
			s.Append("d")
			s.Insert("x", StreamStart)
			s.Insert("A", 2) // the same id as a: only the later one
			s.Append("e")
			s.Delete("e") // never sent, and deleted from the page if it is there
			s.SetLimit(-3)
		}, ` live-update="stream" live-stream="{"l":-3,"d":["i-e"],"a":{"i-a":2,"i-x":0}}" | i-d=d i-x=x i-a=A`},
		{func() { s.Append("f"); s.Reset("g", "h") }, ` live-update="stream" live-stream="{"r":true,"l":-3}" | i-g=g i-h=h`},
		{func() { s.DeleteID("i-g") }, ` live-update="stream" live-stream="{"l":-3,"d":["i-g"]}" |`},
	}
	for i, st := range steps {
		st.do()
		if got := batch(t, s); got != st.want {
			t.Errorf("render %d:\n got %s\nwant %s", i, got, st.want)
		}
	}
	if len(s.pending) != 0 || s.deletes != nil {
		t.Errorf("the stream holds %d items and %d deletes after its render", len(s.pending), len(s.deletes))
	}
}

func TestNewStreamNeedsAKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewStream(nil) did not panic")
		}
	}()
	NewStream[int](nil)
}
