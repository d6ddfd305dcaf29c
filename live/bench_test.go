package live

import (
	"bytes"
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/internal/benchviews"
	"github.com/templive/templive/internal/htmldiff"
)

// benchPage is a page whose render alternates between two states, so that
// every render after the first differs from the one before.
type benchPage struct {
	name string
	a, b templ.Component
}

func benchPages() []benchPage {
	return []benchPage{
		{"counter", benchviews.Counter(1), benchviews.Counter(2)},
		{"table1000-one-cell", benchviews.Table(benchviews.Rows(1000, false, 0)), benchviews.Table(benchviews.Rows(1000, false, 500))},
		{"table1000-reversed", benchviews.Table(benchviews.Rows(1000, false, 0)), benchviews.Table(benchviews.Rows(1000, true, 0))},
		{"article-100KB-one-paragraph", benchviews.Article(benchviews.Sections(-1)), benchviews.Article(benchviews.Sections(101))},
	}
}

// flipView renders a or b.
type flipView struct {
	a, b templ.Component
	onB  bool
}

func (v *flipView) Render() templ.Component {
	if v.onB {
		return v.b
	}
	return v.a
}

// cpuTime is the CPU time the process has used. The machines the
// benchmarks run on are shared: next to ns/op (wall time), the benchmarks
// report cpu-ns/op, which other processes disturb much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRender is the cost of rendering the benchmark pages alone, as the
// session does (into a pooled buffer, then copied out): the yardstick for
// BenchmarkRenderDiff.
func BenchmarkRender(b *testing.B) {
	ctx := context.Background()
	for _, pg := range benchPages() {
		b.Run(pg.name, func(b *testing.B) {
			v := &flipView{a: pg.a, b: pg.b}
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				v.onB = !v.onB
				if _, err := renderView(ctx, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkRenderDiff is what an event costs the view goroutine once the
// handler has run: render, bring the kept tree up to date, diff, and encode
// the patch. Each iteration flips the page between its two states.
// patch-bytes is the size of the encoded ops from the first state to the
// second.
func BenchmarkRenderDiff(b *testing.B) {
	for _, pg := range benchPages() {
		b.Run(pg.name, func(b *testing.B) {
			h := NewHandler(func() View { return &flipView{a: pg.a, b: pg.b} }, nil)
			defer h.Close()
			s := h.newSession()
			defer s.end()
			v := s.view.(*flipView)
			if _, err := s.renderTree(s.ctx); err != nil {
				b.Fatal(err)
			}
			size := 0
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				v.onB = !v.onB
				patch, err := s.renderDiff()
				if err != nil {
					b.Fatal(err)
				}
				if patch == nil {
					b.Fatal("no patch for a changed page")
				}
				if v.onB {
					size = len(patch)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(size), "patch-bytes")
		})
	}
}

// BenchmarkDocMemory reports what a view keeps of its last render: html-B
// its size, kept-B the heap its Doc holds, rested-B what is left once the
// view rests (Options.HibernateAfter).
func BenchmarkDocMemory(b *testing.B) {
	for _, pg := range benchPages() {
		b.Run(pg.name, func(b *testing.B) {
			body, err := renderView(context.Background(), &flipView{a: pg.a, b: pg.b})
			if err != nil {
				b.Fatal(err)
			}
			const n = 16
			docs := make([]*htmldiff.Doc, n)
			var before, kept, rested runtime.MemStats
			for b.Loop() {
				runtime.GC()
				runtime.ReadMemStats(&before)
				for i := range docs {
					if docs[i], err = htmldiff.NewDoc(bytes.Clone(body)); err != nil {
						b.Fatal(err)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&kept)
				for _, d := range docs {
					d.Compact()
				}
				runtime.GC()
				runtime.ReadMemStats(&rested)
				clear(docs)
			}
			b.ReportMetric(float64(len(body)), "html-B")
			b.ReportMetric(float64(int64(kept.HeapAlloc-before.HeapAlloc)/n), "kept-B")
			b.ReportMetric(float64(int64(rested.HeapAlloc)-int64(before.HeapAlloc))/n, "rested-B")
		})
	}
}
