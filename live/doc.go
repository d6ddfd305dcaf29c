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
// while ([Options.AdoptTimeout]). The page's live connection joins with a
// signed token and adopts that same view: Mount runs once per page, not
// twice. If the view is gone (the server restarted, another instance serves
// the connection, the page waited too long), the view is mounted afresh
// from the upgrade request, the page's forms are replayed to it (see
// Reconnects and form recovery), and the page is brought up to date.
//
// When a connection drops, the view keeps running for [Options.ResumeTimeout]:
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
// More bindings: live-click-away (a click outside the element while it is
// visible), live-keydown and live-keyup (live-key="Enter" filters on one
// key), live-focus and live-blur, and live-window-keydown, -keyup, -focus
// and -blur, which hear the whole window. Key events carry "key" and, as
// "true", each modifier held ("altKey", "ctrlKey", "metaKey", "shiftKey");
// a form's change carries the changed field's name (Event.Target).
//
// On any binding, live-debounce="300" sends an event only once 300 ms pass
// without another (or when the field loses focus; "blur" waits for that),
// and live-throttle="300" sends at once and then at most once per 300 ms,
// the last held-back event at the end of its window. A form's pending
// debounced change is sent before its submit. While an event awaits the
// view, the element that fired it has the class live-click-loading (the
// binding's name and "-loading"), and an element with
// live-disable-with="Saving…" (or, for a submit, such a button of the form)
// shows that text and is disabled.
//
// # JS commands
//
// A binding can run commands in the browser instead of, or besides,
// sending an event: toggling classes, showing, hiding, setting attributes,
// focusing, dispatching DOM events. Build a chain with package live/js and
// put it where an event name goes; js.Send sends a server event from the
// chain.
//
//	templ card(title string) {
//		<li class="card" live-click={ expand }>…</li>
//	}
//
//	var expand = js.
//		ToggleClass("hidden", js.Inner(".details")).
//		ToggleClass("rotate-180", js.Inner(".chevron"), js.Transition("turning"), js.Time(300*time.Millisecond))
//
// A chain without Send, Patch or Navigate never uses the connection. Targets are the element
// itself, To (selectors), Closest or Inner (relative to the element, so one
// chain serves every item of a list). What commands change on an element is
// sticky: server patches of that element keep it. A chain is JSON data that
// the client interprets, not script, so a strict Content-Security-Policy
// holds; a malformed chain or a target that matches nothing is a console
// warning naming the element.
//
// # Dialogs, focus and lifecycle bindings
//
// Chains also run on an element's life and the connection's:
// live-mounted when the element appears (page load, or added by a patch,
// once the patch is applied), live-remove just before a patch removes it,
// live-connected and live-disconnected when the connection joins and drops.
// live-confirm="Sure?" makes a click or submit binding ask confirm() first;
// live-ignore-attributes="open" keeps those attributes as the page has them
// through patches (a <details> the user opened); live-focus-wrap makes Tab
// and Shift+Tab cycle inside the container. With js.PushFocus,
// js.FocusFirst and js.PopFocus they make a modal that takes the focus and
// gives it back:
//
//	<button live-click={ js.PushFocus().Send("ask") }>Delete</button>
//	if v.Asking != nil {
//		<div class="modal" live-mounted={ js.Show().FocusFirst() } live-remove={ js.PopFocus() }>
//			<div role="dialog" live-focus-wrap live-keydown="cancel" live-key="Escape">…</div>
//		</div>
//	}
//
// # Reconnects and form recovery
//
// The client reconnects with backoff and shows the connection's state with
// classes on the live root (live-loading, live-connected,
// live-disconnected after half a second down, live-error), each also
// dispatched as a bubbling DOM event, templive:connected and so on, for a
// banner. What the page keeps depends on what the server still has:
//
//   - A network drop: the view waited for its page ([Options.ResumeTimeout],
//     at most [Options.MaxDetached] views) and is resumed with its whole
//     state; no Mount, no form replay. Events the user triggered while
//     offline are sent after the rejoin, in order; an event whose reply was
//     lost is re-sent with the same reference and applied at most once.
//   - The view is gone (the grace period passed, a restart, a deploy,
//     another instance): the view is mounted afresh, and every form with an
//     id and a live-change binding has its current values applied as that
//     change event (or the event its live-auto-recover attribute names;
//     live-auto-recover="ignore" opts out) before the first render, so what
//     lived in the forms is rebuilt from the page with no flicker, and the
//     fields keep what the user typed. Other state is lost: keep what must
//     survive a restart in forms, the URL or a store. A recovery event is
//     an ordinary HandleEvent call: values that fail validation are handled
//     as for any change, and an error is logged and shown in the browser
//     console without failing the join. Give each form a stable id.
//   - The view was saved by an instance that closed gracefully, with
//     [Options.Store] set: it is restored whole (see Deploys).
//   - The token does not verify ([Options.Secrets] changed, or it was
//     tampered with): nothing is mounted and the page reloads, once.
//
// Recovery needs the page's token to verify after a restart: set
// [Options.Secrets] to the same secret on every instance and across
// restarts. With the default random secret, pages reload instead.
//
// # Deploys
//
// A view whose state lives in no form survives a deploy when it is a
// Snapshotter and [Options.Store] is set, the same Store on every instance
// (live/natspubsub has one on NATS JetStream):
//
//	func (c *Counter) Snapshot() ([]byte, error) { return json.Marshal(c) }
//
//	func (c *Counter) Restore(ctx context.Context, conn *live.Conn, data []byte) error {
//		return json.Unmarshal(data, c)
//	}
//
// Handler.Close, on a graceful shutdown, asks each view for its Snapshot,
// on the view's goroutine after the events it had queued, puts it in the
// Store under the view's id, and only then ends the view, so that its page
// reconnects once its state is saved. The page's rejoin, on any instance
// (this one once it is back, or another behind the same load balancer),
// finds no view, takes the snapshot from the Store (at most once: the Take
// deletes it), runs the OnMount hooks for the join's request and calls
// Restore in place of Mount, then HandleParams with the page's URL. The
// page gets one render of the whole view, its forms are not replayed, and
// an event it re-sends because the reply was lost is not applied twice.
// Anything else (no snapshot, one of another route or view type, over
// [Options.MaxSnapshot], an error or panic in Restore: logged) mounts
// afresh and recovers the forms, as without a Store. Close waits for the
// Store at most [Options.StoreTimeout], whatever its number of views.
//
// State is saved on a graceful Close only: a crash (kill -9, a lost
// machine) saves nothing, and the pages recover their forms. A dropped
// connection does not save either: the view waits on its instance for
// [Options.ResumeTimeout].
//
// In tests, livetest's Server.Deploy closes the old handler before the
// new one serves, so that Page.Reconnect shows what a page keeps.
//
// [Options.AssetVersion] names the version of the app's static assets.
// Pages carry it, with the version of templive's client, in their token;
// a page that rejoins an instance serving other assets reloads, once, to
// load them (its in-memory state then is lost, as for any reload).
//
// # PubSub
//
// Views broadcast to each other through a PubSub: a chat, a dashboard, a
// shared board. A Topic ties a name to a Go type; a view subscribes with
// Topic.Subscribe (usually in Mount) and receives each message as that type
// in HandleInfo, in its loop like any message; anything publishes with
// Topic.Publish: views (with c.PubSub()), HTTP handlers, background jobs.
// Subscriptions end with the view. Messages travel as JSON, so a topic's
// messages look the same in process and across machines.
//
//	var lobby = live.NewTopic[Said]("chat:lobby")
//
//	func (r *Room) Mount(ctx context.Context, c *live.Conn, req *http.Request) error {
//		return lobby.Subscribe(c)
//	}
//
//	func (r *Room) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
//		if s, ok := msg.(Said); ok {
//			r.Lines = append(r.Lines, s)
//		}
//		return nil
//	}
//
// [Options.PubSub] is in-process by default, and per Handler: give every
// Handler of the app the same value (NewLocalPubSub, or the NATS adapter
// in live/natspubsub to span several instances). Delivery never blocks a
// publisher and is at most once: a message for a view whose mailbox is
// full is dropped and logged, and one that does not decode is logged and
// dropped without disturbing the rest.
//
// # Streams
//
// A list that only grows (a chat, a feed, a log, thousands of rows) need
// not live in the view. A Stream keeps an item only until the render that
// sends it: the page keeps the items, the view keeps nothing per item, and
// a new item costs the same render and diff after a million as after one.
//
//	<ul id="messages" { v.Messages.Attrs()... } live-viewport-bottom="more">
//		for id, m := range v.Messages.Items() {
//			<li id={ id }>{ m.Text }</li>
//		}
//	</ul>
//
// Insert puts an item at the start, the end or an index (an item whose DOM
// id the page shows is updated in place), Delete and DeleteID remove one,
// Reset empties the list, SetLimit keeps the first or the last n. The
// container's children are the client's: the differ never compares them
// with the last render, it sends each render's items as one stream op.
//
// Without a Stream, live-update="append" or "prepend" on an element with
// an id keeps its children too: each render's children are added at the
// end or the start, and those with the id of one the page shows update it.
//
// live-viewport-bottom="event" (or -top) on such a container sends the
// event when its last (first) item scrolls into view: infinite scroll. One
// item sends one event, and none is sent while the last awaits its reply,
// so one scroll loads one page. livetest's Page.ScrollToBottom does the
// same in tests.
//
// # Messages, timers and async work
//
// A view is an actor: anything that happens later reaches it as a message,
// handled in its loop, one at a time. Conn.Send delivers a message to HandleInfo from
// any goroutine; Conn.SendAfter does it from a timer that dies with the
// view. Conn.StartAsync runs a named task on its own goroutine with a
// context that is cancelled when the task is cancelled (Conn.CancelAsync),
// replaced by a task of the same name, or when the view ends; the task may
// stream messages to HandleInfo, and its result (a value, an error, or a
// *PanicError for a panic, which never crashes the view) reaches
// HandleAsync. Async gives templates a task's loading, ok and failed states.
// Results and messages of a cancelled task never reach the view.
//
// # Push events and client hooks
//
// A callback can reach into the browser: Conn.Push sends a named event with
// a JSON payload, delivered with the render that follows the callback, after
// its patch (Conn.PushBeforePatch: before). The client hands it to client
// hooks and dispatches it on window as "templive:"+name. A hook is the
// app's JavaScript object attached to an element with live-hook="Name". The
// app registers its hooks in a script file of its own (no inline script, so
// a strict Content-Security-Policy holds) that runs before the templive
// client, for example a deferred script placed before the page:
//
//	window.templiveHooks = {
//		Chart: {
//			mounted() {
//				this.handleEvent("points", (p) => draw(this.el, p));
//				this.pushEvent("size", { w: this.el.clientWidth }).then((reply) => ...);
//			},
//			beforeUpdate() {}, updated() {}, destroyed() {},
//			disconnected() {}, reconnected() {},
//		},
//	};
//
// Each element gets its own instance, whose prototype is the app's object,
// with el, pushEvent(name, payload), which sends an event and returns a
// promise of the view's answer (Conn.Reply in HandleEvent), and
// handleEvent(name, callback). A hook that changes its element's children
// puts live-ignore on it, so patches leave them alone.
//
// # Sound
//
// An element declares sounds once, by name, with live-sounds:
//
//	<section live-sounds='{"click":"/s/click.wav","win":{"url":"/s/win.wav","volume":0.8}}'>
//
// and the client preloads them. js.PlaySound(name) plays one in the
// browser on a click, with no round trip; a view picks the name as it
// renders, from its state. Conn.PlaySound plays one later, from the server.
// Browsers refuse sound on a page the user has not interacted with yet:
// such a sound is skipped, not queued, and nothing is logged. Every sound
// asked for dispatches "templive:sound" on window, with detail {name,
// played, audio}, once the browser has decided, so a page can show a
// visual cue. A sound no container declares is a console warning. When a
// live-sounds element leaves the page, its sounds stop and are released.
//
// # Uploads
//
// A view declares an upload by name, usually in Mount, with what it takes:
//
//	c.AllowUpload("avatar", live.UploadConfig{Accept: []string{"image/*"}, MaxSize: 5 << 20})
//
// and renders a file input <input type="file" live-upload="avatar">, or a
// drop zone <div live-drop-target="avatar"> (it has the class
// live-drop-active while files are dragged over it). When the user picks
// or drops files, the client announces their names, sizes and types; the
// view checks them against the config (Accept, MaxSize, MaxEntries) before
// any byte is sent, and renders Conn.Uploads(name): one UploadEntry per
// file with its Progress, Done and Err (ErrUploadTooLarge,
// ErrUploadNotAccepted, ErrTooManyUploads, ErrUploadFailed). An img with
// live-upload-preview={ e.Ref } shows the file at once, from the browser's
// own copy (an object URL: a Content-Security-Policy must allow img-src
// blob:).
//
// Accepted files travel in binary frames of UploadConfig.ChunkSize over the
// page's connection (a WebSocket, or the fallback's POSTs: see
// Transports), at most four chunks ahead of the server's acks. They
// are not events: they do not count against Options.EventRate, and the
// read limit of binary frames is the largest ChunkSize plus a small header,
// whatever ReadLimit is. The server writes each chunk to a temporary file
// as it arrives, so memory stays flat however large the file; the view is
// rendered again as each file's percentage changes. A connection that drops
// resumes its uploads where the server's count stands.
//
// Conn.ConsumeUploads(name, fn) hands each finished file to fn with a
// reader: move it to real storage there. Conn.CancelUpload drops a file at
// any point (a cancel button: live-click="cancel" live-value-ref={ e.Ref }).
// Nothing is left behind: the temporary file of a canceled, failed or
// consumed entry is deleted at once, and those of a view that ends (its
// page closed and not back within ResumeTimeout, the server closed) when
// it ends. A chunk that lies (more bytes than declared, a ref the view
// does not know, a canceled entry) is refused with an ack that carries the
// reason, and the client stops sending it.
//
// UploadConfig.External sends the bytes elsewhere: it returns a URL (a
// storage service's presigned PUT URL) and headers, the client PUTs the
// file there and reports its progress, and ConsumeUploads hands the entry
// with a nil reader.
//
// Test uploads without a browser with livetest's Page.Upload, which sends
// the file through the same binary frames.
//
// # Dev console
//
// In development, the server's log records can appear in the browser
// console, next to the page's own errors, the way phoenix_live_reload
// streams server logs. A DevConsole wraps the app's slog handler: records
// still go where they went, and are also streamed to the live pages of the
// handlers whose [Options.DevConsole] is that console.
//
//	console := live.NewDevConsole(slog.NewTextHandler(os.Stderr, nil), nil)
//	logger := slog.New(console)
//	h := live.NewHandler(newView, &live.Options{DevConsole: console, Logger: logger})
//
// Each record prints with the console method of its level, its time,
// message, attributes (an object to inspect) and source file.go:line. A
// view that logs with the ctx its callbacks get (logger.InfoContext(ctx,
// ...)) ties the record to its page, which marks it "[this tab]"; typing
// templive.logs = "tab" in the console shows only those ("all" shows all
// again; the choice is kept in localStorage). A page that connects first
// receives the latest records ([DevConsoleOptions.Replay]), and a view's
// panic arrives as an error with its stack. Logging never waits for a page:
// one that falls behind misses records and is told how many.
//
// It is off unless the app creates one: without it no log frame is ever
// sent. NewDevConsole logs a warning, and only browsers on the server's own
// machine receive records unless [DevConsoleOptions.AllowRemote] is set.
//
// # Components
//
// A large page can hold self-contained widgets with their own state:
// stateful components. A component is a value with Render, and optionally
// Mount (ComponentMounter), HandleEvent (EventHandler) and Update
// (Updater). Component puts one in the view's template, under an id:
//
//	@live.Component(v.conn, "cart-1", &Cart{Owner: "Ada"})
//
// The first render that names the id keeps the value as the component's
// state and mounts it; later renders of the view render the kept state, so
// it survives its parent's renders; a render that no longer names the id
// drops it. An event binding with live-target="cart-1", or an empty
// live-target inside the component, sends its events to the component's
// HandleEvent, and Conn.SendUpdate delivers a message to its Update, from
// the view or any goroutine, in the view's loop. After either, the
// component alone is rendered and diffed: the view's Render is not called,
// and the cost is the component's, not the page's. A component can Send
// to its view, and can hold components of its own.
//
// A component renders inside <div id="cart-1" live-component>: its id is
// unique in the page, and its HTML is what a div may hold. An event for an
// id the view has no component under is answered with an error and
// changes nothing; a panic in a component's callback is a crash of its
// view (see Crashes). After a restart, a recoverable form with a
// live-target is replayed to its component, once the fresh view has
// rendered and so mounted its components.
//
// # Navigation, title and flash
//
// A view whose state follows its URL implements ParamsHandler:
// HandleParams runs after Mount with the page's URL, and again each time
// the URL changes without a new view. In templates, two kinds of links:
//
//	<a href="/todos?filter=done" live-patch>Done</a>  <!-- same view, new URL -->
//	<a href="/todos/7" live-navigate>Milk</a>          <!-- the next page's view -->
//
// Both stay plain links: without the client, and for a middle click, a
// click with a modifier key, a download or another target, the browser
// follows them as usual, and every URL can be bookmarked. A live-patch to
// the view's own path sends the view the URL (an event of a few dozen
// bytes; HandleParams runs, no Mount) and adds a history entry; from a
// callback, Conn.PushPatch does the same. A live-navigate link, a
// live-patch to another path, and Conn.PushNavigate go to another view.
// The browser's back and forward buttons patch between entries of the
// same view and navigate between views, and put the scroll back where it
// was.
//
// A navigation must run the app's own middleware for the new URL
// (authentication, cookies, redirects) exactly as a page load would, so it
// is one: the client GETs the URL over HTTP, as fetch does, with the
// user's cookies, following redirects. The handler answers as for any GET:
// it mounts the view, keeps it for its page, and returns the page with its
// signed token. The client then shows the page's live root and title and,
// instead of opening a WebSocket, sends a second join with that token over
// the one it has. The connection finds the view among the views kept by
// the handlers of its Site (Options.Site: set one *Site on every Handler
// of the app, as for PubSub), ends the view it leaves and serves the new
// one. Nothing is resolved by a registry of routes: the app's router and
// middleware stay the only judges of what a URL serves. The token is
// verified with the new handler's secrets and must name the path the page
// shows; the socket passed the origin check when it opened. A navigation to
// a page that is not live, to a handler of no Site or of another, or one
// whose view is gone is refused: the page loads the URL in full (so such a
// URL is requested twice). The layout is not re-rendered: pages that
// navigate to each other should share it.
//
// The page's title comes from the view: a view that implements Titler
// names its page, on the GET (Options.Layout reads it with PageTitle; the
// default layout does) and whenever it changes, after any render.
//
// Conn.PutFlash(kind, msg) shows a flash message, which templates read with
// Flash(ctx, kind). It goes along with Conn.PushNavigate into the next view
// and is cleared when the user clicks the element that shows it, if that
// has live-flash="kind". A full page load does not carry it.
//
// Around a patch and a navigation, the client dispatches
// templive:page-loading-start and templive:page-loading-stop on window,
// with detail {kind: "patch" or "navigate", to: url}, for a progress bar.
//
// # Navigation from JS commands
//
// js.Patch(url) and js.Navigate(url) do from any binding what a click on a
// live-patch or live-navigate link to url does, through the same client
// code, with no round trip to decide: a row, a tab button or an Escape key
// can change the URL or go to another page. They run in the chain's order
// (js.Patch("?tab=2").Send("opened") sends the view the URL first); js.Replace
// replaces the history entry instead of adding one.
//
//	<button live-click={ js.Patch("/shop?tab=reviews", js.Replace()) }>Reviews</button>
//	<tr live-click={ js.Navigate("/todos/" + id) }>…</tr>
//
// The URL must be on the page's own origin: another site, a javascript: or
// a data: URL is refused with a console warning naming the element, and
// the rest of the chain still runs, so a URL built from user data cannot
// take the page away or run script. livetest runs both as the browser does
// and fails the test on a refused URL.
//
// # Concurrency
//
// Each view is an actor: Mount, HandleEvent, HandleInfo, HandleAsync and
// Render are never called concurrently for one view, and messages are
// handled one at a time in the order they arrived, so a view needs no
// locks for its own state. A goroutine runs the view while it has messages
// to handle; a view waiting for its next event holds none, which keeps an
// idle page cheap. Other goroutines reach a view with Conn.Send,
// which never blocks. Every queue is bounded: a view's mailbox, a
// connection's outbound frames (a client that stops reading is
// disconnected), the size of a frame ([Options.ReadLimit]), the views waiting
// for adoption or resumption.
//
// # Crashes
//
// A panic in a view's callback (Mount, HandleEvent, HandleInfo,
// HandleAsync, Render) is recovered and logged with its stack. During a
// page's GET it is a 500. Once live, the view ends and its connection is
// closed with status 1011 ("view crashed"); the page reconnects to a fresh
// view and recovers its forms, without re-sending the event it crashed on.
// A view that crashes again and again does not make its page spin: the
// client waits longer after each crash, and after five within a minute it
// stops, shows live-error and says so in the console. A panic in an async
// task is no crash: HandleAsync receives a *PanicError. The server and
// every other view carry on.
//
// Options.OnCrash hears of every recovered panic, as a Crash: the page's
// path, the view's type, what it was doing (and the event's name), the
// panic value and its stack. Send it to an error tracker. It runs on a
// goroutine of its own, at most 16 at once, so a slow tracker never holds
// up a view.
//
// # Observability
//
// Options.Observer hears what the views do: spans of work (Mount, an
// event named by its name, a render, a diff with the size of its patch)
// and counts (live views up and down, resumes, form recoveries, crashes,
// dropped messages). It is a struct of funcs, each optional, in the manner
// of net/http/httptrace; package live imports no telemetry library, and
// live/otelive, a module of its own, turns an Observer into OpenTelemetry
// spans and metrics. The context an Observer's Mount or Event returns is
// the one the view's Mount or HandleEvent gets, so spans the app starts
// there are children of templive's. A nil Observer, the default, costs a
// nil check per hook; the funcs run inline, on the view's goroutine, so
// they must be quick and safe for concurrent use.
//
// Handler.Stats lists a handler's live views with their mailbox and
// outbound queue depths; NewDebugHandler serves them as a live page, by
// route, refreshed every second (serve it behind the app's authentication).
//
// # Transports
//
// A page's live connection is a WebSocket. Where a proxy refuses
// WebSockets, the client falls back to a stream of server-sent events on
// the page's URL for the server's frames and a POST per frame for its own
// (docs/protocol.md, "Fallback transport"), with the same frames, refs,
// resumes and at-most-once handling of re-sent events, and the same
// uploads: a chunk is a POST of application/octet-stream, bounded by the
// view's chunk limit like a binary WebSocket frame. The Handler serves
// both; nothing is to be configured. A proxy in front must not buffer
// text/event-stream responses (templive sends X-Accel-Buffering: no for
// nginx). The streams are ordinary requests: http.Server.Shutdown waits
// for them, so call Handler.Close, which ends them, when shutting down.
// The POSTs pass through the app's middleware like the page's GET: a CSRF
// middleware must let through a POST that carries the Live-Stream header
// (another site cannot send that header without a CORS preflight, and the
// Handler checks the Origin).
//
// # Error pages
//
// Mount refuses a page by returning ErrNotFound or ErrForbidden, wrapped
// or not (errors.Is decides): the GET answers 404 or 403 with the page
// Options.ErrorPage renders inside the layout, a plain page with no live
// connection. Any other Mount error, a panic included, is a 500 with the
// same page. The default error page shows the status only, never the
// error's text.
//
//	func (v *Invoice) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
//		inv, ok := v.store.Get(r.PathValue("id"))
//		if !ok {
//			return fmt.Errorf("invoice %s: %w", r.PathValue("id"), live.ErrNotFound)
//		}
//		v.inv = inv
//		return nil
//	}
//
// A view is mounted on a live join too, when the server lost the page's
// view (a restart, another instance). If that Mount refuses the page (the
// invoice was deleted meanwhile), the page is told to reload, once: the
// reload's GET shows the error page. The client's reload guard (no second
// reload of a URL within 10 s) keeps a Mount that refuses joins but not
// GETs from looping: the page then shows live-error.
//
// # Limits
//
// Everything a client can make the server hold or do is bounded, with
// defaults safe for production:
//
//   - A frame: [Options.ReadLimit] bytes (64 KiB); a larger one closes the
//     connection with 1009. Decoded, an event holds at most 1024 values of
//     1024 entries, a join at most 64 forms.
//   - The pace: [Options.EventRate] frames a second per connection (50, with
//     bursts of [Options.EventBurst], 128); a frame over it is answered with
//     the error frame [3, ref, "rate limited"], or closes the connection
//     with 1008 if [Options.RateLimitClose] is set.
//   - What waits for a slow client: [Options.OutboundQueue] frames (64); a
//     client that stops reading is disconnected with 1013 after a second,
//     and resyncs when it is back. A view's mailbox: [Options.MailboxSize].
//   - Views: one at a time per connection (a second join on a connection
//     is a live navigation to a view of the same Site, and anything else is
//     refused with a reload); views mounted for a GET and
//     not yet joined, [Options.MaxPending], for [Options.AdoptTimeout]; views
//     whose connection dropped, [Options.MaxDetached], for
//     [Options.ResumeTimeout].
//   - Time: a connection must join within 10 s, and is closed after
//     [Options.IdleTimeout] without a frame; a write waits at most
//     [Options.WriteTimeout].
//   - Uploads: binary frames only for a view that allows an upload, each at
//     most its largest ChunkSize plus a 20-byte header (1009 beyond); files
//     announced at most 64 at a time, each within its upload's MaxSize and
//     MaxEntries (see Uploads).
//
// Every frame after the join gets an answer (a reply, an error frame, an
// upload ack, or a close with a code and a reason: 1003 binary frame where
// no upload is allowed, 1008 policy, 1009 too
// big, 1011 crash, 1012 restart, 1013 too slow), a log line, and never a
// panic. See docs/protocol.md.
//
// # Starting an app and the dev loop
//
// The templive command writes a new app and runs it while you edit it:
// templive new NAME writes a module with a layout, one live page, its
// livetest test, a Makefile, a CI workflow and a strict
// Content-Security-Policy; templive dev, in that module, rebuilds and
// restarts the app on every .templ, .go or .css change behind a proxy
// that keeps the page's URL. The open page rejoins the new process with
// the same secret and recovers its forms (see Reconnects and form
// recovery), so it shows the change with the typed text kept; a
// stylesheet change is swapped in without a reload. Nothing in this
// package is specific to it: an app reads TEMPLIVE_SECRET, TEMPLIVE_ADDR
// and TEMPLIVE_DEV from its environment as the generated main.go does.
//
// # Testing
//
// Package live/livetest tests views with go test, without a browser: it
// opens a page through the real Handler over an in-memory connection, clicks,
// types and submits as a user does, runs JS commands on its DOM, waits for
// renders and pushes without sleeping, and drops, resumes and recovers the
// page as a browser would.
//
// # Authentication and redirects
//
// The app's own middleware authenticates: it runs for a page's GET and for
// its WebSocket upgrade alike, and puts the user in the request's context.
// Options.OnMount hooks (MountHook) then decide, before Mount, on the GET
// and again on the join: return ErrForbidden to refuse the page (403 on the
// GET; on the join a reload, once, whose GET shows the 403 page), call Conn.Redirect to send it elsewhere (303 on the GET, a
// redirect frame on the join; Mount does not run), or call Conn.SetSession
// to tie the view to the user's login session.
//
// A view is tied to a session by a key the app chooses, the session's ID,
// with Conn.SetSession, from a hook (one place for every route) or Mount.
// DisconnectSession(ctx, pubsub, key), called when the user logs out, ends
// every view tied to the key, on every node that shares the PubSub (the
// NATS adapter spans machines): each page is told to load its URL again, so
// the middleware, finding no session, sends it to the login page. Only a
// hash of the key travels on the PubSub.
//
// Options.OnEvent hooks (EventHook) run before HandleEvent for every event,
// recovered forms included: one place to authorize events. An error refuses
// the event, and only it: the page's console shows the error, the server
// logs it, and the view carries on.
//
// Conn.Redirect, from any callback, sends the page to another URL with a
// full page load; only paths and http(s) URLs are accepted.
//
// # Security
//
// Cross-site WebSocket hijacking is the cross-site request forgery of live
// pages: a page of another site opens a WebSocket to the app, and the
// browser sends the user's cookies with it. Three things stop it, and none
// asks the app for a CSRF token:
//
//   - The origin check. An upgrade whose Origin header is not the page's own
//     host is refused with 403, unless [Options.OriginPatterns] allows it.
//     Browsers always send Origin with a WebSocket upgrade and scripts cannot
//     change it. Keep OriginPatterns narrow; never "*".
//   - The page token. A join must carry the token of a page the server
//     rendered: HMAC-SHA256, keyed with [Options.Secrets], over a random view
//     id, the route and the time of issue. Another site cannot read it (the
//     same-origin policy keeps the page from it), and a token is checked in
//     constant time, in its one strict spelling, for its own route, and
//     until [Options.TokenMaxAge]. A tampered, foreign, expired or misrouted
//     token mounts nothing: the join is answered with a reload frame and
//     closed with 1008.
//   - SameSite cookies. The upgrade is an ordinary request to the page's own
//     URL, so the app's middleware (authentication, sessions) runs for it as
//     for the page; a session cookie set SameSite=Lax or Strict is not sent
//     with another site's requests at all, upgrades included.
//
// Events travel only over the live connection, never as form posts, so
// there is no state-changing request for a classic CSRF to forge.
//
// A token is the capability for its view: whoever holds a page's token can
// join its view, and a join on a new connection replaces the old one (that
// is how a page resumes after a network drop). It is as secret as the page
// that carries it; serve live routes behind the same authentication as the
// rest of the app.
//
// Secrets rotate: the first signs, all verify. Put the new secret first and
// drop the old one once TokenMaxAge has passed; pages signed with a dropped
// secret reload.
//
// Text reaches the browser as text, never as markup: what a user types and
// the server echoes is escaped by templ and patched with text and
// attribute operations, never innerHTML. The client needs no inline script,
// no inline event handler and no eval, so a strict Content-Security-Policy
// (script-src 'self', without 'unsafe-inline' or 'unsafe-eval') works and
// is recommended; the demo sends one.
package live
