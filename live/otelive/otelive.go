// Package otelive records what templive's live views do as OpenTelemetry
// spans and metrics. New returns a *live.Observer; set it as
// live.Options.Observer:
//
//	obs, err := otelive.New(nil) // the global providers
//	if err != nil { … }
//	h := live.NewHandler(newView, &live.Options{Observer: obs})
//
// It is a module of its own, so that an app that does not use it does not
// get OpenTelemetry in its module graph.
//
// # Spans
//
// "templive.mount" spans Mount (on a GET, a child of the request's span
// when the app's HTTP middleware made one, and on a live join); its
// context is Mount's. "templive.event NAME" spans a browser event from the
// moment its frame was read to the moment its reply was queued; its
// context is HandleEvent's, so spans the view starts are its children.
// "templive.render" and "templive.diff" span a render and its diff, and
// are recorded only as children of another span: renders that follow a
// message or a timer would otherwise make a trace each. Spans carry the
// attribute templive.route, events templive.event, diffs
// templive.patch.bytes; an error ends its span with status Error.
//
// # Metrics
//
//	templive.views             UpDownCounter  live views
//	templive.events            Counter        browser events handled (rate: events/s)
//	templive.event.duration    Histogram (s)  event latency on the server, frame read to reply queued
//	templive.patch.size        Histogram (By) patch ops sent for a change
//	templive.resumes           Counter        pages that resumed their view whole
//	templive.recoveries        Counter        views mounted afresh and rebuilt from the page's forms
//	templive.restores          Counter        views restored whole from a snapshot (live.Snapshotter)
//	templive.crashes           Counter        panics recovered in views
//	templive.dropped           Counter        messages and frames dropped, by templive.reason
//
// Every metric has the attribute templive.route (the ServeMux pattern);
// events also templive.event and templive.error (whether HandleEvent
// failed). An event the view does not handle (live.ErrUnknownEvent) is
// recorded under the name "(unknown)": event names come from the browser,
// and a hostile one must not create a series per name.
package otelive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/templive/templive/live"
)

// ScopeName is the instrumentation scope of otelive's tracer and meter.
const ScopeName = "github.com/templive/templive/live/otelive"

// Options configure New. A nil *Options uses the defaults.
type Options struct {
	// TracerProvider makes the tracer. Default otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider makes the meter. Default otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
}

// unknownEvent is the name events the view did not handle are recorded
// under.
const unknownEvent = "(unknown)"

// Attribute keys.
const (
	keyRoute  = attribute.Key("templive.route")
	keyEvent  = attribute.Key("templive.event")
	keyError  = attribute.Key("templive.error")
	keyReason = attribute.Key("templive.reason")
	keyBytes  = attribute.Key("templive.patch.bytes")
)

type recorder struct {
	tracer     trace.Tracer
	views      metric.Int64UpDownCounter
	events     metric.Int64Counter
	latency    metric.Float64Histogram
	patchSize  metric.Int64Histogram
	resumes    metric.Int64Counter
	recoveries metric.Int64Counter
	restores   metric.Int64Counter
	crashes    metric.Int64Counter
	dropped    metric.Int64Counter
}

// New returns an Observer that records templive's spans and metrics with
// the providers of opts (see the package documentation for what). It
// returns an error if an instrument cannot be created. The Observer is
// safe for concurrent use, as live requires; what it records is exported
// by the providers' own processors and readers, never on the view's
// goroutine.
func New(opts *Options) (*live.Observer, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TracerProvider == nil {
		o.TracerProvider = otel.GetTracerProvider()
	}
	if o.MeterProvider == nil {
		o.MeterProvider = otel.GetMeterProvider()
	}
	m := o.MeterProvider.Meter(ScopeName)
	r := &recorder{tracer: o.TracerProvider.Tracer(ScopeName)}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	var err error
	r.views, err = m.Int64UpDownCounter("templive.views", metric.WithDescription("Live views."), metric.WithUnit("{view}"))
	add(err)
	r.events, err = m.Int64Counter("templive.events", metric.WithDescription("Browser events handled."), metric.WithUnit("{event}"))
	add(err)
	r.latency, err = m.Float64Histogram("templive.event.duration", metric.WithDescription("Event latency on the server: frame read to reply queued."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
	add(err)
	r.patchSize, err = m.Int64Histogram("templive.patch.size", metric.WithDescription("Patch ops sent for a change."), metric.WithUnit("By"),
		metric.WithExplicitBucketBoundaries(32, 64, 128, 256, 512, 1024, 4096, 16384, 65536, 262144))
	add(err)
	r.resumes, err = m.Int64Counter("templive.resumes", metric.WithDescription("Pages that resumed their view whole."), metric.WithUnit("{resume}"))
	add(err)
	r.recoveries, err = m.Int64Counter("templive.recoveries", metric.WithDescription("Views mounted afresh and rebuilt from the page's forms."), metric.WithUnit("{recovery}"))
	add(err)
	r.restores, err = m.Int64Counter("templive.restores", metric.WithDescription("Views restored whole from the snapshot an instance saved as it closed."), metric.WithUnit("{restore}"))
	add(err)
	r.crashes, err = m.Int64Counter("templive.crashes", metric.WithDescription("Panics recovered in views."), metric.WithUnit("{crash}"))
	add(err)
	r.dropped, err = m.Int64Counter("templive.dropped", metric.WithDescription("Messages and frames dropped."), metric.WithUnit("{message}"))
	add(err)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("otelive: %w", err)
	}
	return &live.Observer{
		Mount:     r.mount,
		Event:     r.event,
		Render:    r.render,
		Diff:      r.diff,
		Views:     r.viewsChanged,
		Resumed:   func(ctx context.Context, route string) { r.resumes.Add(ctx, 1, routeOpt(route)) },
		Recovered: func(ctx context.Context, route string, forms int) { r.recoveries.Add(ctx, 1, routeOpt(route)) },
		Restored:  func(ctx context.Context, route string) { r.restores.Add(ctx, 1, routeOpt(route)) },
		Crashed:   func(ctx context.Context, route string) { r.crashes.Add(ctx, 1, routeOpt(route)) },
		Dropped: func(ctx context.Context, route, reason string) {
			r.dropped.Add(ctx, 1, metric.WithAttributes(keyRoute.String(route), keyReason.String(reason)))
		},
	}, nil
}

func routeOpt(route string) metric.MeasurementOption {
	return metric.WithAttributes(keyRoute.String(route))
}

func (r *recorder) mount(ctx context.Context, route string) (context.Context, func(error)) {
	ctx, span := r.tracer.Start(ctx, "templive.mount", trace.WithAttributes(keyRoute.String(route)))
	return ctx, func(err error) { end(span, err) }
}

func (r *recorder) event(ctx context.Context, route, name string, received time.Time) (context.Context, func(error)) {
	ctx, span := r.tracer.Start(ctx, "templive.event "+name, trace.WithTimestamp(received),
		trace.WithAttributes(keyRoute.String(route), keyEvent.String(name)))
	return ctx, func(err error) {
		if errors.Is(err, live.ErrUnknownEvent) {
			name = unknownEvent
			span.SetName("templive.event " + unknownEvent)
		}
		attrs := metric.WithAttributes(keyRoute.String(route), keyEvent.String(name), keyError.Bool(err != nil))
		r.events.Add(context.Background(), 1, attrs)
		r.latency.Record(context.Background(), time.Since(received).Seconds(), attrs)
		end(span, err)
	}
}

func (r *recorder) render(ctx context.Context, route string) func(error) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return nil
	}
	_, span := r.tracer.Start(ctx, "templive.render", trace.WithAttributes(keyRoute.String(route)))
	return func(err error) { end(span, err) }
}

func (r *recorder) diff(ctx context.Context, route string) func(int, error) {
	var span trace.Span
	if trace.SpanContextFromContext(ctx).IsValid() {
		_, span = r.tracer.Start(ctx, "templive.diff", trace.WithAttributes(keyRoute.String(route)))
	}
	return func(n int, err error) {
		if n > 0 {
			r.patchSize.Record(context.Background(), int64(n), routeOpt(route))
		}
		if span != nil {
			span.SetAttributes(keyBytes.Int(n))
			end(span, err)
		}
	}
}

func (r *recorder) viewsChanged(route string, delta int) {
	r.views.Add(context.Background(), int64(delta), routeOpt(route))
}

func end(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
