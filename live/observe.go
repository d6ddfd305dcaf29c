package live

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// An Observer hears what a Handler's views do, for tracing and metrics.
// live/otelive makes one that records OpenTelemetry spans and metrics;
// live itself depends on no telemetry library. Set it as Options.Observer;
// nil, the default, costs nothing. Every field may be nil, which turns that
// one off; new fields may be added, so build an Observer with field names.
//
// Concurrency: the funcs are called from many goroutines at once (every
// view's loop, every connection's reader, every GET) and must be safe for
// concurrent use. They run inline, most of them on a view's loop: a slow
// one slows that view, so record and return; hand anything slow (an
// export) to another goroutine. They must not call the view or its Conn.
// An end func returned by Mount, Event, Render or Diff is called exactly
// once, on the goroutine that started it.
//
// The route given to every func is the pattern of the http.ServeMux entry
// that served the view's page (http.Request.Pattern), or its URL path when
// no ServeMux pattern matched: mind that a path such as /invoice/42 makes
// one metric series per invoice.
type Observer struct {
	// Mount starts the mount of a view, for a GET or on a live join; ctx
	// is the request's. The context it returns is the one Mount gets; end
	// gets Mount's error.
	Mount func(ctx context.Context, route string) (context.Context, func(err error))

	// Event starts the handling of the browser event called name, which
	// the connection read at received. The context it returns is the one
	// HandleEvent gets, and the parent of the event's Render and Diff; end
	// is called once the reply is queued for the page, with HandleEvent's
	// error. received to end is the event's latency on the server.
	Event func(ctx context.Context, route, name string, received time.Time) (context.Context, func(err error))

	// Render starts one render of the view; end gets its error.
	Render func(ctx context.Context, route string) (end func(err error))

	// Diff starts the diff of a render against what the page shows; end
	// gets the size in bytes of the patch ops it produced (0 when nothing
	// changed) and its error.
	Diff func(ctx context.Context, route string) (end func(patchBytes int, err error))

	// Views is called with +1 when a view starts running live (its page
	// joined) and with -1 when it ends.
	Views func(route string, delta int)

	// Resumed is called when a page's new connection resumed its view
	// with its whole state.
	Resumed func(ctx context.Context, route string)

	// Recovered is called when a view was mounted afresh for a page that
	// rejoined (the server had lost it) and rebuilt from the page's forms;
	// forms is how many were replayed.
	Recovered func(ctx context.Context, route string, forms int)

	// Restored is called when a page that rejoined got its view back,
	// whole, from the snapshot the instance that closed saved (see
	// Snapshotter).
	Restored func(ctx context.Context, route string)

	// Crashed is called for every panic recovered in a view (see
	// Options.OnCrash, which receives the panic and its stack).
	Crashed func(ctx context.Context, route string)

	// Dropped is called when something meant for a view or its page was
	// dropped. reason is one of "mailbox full" (Conn.Send, a Topic's
	// delivery), "rate limited" (a client frame over Options.EventRate),
	// "slow client" (a page disconnected because it did not read its
	// frames), "push overflow" (a push while the page was away, over the
	// 64 kept) or "pubsub" (a Topic message that did not decode).
	Dropped func(ctx context.Context, route, reason string)
}

// Reasons given to Observer.Dropped.
const (
	dropMailbox = "mailbox full"
	dropRate    = "rate limited"
	dropSlow    = "slow client"
	dropPush    = "push overflow"
	dropPubSub  = "pubsub"
)

// The methods below are the only callers of an Observer's funcs: each does
// nothing, at the cost of a nil check, when the Observer or the field is
// nil, and returns nil end funcs then (end calls them only when set).

func (o *Observer) mount(ctx context.Context, route string) (context.Context, func(error)) {
	if o == nil || o.Mount == nil {
		return ctx, nil
	}
	return o.Mount(ctx, route)
}

func (o *Observer) event(ctx context.Context, route, name string, received time.Time) (context.Context, func(error)) {
	if o == nil || o.Event == nil {
		return ctx, nil
	}
	return o.Event(ctx, route, name, received)
}

func (o *Observer) render(ctx context.Context, route string) func(error) {
	if o == nil || o.Render == nil {
		return nil
	}
	return o.Render(ctx, route)
}

func (o *Observer) diff(ctx context.Context, route string) func(int, error) {
	if o == nil || o.Diff == nil {
		return nil
	}
	return o.Diff(ctx, route)
}

func (o *Observer) views(route string, delta int) {
	if o != nil && o.Views != nil {
		o.Views(route, delta)
	}
}

func (o *Observer) resumed(ctx context.Context, route string) {
	if o != nil && o.Resumed != nil {
		o.Resumed(ctx, route)
	}
}

func (o *Observer) recovered(ctx context.Context, route string, forms int) {
	if o != nil && o.Recovered != nil {
		o.Recovered(ctx, route, forms)
	}
}

func (o *Observer) restored(ctx context.Context, route string) {
	if o != nil && o.Restored != nil {
		o.Restored(ctx, route)
	}
}

func (o *Observer) crashed(ctx context.Context, route string) {
	if o != nil && o.Crashed != nil {
		o.Crashed(ctx, route)
	}
}

func (o *Observer) dropped(ctx context.Context, route, reason string) {
	if o != nil && o.Dropped != nil {
		o.Dropped(ctx, route, reason)
	}
}

// wantsTime reports whether events must be stamped when read.
func (o *Observer) wantsTime() bool { return o != nil && o.Event != nil }

// routeOf is the route of a request, for an Observer.
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return r.URL.Path
}

// errPanicked is the error an Observer's end func gets for work that
// panicked.
var errPanicked = errors.New("live: panicked")

// ended calls end with *errp, or with errPanicked when the work panicked,
// and lets the panic go on to the view's recovery. Defer it directly: it
// recovers.
func ended(end func(error), errp *error) {
	if p := recover(); p != nil {
		end(errPanicked)
		panic(p)
	}
	end(*errp)
}

// renderBody renders the view, observed.
func (s *session) renderBody(ctx context.Context) (body []byte, err error) {
	if end := s.h.opts.Observer.render(ctx, s.route); end != nil {
		defer ended(end, &err)
	}
	return s.comps.renderView(ctx, s.view) // and keeps its components (component.go)
}

// opCtx is the context of the loop's current work: the Observer's for an
// event, else the view's own.
func (s *session) opCtx() context.Context {
	if s.octx != nil {
		return s.octx
	}
	return s.ctx
}

// crashDuring names what the view did when it panicked on m (Crash.During)
// and the event's name, for an event.
func crashDuring(m message) (during, event string) {
	switch m := m.(type) {
	case eventMsg:
		return "event", m.e.Name
	case attachMsg:
		return "join", ""
	case resyncMsg:
		return "render", ""
	default:
		return "message", ""
	}
}
