// Package live builds server-driven, real-time web pages in Go, with no
// hand-written JavaScript: the Go answer to Phoenix LiveView.
//
// A page's state is a Go value, a View. The first request gets a complete
// server-rendered HTML page, readable without JavaScript. The page's small
// client then opens a WebSocket on the same URL; browser events reach the
// view's Go methods, the view re-renders with templ, and the server sends
// only what changed: a handful of patch ops, computed by diffing the new
// HTML against what the browser already has.
//
//	type Counter struct{ Count int }
//
//	func (c *Counter) Render() templ.Component { return counterPage(c.Count) }
//
//	func (c *Counter) HandleEvent(ctx context.Context, conn *live.Conn, e live.Event) error {
//		switch e.Name {
//		case "inc":
//			c.Count++
//		default:
//			return live.ErrUnknownEvent
//		}
//		return nil
//	}
//
//	mux.Handle("/counter", live.NewHandler(func() live.View { return &Counter{} }, nil))
//
// with, in counter.templ, a button <button live-click="inc">+</button>.
//
// # Lifecycle
//
// A GET creates a view with the handler's constructor, calls Mount if the
// view is a Mounter, renders it into the layout and keeps it for a short
// while (Options.AdoptTimeout). The page's live connection joins with a
// signed token and adopts that same view: Mount runs once per page, not
// twice. If the view is gone (the server restarted, another instance serves
// the connection, the page waited too long), the view is mounted afresh
// from the upgrade request, the page's forms are replayed to it (see
// Forms), and the page is brought up to date.
//
// When a connection drops, the view keeps running for Options.ResumeTimeout:
// a page that reconnects in time resumes it with its whole state, and events
// the user triggered while offline are delivered once.
//
// # Events
//
// Attributes in the rendered HTML bind browser events to the view:
// live-click="name" on any element, live-change and live-submit on a form.
// An element's live-value-* attributes become the event's values; a form
// event carries every field. HandleEvent gets them as an Event, with typed
// accessors (Int, Float, Bool) that return errors wrapping ErrBadValue
// rather than panicking. An error returned from HandleEvent is shown in the
// browser console and logged; the view keeps running.
//
// # Forms
//
// When a page rejoins a server that no longer has its view, every form with
// an id and a live-change binding sends its current values as a change event
// before the page is re-rendered, so state that lived in the form survives a
// restart or deploy.
//
// # Concurrency
//
// Each view runs on its own goroutine: Mount, HandleEvent, HandleInfo and
// Render are never called concurrently for one view, so a view needs no
// locks for its own state. Other goroutines reach a view with Conn.Send,
// which never blocks. Every queue is bounded: a view's mailbox, a
// connection's outbound frames (a client that stops reading is
// disconnected), the size of a frame (Options.ReadLimit), the views waiting
// for adoption or resumption.
//
// A panic in a view's callback is recovered and logged with its stack; that
// view ends and its page reconnects to a fresh one, recovering its forms.
// The server and every other view carry on.
//
// # Security
//
// Live connections are refused across origins unless Options.OriginPatterns
// allows them, and the upgrade is an ordinary request to the page's URL, so
// the app's authentication middleware and SameSite cookies protect it as
// they protect the page. Tokens are HMAC-signed (Options.Secrets, with
// rotation) and tie a connection to one page of one route. Text reaches the
// browser as text, never as markup, and the client needs no inline script
// and no eval: a strict Content-Security-Policy works.
package live
