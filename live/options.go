package live

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"
)

// Options configure a Handler. A nil *Options uses the defaults; every zero
// field takes its default.
type Options struct {
	// Layout wraps every page: it receives the live page (the view's root
	// element and the client script tag) and returns the whole document.
	// Nil renders a minimal HTML5 document.
	Layout func(page templ.Component) templ.Component

	// Secrets sign the tokens that tie a page to its view. The first signs;
	// all verify, so a secret can be rotated by putting the new one first
	// and keeping the old one until the pages it signed have aged out.
	//
	// Nil uses a random secret per process: a restart or another node
	// then cannot verify open pages, which reload instead of recovering
	// their forms. Set at least 32 random bytes, the same on every
	// instance, from a secret store, in production.
	Secrets [][]byte

	// OriginPatterns lists the hosts other than the request's own that may
	// open live connections (see websocket.AcceptOptions). Cross-origin
	// upgrades are refused with 403 by default.
	OriginPatterns []string

	// Logger receives the handler's logs. Nil uses slog.New(DevConsole)
	// when DevConsole is set, else slog.Default(). With a DevConsole, set
	// a Logger whose handler is the console (or wraps it), so that the
	// handler's own records, a view's panic among them, reach the browser.
	Logger *slog.Logger

	// DevConsole, for development only, streams the server's log records
	// to the browser consoles of this handler's pages (see DevConsole).
	// Nil, the default, never sends a log frame.
	DevConsole *DevConsole

	// AssetPrefix is the path under which the client script is served.
	// Default "/_templive/". The Handler serves it itself when a request
	// reaches it there; mount Assets under the same prefix to serve it
	// from one place for every route.
	AssetPrefix string

	// ReadLimit bounds one client frame, in bytes. Default 64 KiB. A
	// larger frame closes the connection with status 1009.
	ReadLimit int64

	// AdoptTimeout is how long a view mounted for a GET waits for its
	// page's live connection before it is dropped (the connection then
	// mounts afresh). Default 30 s.
	AdoptTimeout time.Duration

	// MaxPending bounds the views mounted for a GET and not yet adopted.
	// The oldest is dropped first. Default 10,000.
	MaxPending int

	// ResumeTimeout is how long a live view whose connection dropped is
	// kept for its page to rejoin and resume it with its whole state.
	// After that the page's rejoin mounts afresh and recovers its forms.
	// Default 30 s.
	ResumeTimeout time.Duration

	// MaxDetached bounds the views kept for resumption. When it is
	// reached, a view whose connection drops ends at once. Default 10,000.
	MaxDetached int

	// TokenMaxAge is how long a page may wait before its live connection
	// must reload it. Default 24 h.
	TokenMaxAge time.Duration

	// MailboxSize bounds the messages waiting for a view. Default 64.
	MailboxSize int

	// HibernateAfter puts a view that has had nothing to do for this long
	// at rest: it lets go of the parsed tree of its last render, about ten
	// times the size of the HTML, and keeps the HTML. Its next change
	// parses it again first (about what a first render costs), so the
	// patches are the same. A page only loaded (its GET and first join)
	// has no tree yet: its first change builds it. Default 15 s;
	// negative: never.
	HibernateAfter time.Duration

	// OutboundQueue bounds the frames waiting for a slow client. A client
	// that falls further behind, and does not catch up within a second, is
	// disconnected with status 1013 (it resyncs when it reconnects); the
	// view waits for it meanwhile. Default 64.
	OutboundQueue int

	// WriteTimeout bounds one frame write. Default 10 s.
	WriteTimeout time.Duration

	// IdleTimeout closes a connection that sent nothing, heartbeats
	// included, for this long. Default 90 s (the client beats every 30 s).
	IdleTimeout time.Duration

	// EventRate bounds the frames one connection may send after its join,
	// events and anything else, per second: a token bucket that refills at
	// EventRate and holds EventBurst. Default 50 per second, with a burst
	// of 128, far above what a person clicking and typing sends (a
	// debounced field sends one event per pause). A negative EventRate
	// turns the limit off, which leaves a flood limited only by how fast
	// the view handles it.
	EventRate float64

	// EventBurst is how many frames a connection may send at once, above
	// EventRate, after a quiet spell. Default 128: more than the 100 events
	// the client keeps while offline and sends together when it rejoins.
	EventBurst int

	// RateLimitClose closes a connection that sends faster than EventRate
	// with status 1008 (policy violation); its page reconnects with
	// backoff. By default each frame over the limit is dropped instead and
	// answered with an error frame, [3, ref, "rate limited"], which the
	// page shows in its console, and the connection carries on.
	RateLimitClose bool

	// PubSub carries messages between views (see Topic). Nil gives the
	// Handler its own in-process PubSub: views on other routes do not hear
	// it. Set one value, NewLocalPubSub() or a distributed PubSub such as
	// live/natspubsub, on every Handler of the app, so that all its views
	// share it (across machines, with a distributed one).
	PubSub PubSub

	// OnMount hooks run before Mount, on the page's GET and on its live
	// connection's join, to read the user from the request and refuse the
	// page, redirect it or tie it to a session (see MountHook).
	OnMount []MountHook

	// OnEvent hooks run before HandleEvent for every event, to authorize
	// it in one place (see EventHook).
	OnEvent []EventHook

	// ErrorPage renders the body of the page a GET gets when the view's
	// Mount fails: status is 404 for an error matching ErrNotFound, 403
	// for ErrForbidden, 500 for any other (a panic included), and err is
	// Mount's error. The Handler renders it inside Layout and answers with
	// status; the page is plain, with no live connection. Nil shows the
	// status and its text (never err, which may hold what visitors must
	// not see). A nil component, a render error or a panic falls back to
	// a plain-text answer with the same status.
	//
	// A live join whose Mount fails (the server lost the view, mounted it
	// afresh, and the resource is gone) tells the page to reload, once: its
	// GET then gets this error page.
	ErrorPage func(r *http.Request, status int, err error) templ.Component

	// OnCrash is called with every panic recovered in a view (Mount,
	// Render, HandleEvent, HandleInfo, HandleAsync, an async task, a
	// Topic's decoding), after it is logged: send it to an error tracker.
	// It runs on a goroutine of its own, so a slow call never holds up
	// the view or the response, and may run concurrently with itself. At
	// most 16 calls run at once; crashes beyond that are logged only. A
	// panic in OnCrash is recovered and logged.
	OnCrash func(Crash)

	// Observer hears what the views do, for tracing and metrics (see
	// Observer and live/otelive). Nil, the default, costs nothing.
	Observer *Observer

	// Store keeps the state of views across instances of the app, so that
	// a deploy loses none: Close saves each view that is a Snapshotter, and
	// the page's rejoin, on any instance sharing the Store, restores it
	// (see Snapshotter). Nil, the default, saves nothing. Set one Store
	// shared by every instance (live/natspubsub has one on NATS JetStream)
	// and the same Secrets. With a Store, every join that finds no view on
	// its instance asks the Store (one Take) before it mounts afresh.
	Store Store

	// MaxSnapshot bounds one view's saved state, in bytes. A larger
	// snapshot is not saved (its page mounts afresh and recovers its
	// forms) and is logged. Default 64 KiB.
	MaxSnapshot int

	// StoreTimeout bounds how long Close waits for the views' states to be
	// saved, all together, and how long a join waits for the Store. What
	// is not saved by then is lost, as without a Store. Default 5 s.
	StoreTimeout time.Duration

	// AssetVersion names the version of the app's static assets (its
	// stylesheets and scripts): a hash of their files, or the build's
	// commit. Pages carry it in their token; a page that rejoins an
	// instance serving another version (a deploy changed them) reloads,
	// once, to load them. The client script of templive is tracked
	// without it. Default "".
	AssetVersion string

	// Site groups the app's live handlers so that a page navigates between
	// them over its open connection (see Site). Set the same value on
	// every Handler of the app. Nil: every navigation to this handler's
	// pages, and from them, is a full page load.
	Site *Site
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
		if out.DevConsole != nil {
			out.Logger = slog.New(out.DevConsole)
		}
	}
	if len(out.Secrets) == 0 {
		secret := make([]byte, 32)
		rand.Read(secret)
		out.Secrets = [][]byte{secret}
	}
	if out.AssetPrefix == "" {
		out.AssetPrefix = "/_templive/"
	}
	setDefault(&out.ReadLimit, 64<<10)
	setDefault(&out.AdoptTimeout, 30*time.Second)
	setDefault(&out.MaxPending, 10_000)
	setDefault(&out.ResumeTimeout, 30*time.Second)
	setDefault(&out.MaxDetached, 10_000)
	setDefault(&out.TokenMaxAge, 24*time.Hour)
	setDefault(&out.MailboxSize, 64)
	if out.HibernateAfter == 0 {
		out.HibernateAfter = 15 * time.Second
	}
	setDefault(&out.OutboundQueue, 64)
	setDefault(&out.WriteTimeout, 10*time.Second)
	setDefault(&out.IdleTimeout, 90*time.Second)
	if out.EventRate == 0 {
		out.EventRate = 50
	}
	setDefault(&out.EventBurst, 128)
	setDefault(&out.MaxSnapshot, 64<<10)
	setDefault(&out.StoreTimeout, 5*time.Second)
	if out.PubSub == nil {
		out.PubSub = NewLocalPubSub()
	}
	return out
}

func setDefault[T int | int64 | time.Duration](p *T, v T) {
	if *p <= 0 {
		*p = v
	}
}
