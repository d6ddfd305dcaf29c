package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/benchviews"
	"github.com/templive/templive/internal/htmldiff"
	"github.com/templive/templive/internal/protocol"
	"github.com/templive/templive/live"
)

// The table of the patch benchmark: benchviews.Table with benchRows rows,
// whose row benchEdited has its label cell changed on every other render.
const (
	benchRows   = 1000
	benchEdited = 500
	benchCell   = "#r-500 .col-label a"
)

// tableView is benchviews.Table (the htmldiff and live benchmarks' 1,000-row
// keyed table); each "toggle" event flips the label cell of one row between
// two values, so every render changes exactly one cell.
type tableView struct{ edited bool }

func (v *tableView) Render() templ.Component { return benchviews.Table(tableRows(v.edited)) }

func (v *tableView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	if e.Name != "toggle" {
		return live.ErrUnknownEvent
	}
	v.edited = !v.edited
	return nil
}

func tableRows(edited bool) []benchviews.Row {
	id := 0
	if edited {
		id = benchEdited
	}
	return benchviews.Rows(benchRows, false, id)
}

// patchTimer runs in the page before the client: it wraps the socket's
// onmessage so that each frame the client handles is timed with
// performance.now(), and keeps the times of those that carried patch ops
// (an event's reply [0, ref, ops, ...] or a patch [1, ops]): apply is the
// client's whole handling of the frame (JSON.parse, applyOps and its hooks,
// the reply's settling), layout the same plus a forced style and layout
// (reading offsetHeight), the work the browser does next anyway.
// step() sends one "toggle" event and resolves once its reply (carrying the
// patch) has been handled.
const patchTimer = `(() => {
  if (window.__patchBench) return;
  const bench = window.__patchBench = { apply: [], layout: [], ops: [], frames: 0 };
  const Native = window.WebSocket;
  const desc = Object.getOwnPropertyDescriptor(Native.prototype, "onmessage");
  window.WebSocket = class extends Native {
    get onmessage() { return desc.get.call(this); }
    set onmessage(fn) {
      desc.set.call(this, typeof fn !== "function" ? fn : (e) => {
        const t0 = performance.now();
        try {
          return fn.call(this, e);
        } finally {
          const t1 = performance.now();
          void document.body.offsetHeight;
          const t2 = performance.now();
          bench.frames++;
          const f = JSON.parse(e.data);
          const ops = f[0] === 0 ? f[2] : f[0] === 1 ? f[1] : null;
          if (Array.isArray(ops) && ops.length) {
            bench.apply.push(t1 - t0);
            bench.layout.push(t2 - t0);
            bench.ops.push(JSON.stringify(ops));
          }
        }
      });
    }
  };
  bench.step = () => new Promise((resolve, reject) =>
    window.templive.pages[0].push("toggle", {}, null, null, null,
      (err) => (err ? reject(new Error(err)) : resolve(true))));
})()`

// BenchmarkPatchApplyInBrowser measures how long the real client takes, in
// Chromium, to apply the patch that changes one cell of a 1,000-row table:
// the route of TestFixturesInBrowser (a live.Handler view, the real differ
// and wire, the built client from live.Assets), with the client's handling
// of each patch frame timed inside the page with performance.now(). Each
// iteration is one event round trip (which ns/op reports); the apply times
// are the metrics:
//
//	ms/apply         median time to apply one patch frame
//	p99-ms/apply     99th percentile
//	max-ms/apply     slowest
//	ms/apply+layout  median of apply plus the style and layout it causes
//
// The page is cross-origin isolated (COOP and COEP headers), which makes
// performance.now() precise to a few microseconds instead of 100 µs.
//
//	go test -run '^$' -bench PatchApplyInBrowser -benchtime 200x ./e2e
func BenchmarkPatchApplyInBrowser(b *testing.B) {
	want := expectedOps(b)

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := live.NewHandler(func() live.View { return &tableView{} }, &live.Options{
		Logger:    quiet,
		EventRate: -1, // a benchmark sends events as fast as they are answered
	})
	mux := http.NewServeMux()
	mux.Handle("/table", h)
	mux.Handle("/_templive/", live.Assets())
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		mux.ServeHTTP(w, r)
	}))
	b.Cleanup(func() { h.Close(); srv.Close() })

	ctx := newBrowser(b)
	console := consoleLog(b, ctx)
	run(b, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: patchTimer})
		return err
	}), chromedp.Navigate(srv.URL+"/table"))
	waitFor(b, ctx, "the live connection", connected)
	if n := eval[int](b, ctx, `document.querySelectorAll('[live-root] tbody tr').length`); n != benchRows {
		b.Fatalf("the page has %d rows, want %d", n, benchRows)
	}
	isolated := eval[bool](b, ctx, `window.crossOriginIsolated === true`)
	if !isolated {
		b.Log("the page is not cross-origin isolated: performance.now() is coarsened to 100 µs")
	}

	toggles := 0
	step := func() {
		toggles++
		tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`window.__patchBench.step()`, chromedp.EvalAwaitPromise)); err != nil {
			b.Fatalf("toggle %d: %v", toggles, err)
		}
	}
	// Warm up the JIT and the server's view; these applies are not counted.
	const warmup = 20
	for range warmup {
		step()
	}
	for b.Loop() {
		step()
	}
	b.StopTimer()

	// Every toggle was applied as one patch frame, and the frames carried
	// the ops that the Go differ makes for the change.
	type result struct {
		Apply  []float64 `json:"apply"`
		Layout []float64 `json:"layout"`
		Ops    []string  `json:"ops"`
	}
	res := eval[result](b, ctx, `({apply: __patchBench.apply, layout: __patchBench.layout, ops: __patchBench.ops})`)
	if len(res.Apply) != toggles {
		b.Fatalf("%d toggles gave %d patch frames", toggles, len(res.Apply))
	}
	for i, got := range res.Ops {
		if !sameJSON(got, want[i%2]) {
			b.Fatalf("patch %d = %s, want %s (from htmldiff)", i, got, want[i%2])
		}
	}
	wantText := "row 500 pretty red table"
	if toggles%2 == 1 {
		wantText = "edited & new"
	}
	if got := text(b, ctx, benchCell); got != wantText {
		b.Fatalf("after %d toggles %s shows %q, want %q", toggles, benchCell, got, wantText)
	}
	for _, m := range console() {
		if m.Type == chromedp.ConsoleWarning || m.Type == chromedp.ConsoleError || m.IsException() {
			b.Errorf("console %s: %s", m.Type, m.Text)
		}
	}

	apply := res.Apply[warmup:]
	layout := res.Layout[warmup:]
	b.ReportMetric(percentile(apply, 50), "ms/apply")
	b.ReportMetric(percentile(apply, 99), "p99-ms/apply")
	b.ReportMetric(slices.Max(apply), "max-ms/apply")
	b.ReportMetric(percentile(layout, 50), "ms/apply+layout")
	b.Logf("%d applies of a %d-byte patch (%s); apply ms: median %.3f, p90 %.3f, p99 %.3f, max %.3f; apply+layout ms: median %.3f, p99 %.3f; cross-origin isolated: %v",
		len(apply), len(want[0]), want[0], percentile(apply, 50), percentile(apply, 90), percentile(apply, 99), slices.Max(apply),
		percentile(layout, 50), percentile(layout, 99), isolated)
}

// expectedOps returns the encoded ops that the Go differ makes for the
// benchmark's two changes: the cell edited, then back.
func expectedOps(b *testing.B) [2]string {
	b.Helper()
	render := func(edited bool) []byte {
		var buf bytes.Buffer
		if err := benchviews.Table(tableRows(edited)).Render(context.Background(), &buf); err != nil {
			b.Fatal(err)
		}
		return buf.Bytes()
	}
	doc, err := htmldiff.NewDoc(render(false))
	if err != nil {
		b.Fatal(err)
	}
	var out [2]string
	for i, edited := range []bool{true, false} {
		ops, err := doc.Update(nil, render(edited))
		if err != nil {
			b.Fatal(err)
		}
		if len(ops) != 1 || ops[0].Kind != protocol.OpText {
			b.Fatalf("one changed cell diffs to %s, want one text op", protocol.AppendOps(nil, ops))
		}
		out[i] = string(protocol.AppendOps(nil, ops))
	}
	return out
}

// sameJSON tells whether two JSON texts hold the same value.
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// percentile returns the p-th percentile of xs (nearest rank).
func percentile(xs []float64, p float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}
