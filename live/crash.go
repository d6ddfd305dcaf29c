package live

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
)

// A Crash is a panic recovered in a view, as Options.OnCrash receives it.
type Crash struct {
	// Path is the URL path of the view's page.
	Path string
	// Route is the view's route, as Observer funcs receive it: the
	// ServeMux pattern of its page, or its URL path.
	Route string
	// View is the view's type, as fmt's %T prints it.
	View string
	// During says what the view was doing: "mount" (Mount, on a GET or a
	// join), "render" (the GET's render or layout), "event" (a browser
	// event and the render after it), "join", "message" (HandleInfo,
	// HandleAsync, and their render), "task" (an async task: the view
	// carries on, HandleAsync gets a *PanicError) or "pubsub" (decoding a
	// Topic's message, which is dropped).
	During string
	// Event is the browser event's name when During is "event".
	Event string
	// Value is what the callback passed to panic.
	Value any
	// Stack is the panicking goroutine's stack.
	Stack []byte
}

// maxCrashReports bounds the OnCrash calls running at once: a crash storm
// (every view of a route panicking on the same bad input) must not grow
// goroutines without bound behind a slow reporter.
const maxCrashReports = 16

// crashReports counts the OnCrash calls running.
type crashReports struct{ running atomic.Int32 }

// reportCrash logs nothing (its callers log, with their own words) but
// tells Observer.Crashed at once and hands the crash to Options.OnCrash on
// a goroutine of its own, so that a slow reporter never holds up the view
// loop or the response. Reports beyond maxCrashReports running at once are
// dropped with a warning.
func (h *Handler) reportCrash(ctx context.Context, s *session, during, event string, value any, stack []byte) {
	route, path := "", ""
	if s != nil {
		route, path = s.route, s.path
	}
	h.opts.Observer.crashed(ctx, route)
	hook := h.opts.OnCrash
	if hook == nil {
		return
	}
	if stack == nil {
		stack = debug.Stack()
	}
	c := Crash{Path: path, Route: route, During: during, Event: event, Value: value, Stack: stack}
	if s != nil {
		c.View = fmt.Sprintf("%T", s.view)
	}
	if h.crashes.running.Add(1) > maxCrashReports {
		h.crashes.running.Add(-1)
		h.log.WarnContext(ctx, "live: crash report dropped: too many running", "path", path, "max", maxCrashReports)
		return
	}
	go func() {
		defer h.crashes.running.Add(-1)
		defer func() {
			if p := recover(); p != nil {
				h.log.Error("live: OnCrash panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}()
		hook(c)
	}()
}
