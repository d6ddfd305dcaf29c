package live

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/a-h/templ"
)

// benchMsg is a chat line of the stream benchmarks.
type benchMsg struct{ id, text string }

// roomView is a chat room as the stream benchmarks use it: with stream,
// its lines are a Stream; without, a slice rendered whole each time (how
// the chat example kept them before streams).
type roomView struct {
	stream *Stream[benchMsg]
	lines  []benchMsg
	n      int
}

func newRoomView(stream bool) *roomView {
	v := &roomView{}
	if stream {
		v.stream = NewStream(func(m benchMsg) string { return "m-" + m.id })
	}
	return v
}

func (v *roomView) say() {
	v.n++
	m := benchMsg{id: strconv.Itoa(v.n), text: "message number " + strconv.Itoa(v.n) + ", with a few words"}
	if v.stream != nil {
		v.stream.Append(m)
	} else {
		v.lines = append(v.lines, m)
	}
}

func (v *roomView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, `<h1>Room</h1><ol id="messages"`)
		items := func(yield func(string, benchMsg) bool) {
			for _, m := range v.lines {
				if !yield("m-"+m.id, m) {
					return
				}
			}
		}
		if v.stream != nil {
			if err := templ.RenderAttributes(ctx, w, v.stream.Attrs()); err != nil {
				return err
			}
			items = v.stream.Items()
		}
		io.WriteString(w, `>`)
		for id, m := range items {
			fmt.Fprintf(w, `<li id="%s"><b>bot</b> %s</li>`, id, templ.EscapeString(m.text))
		}
		_, err := fmt.Fprintf(w, `</ol><p id="count">%d messages</p>`, v.n)
		return err
	})
}

// BenchmarkStreamInsert is the cost of one new chat line (render, diff,
// encode) after history lines, and heap-B the heap the process holds
// after them (the session, its Doc, the view; GC'd). With a Stream both
// stay flat as history grows; with a slice (list) both grow with it.
//
//	go test -run '^$' -bench 'StreamInsert/stream' -benchtime 2000x ./live
//	go test -run '^$' -bench 'StreamInsert/list' -benchtime 200x ./live
//
// The loop adds b.N lines: a list's figures grow with b.N too.
func BenchmarkStreamInsert(b *testing.B) {
	for _, c := range []struct {
		name    string
		stream  bool
		history int
	}{
		{"stream/history=100", true, 100},
		{"stream/history=10000", true, 10_000},
		{"stream/history=100000", true, 100_000},
		{"list/history=100", false, 100},
		{"list/history=10000", false, 10_000},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := NewHandler(func() View { return newRoomView(c.stream) }, nil)
			defer h.Close()
			var base runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&base)
			s := h.newSession()
			defer s.end()
			v := s.view.(*roomView)
			if _, err := s.renderTree(s.ctx); err != nil {
				b.Fatal(err)
			}
			if c.stream {
				// Every line of the history goes through a render and a
				// diff, as it would in a room.
				for range c.history {
					v.say()
					if _, err := s.renderDiff(); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				for range c.history {
					v.say()
				}
				if _, err := s.renderDiff(); err != nil {
					b.Fatal(err)
				}
			}
			var after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&after)
			size := 0
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				v.say()
				patch, err := s.renderDiff()
				if err != nil || patch == nil {
					b.Fatal("no patch for a new line", err)
				}
				size = len(patch)
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(size), "patch-bytes")
			b.ReportMetric(float64(int64(after.HeapAlloc)-int64(base.HeapAlloc)), "heap-B")
		})
	}
}
