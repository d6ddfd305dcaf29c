package otelive_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/a-h/templ"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
	"github.com/templive/templive/live/otelive"
)

// noteView counts clicks, fails on "nope", panics on "boom", and keeps a
// form the page recovers after a restart.
type noteView struct {
	count int
	note  string
}

func (v *noteView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="count">%d</p><p id="note">%s</p>`+
			`<button id="inc" live-click="inc">+</button><button id="nope" live-click="nope">?</button><button id="boom" live-click="boom">!</button>`+
			`<form id="f" live-change="note"><input id="text" name="text" value="%s"></form>`,
			v.count, templ.EscapeString(v.note), templ.EscapeString(v.note))
		return err
	})
}

func (v *noteView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.note = "note " + r.PathValue("id")
	return nil
}

func (v *noteView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		v.count++
	case "note":
		v.note = e.Get("text")
	case "boom":
		panic("boom")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

type telemetry struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	obs    *live.Observer
}

func newTelemetry(t *testing.T) *telemetry {
	t.Helper()
	tel := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tel.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	t.Cleanup(func() { tp.Shutdown(context.Background()); mp.Shutdown(context.Background()) })
	obs, err := otelive.New(&otelive.Options{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	tel.obs = obs
	return tel
}

// serve serves noteView at the ServeMux pattern /notes/{id}.
func (tel *telemetry) serve(t *testing.T, secret string) http.Handler {
	t.Helper()
	mux, _ := tel.serveHandler(t, secret)
	return mux
}

func (tel *telemetry) serveHandler(t *testing.T, secret string) (http.Handler, *live.Handler) {
	t.Helper()
	h := live.NewHandler(func() live.View { return &noteView{} }, &live.Options{
		Observer: tel.obs,
		Secrets:  [][]byte{[]byte(secret)},
		Logger:   slog.New(slog.DiscardHandler),
	})
	t.Cleanup(func() { h.Close() })
	mux := http.NewServeMux()
	mux.Handle("/notes/{id}", h)
	return mux, h
}

// sum is the value of the sum metric called name for the attributes
// attrs, or -1 when there is none.
func (tel *telemetry) sum(t *testing.T, name string, attrs ...attribute.KeyValue) int64 {
	t.Helper()
	m := tel.metric(t, name)
	if m == nil {
		return -1
	}
	set := attribute.NewSet(attrs...)
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if dp.Attributes.Equals(&set) {
			return dp.Value
		}
	}
	return -1
}

// histogram is the count and sum of the histogram called name for attrs.
func histogram[N int64 | float64](t *testing.T, tel *telemetry, name string, attrs ...attribute.KeyValue) (uint64, N) {
	t.Helper()
	m := tel.metric(t, name)
	if m == nil {
		return 0, 0
	}
	set := attribute.NewSet(attrs...)
	for _, dp := range m.Data.(metricdata.Histogram[N]).DataPoints {
		if dp.Attributes.Equals(&set) {
			return dp.Count, dp.Sum
		}
	}
	return 0, 0
}

func (tel *telemetry) metric(t *testing.T, name string) *metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := tel.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != otelive.ScopeName {
			continue
		}
		for i := range sm.Metrics {
			if sm.Metrics[i].Name == name {
				return &sm.Metrics[i]
			}
		}
	}
	return nil
}

func (tel *telemetry) ended(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range tel.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit()
		}
	}
	return ""
}

var route = attribute.String("templive.route", "/notes/{id}")

func TestClicksMakeSpansAndMetrics(t *testing.T) {
	tel := newTelemetry(t)
	mux, h := tel.serveHandler(t, "one secret for the test's instances")
	p := livetest.Open(t, mux, "/notes/7")
	p.Click("#inc")
	p.Click("#inc")
	if got := p.Text("#count"); got != "2" {
		t.Fatalf("#count = %q", got)
	}

	// Spans: one mount (the GET's, adopted by the join), one per event,
	// with the event's render and diff as its children.
	if n := len(tel.ended("templive.mount")); n != 1 {
		t.Errorf("%d mount spans, want 1", n)
	}
	// An event's span ends, and its metrics are recorded, just after its
	// reply is on its way to the page.
	waitFor(t, "two event spans", func() bool { return len(tel.ended("templive.event inc")) == 2 })
	events := tel.ended("templive.event inc")
	if len(events) != 2 {
		t.Fatalf("%d spans templive.event inc, want 2; spans: %v", len(events), names(tel.spans.Ended()))
	}
	for _, ev := range events {
		if attr(ev, "templive.route") != "/notes/{id}" || attr(ev, "templive.event") != "inc" {
			t.Errorf("event span attributes %v", ev.Attributes())
		}
		var children []string
		for _, s := range tel.spans.Ended() {
			if s.Parent().SpanID() == ev.SpanContext().SpanID() {
				children = append(children, s.Name())
				if s.Name() == "templive.diff" && attr(s, "templive.patch.bytes") == "0" {
					t.Errorf("the diff of a click that changed the count says 0 bytes")
				}
			}
		}
		if !slices.Equal(children, []string{"templive.render", "templive.diff"}) {
			t.Errorf("children of an event span: %v, want its render and diff", children)
		}
	}

	// Metrics.
	inc := []attribute.KeyValue{route, attribute.String("templive.event", "inc"), attribute.Bool("templive.error", false)}
	if got := tel.sum(t, "templive.events", inc...); got != 2 {
		t.Errorf("templive.events{inc} = %d, want 2", got)
	}
	if n, sum := histogram[float64](t, tel, "templive.event.duration", inc...); n != 2 || sum <= 0 {
		t.Errorf("templive.event.duration{inc}: count %d sum %v, want 2 events that took some time", n, sum)
	}
	if n, sum := histogram[int64](t, tel, "templive.patch.size", route); n != 2 || sum <= 0 {
		t.Errorf("templive.patch.size: count %d sum %d, want 2 patches", n, sum)
	}
	if got := tel.sum(t, "templive.views", route); got != 1 {
		t.Errorf("templive.views = %d, want 1 live view", got)
	}
	h.Close()
	waitSum(t, tel, "templive.views", 0)
}

// An event the view does not handle is recorded as "(unknown)", whatever
// name the browser sent, with the error; a crash, a resume and a form
// recovery after a restart are counted, and views go down as they end.
func TestErrorsCrashesResumesRecoveries(t *testing.T) {
	tel := newTelemetry(t)
	srv := livetest.NewServer(t, tel.serve(t, "one secret for the test's instances"))
	p := srv.Open("/notes/7")

	p.ExpectError(func() { p.Click("#nope") })
	unknown := []attribute.KeyValue{route, attribute.String("templive.event", "(unknown)"), attribute.Bool("templive.error", true)}
	waitFor(t, "the unknown event's span", func() bool { return len(tel.ended("templive.event (unknown)")) == 1 })
	if got := tel.sum(t, "templive.events", unknown...); got != 1 {
		t.Errorf("templive.events{(unknown), error} = %d, want 1", got)
	}
	if s := tel.ended("templive.event (unknown)"); len(s) != 1 || s[0].Status().Code.String() != "Error" {
		t.Errorf("unknown event spans: %v", names(tel.spans.Ended()))
	}

	p.Disconnect()
	p.Reconnect()
	if got := tel.sum(t, "templive.resumes", route); got != 1 {
		t.Errorf("templive.resumes = %d, want 1", got)
	}

	p.Change("#text", "kept")
	srv.Restart(tel.serve(t, "one secret for the test's instances")) // the views are lost
	p.Reconnect()
	if got := p.Value("#text"); got != "kept" {
		t.Fatalf("#text = %q after the restart", got)
	}
	waitSum(t, tel, "templive.recoveries", 1)

	p.ExpectError(func() { p.Click("#boom") })
	waitSum(t, tel, "templive.crashes", 1)
	waitFor(t, "the crashed event's span", func() bool { return len(tel.ended("templive.event boom")) == 1 })
	if s := tel.ended("templive.event boom"); len(s) != 1 || s[0].Status().Code.String() != "Error" {
		t.Errorf("the crashed event's span: %v", names(tel.spans.Ended()))
	}
}

func waitSum(t *testing.T, tel *telemetry, name string, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for tel.sum(t, name, route) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s = %d, want %d", name, tel.sum(t, name, route), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitFor polls cond until it holds, for what happens on the server just
// after the page has its answer.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}
