package live

import (
	"context"
	"errors"
	"net/http"

	"github.com/a-h/templ"
)

// A View is a Go value holding one live page's state. The Handler creates a
// view per page load, mounts it, and renders it after every callback.
//
// All of a view's methods run on one goroutine, one at a time, so a view
// needs no locks for its own fields. A view must not be shared between
// pages.
type View interface {
	// Render returns the component for the view's current state. It is
	// called after Mount and after every callback, and must not change
	// the view.
	Render() templ.Component
}

// A Mounter is a View that initialises itself from the request. Mount runs
// once per page: for the plain HTTP GET, and again only if the server lost
// the view before the page's live connection joined (a restart, another
// node, an expired adoption window). c.Connected reports which case it is.
//
// r is the GET request, or the WebSocket upgrade request for the same URL,
// so the app's middleware has run and its context values are in
// r.Context(). An error aborts the page: a GET answers 500, a join closes
// the connection. ErrNotFound and ErrForbidden refuse it instead (404 or
// 403 with Options.ErrorPage), and Conn.Redirect sends it elsewhere.
type Mounter interface {
	Mount(ctx context.Context, c *Conn, r *http.Request) error
}

// An EventHandler is a View that handles events from the browser. An error
// is reported to the client (its console shows it) and logged; the view
// keeps running and is rendered as usual. Return ErrUnknownEvent for an
// event the view does not handle.
type EventHandler interface {
	HandleEvent(ctx context.Context, c *Conn, e Event) error
}

// An InfoHandler is a View that handles messages sent to it with Conn.Send,
// from timers, background work or other views. An error is logged.
type InfoHandler interface {
	HandleInfo(ctx context.Context, c *Conn, msg any) error
}

// Errors a view's callbacks can return or test for.
var (
	// ErrUnknownEvent is returned by a view for an event it does not
	// handle. The client is told the event's name.
	ErrUnknownEvent = errors.New("live: unknown event")
	// ErrBadValue is wrapped by Event accessors when a value is missing
	// or does not parse as the type asked for.
	ErrBadValue = errors.New("live: bad event value")
	// ErrNotConnected is returned by Conn.Send when the view has ended.
	ErrNotConnected = errors.New("live: view not connected")
	// ErrMailboxFull is returned by Conn.Send when the view's mailbox is
	// full: the view is not keeping up and the message was dropped.
	ErrMailboxFull = errors.New("live: mailbox full")
)
