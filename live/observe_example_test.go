package live_test

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/templive/templive/live"
)

// ExampleObserver logs slow events. live/otelive makes an Observer that
// records OpenTelemetry spans and metrics instead.
func ExampleObserver() {
	obs := &live.Observer{
		Event: func(ctx context.Context, route, name string, received time.Time) (context.Context, func(error)) {
			return ctx, func(err error) {
				if took := time.Since(received); took > 100*time.Millisecond {
					slog.WarnContext(ctx, "slow event", "route", route, "event", name, "took", took, "err", err)
				}
			}
		},
		Dropped: func(ctx context.Context, route, reason string) {
			slog.WarnContext(ctx, "dropped", "route", route, "reason", reason)
		},
	}
	_ = live.NewHandler(func() live.View { return &Counter{} }, &live.Options{Observer: obs})
}

// ExampleNewDebugHandler serves a page, for operators, that lists the live
// views of the app's handlers by route with their queue depths.
func ExampleNewDebugHandler() {
	counters := live.NewHandler(func() live.View { return &Counter{} }, nil)
	mux := http.NewServeMux()
	mux.Handle("/counter", counters)
	// requireOperator is the app's own authentication middleware.
	mux.Handle("/debug/views", requireOperator(live.NewDebugHandler(nil, counters)))
}

func requireOperator(h http.Handler) http.Handler { return h }
