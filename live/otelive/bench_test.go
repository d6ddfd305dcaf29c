package otelive_test

import (
	"context"
	"log/slog"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
	"github.com/templive/templive/live/otelive"
)

// BenchmarkClick is a click through livetest (event frame, HandleEvent,
// render, diff, reply, patch applied) with no Observer and with otelive's,
// on the OpenTelemetry SDK: every span sampled and recorded, metrics
// aggregated by a reader nobody collects.
func BenchmarkClick(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { tp.Shutdown(context.Background()); mp.Shutdown(context.Background()) })
	obs, err := otelive.New(&otelive.Options{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		obs  *live.Observer
	}{{"nil", nil}, {"otel", obs}} {
		b.Run(bc.name, func(b *testing.B) {
			h := live.NewHandler(func() live.View { return &noteView{} }, &live.Options{
				Observer: bc.obs, EventRate: -1, Logger: slog.New(slog.DiscardHandler),
			})
			p := livetest.Open(b, h, "/notes/7")
			b.ReportAllocs()
			for b.Loop() {
				p.Click("#inc")
			}
		})
	}
}
