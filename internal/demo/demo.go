// Package demo serves every example on one port: the server behind
// `templive demo` and `templive-demo`.
package demo

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/a-h/templ"
	"github.com/templive/templive/examples/account"

	"github.com/templive/templive/examples/async"
	"github.com/templive/templive/examples/chat"
	logconsole "github.com/templive/templive/examples/console"
	"github.com/templive/templive/examples/counter"
	"github.com/templive/templive/examples/events"
	"github.com/templive/templive/examples/feed"
	"github.com/templive/templive/examples/form"
	"github.com/templive/templive/examples/layout"
	"github.com/templive/templive/examples/modal"
	"github.com/templive/templive/examples/shop"
	"github.com/templive/templive/examples/sound"
	"github.com/templive/templive/examples/todos"
	"github.com/templive/templive/examples/toggle"
	"github.com/templive/templive/examples/upload"
	"github.com/templive/templive/live"
)

// Config configures the demo server.
type Config struct {
	Dev    bool   // development mode: the server's logs reach the browser console
	Secret string // signs page tokens; the same secret across restarts lets pages recover
	Logger *slog.Logger
	PubSub live.PubSub // carries messages between views; nil: one in-process PubSub for the site
	Store  live.Store  // keeps views' state across restarts and instances (live.Options.Store); nil: none

	// AssetVersion names the static assets' version (live.Options.AssetVersion);
	// "": a hash of the demo's stylesheet.
	AssetVersion string

	Upload upload.Config // where /upload keeps files; zero: under os.TempDir()
}

// demoSecret is the demo's default token secret, so a restarted demo
// recovers its pages. A real app loads its secret from a secret store.
const demoSecret = "templive-demo-secret: public, for the demo only"

// CSP is the Content-Security-Policy every demo page is served with: no
// inline script, no eval. templive needs nothing more.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Site is the demo site: the index at / and one route per demo.
type Site struct {
	http.Handler
	views   []*live.Handler
	closers []io.Closer // the apps that are more than one live.Handler
}

// Close ends every live view of the site (see live.Handler.Close).
func (s *Site) Close() error {
	for _, h := range s.views {
		h.Close()
	}
	for _, c := range s.closers {
		c.Close()
	}
	return nil
}

// New returns the demo site.
func New(cfg Config) *Site {
	if cfg.Secret == "" {
		cfg.Secret = demoSecret
	}
	if cfg.PubSub == nil {
		cfg.PubSub = live.NewLocalPubSub() // one for every handler: views on any route hear each other
	}
	if cfg.AssetVersion == "" {
		cfg.AssetVersion = layout.AssetVersion()
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	var devConsole *live.DevConsole // off unless Dev: it shows the server's logs to browsers
	if cfg.Dev {
		devConsole = live.NewDevConsole(logger.Handler(), nil)
		logger = slog.New(devConsole)
	}
	opts := func(title string) *live.Options {
		return &live.Options{
			Layout:     layout.For(title),
			Secrets:    [][]byte{[]byte(cfg.Secret)},
			Logger:     logger,
			DevConsole: devConsole,
			PubSub:     cfg.PubSub,
		}
	}
	plainOpts := opts
	opts = func(title string) *live.Options {
		o := plainOpts(title)
		// Deploys: views saved at shutdown, pages of other assets reloaded.
		o.Store, o.AssetVersion = cfg.Store, cfg.AssetVersion
		return o
	}
	uploadCfg := cfg.Upload
	if uploadCfg.Store == nil {
		// The "cloud" upload PUTs to this same site (CSP connect-src 'self').
		uploadCfg.Store = &upload.Store{Dir: filepath.Join(os.TempDir(), "templive-demo-store"), URL: "/upload/store/"}
	}
	soundOpts := opts("Sound")
	soundOpts.Layout = sound.Layout("Sound") // loads the page's hooks script
	demos := []struct {
		layout.Demo
		h *live.Handler
	}{
		{layout.Demo{Path: "/counter", Title: "Counter", About: "a number and two buttons"}, live.NewHandler(counter.New, opts("Counter"))},
		{layout.Demo{Path: "/toggle", Title: "Toggle classes", About: "JS commands: toggle classes in the browser, no round trip"}, live.NewHandler(toggle.New, opts("Toggle classes"))},
		{layout.Demo{Path: "/events", Title: "Events", About: "debounce, throttle, disable-with, keys, focus, click-away"}, live.NewHandler(events.New, opts("Events"))},
		{layout.Demo{Path: "/modal", Title: "Dialogs", About: "JS commands: dialogs with transitions, a focus trap, confirm, lifecycle bindings"}, live.NewHandler(modal.New, opts("Dialogs"))},
		{layout.Demo{Path: "/sound", Title: "Sound", About: "sounds chosen by server state, played on click or pushed later"}, live.NewHandler(sound.New, soundOpts)},
		{layout.Demo{Path: "/async", Title: "Async", About: "a task that streams its progress, can be cancelled, and may fail"}, live.NewHandler(async.New, opts("Async"))},
		{layout.Demo{Path: "/form", Title: "Form", About: "form auto-recovery: kill the server, keep what you typed"}, live.NewHandler(form.New, opts("Form"))},
		{layout.Demo{Path: "/chat", Title: "Chat", About: "a room shared by every tab, on every node (PubSub, NATS)"}, live.NewHandler(chat.New, opts("Chat"))},
		{layout.Demo{Path: "/shop", Title: "Shop", About: "stateful components: two carts, each rendered and patched alone"}, live.NewHandler(shop.New, opts("Shop"))},
		{layout.Demo{Path: "/feed", Title: "Feed", About: "a stream: infinite scroll, inserts, deletes, a limit; the server keeps no posts"}, live.NewHandler(feed.New, opts("Feed"))},
		{layout.Demo{Path: "/upload", Title: "Upload", About: "file uploads with previews, progress, cancel, drag and drop, and straight to a store"}, live.NewHandler(upload.New(uploadCfg), opts("Upload"))},
		{layout.Demo{Path: "/console", Title: "Dev log console", About: "the server's slog records in the browser console (dev mode)"}, live.NewHandler(logconsole.New(logger), opts("Dev log console"))},
	}
	mux := http.NewServeMux()
	site := &Site{}
	var index []layout.Demo
	for _, d := range demos {
		mux.Handle(d.Path, d.h)
		index = append(index, d.Demo)
		site.views = append(site.views, d.h)
	}
	acct := account.New(*opts("Account"))
	acct.Routes(mux)
	index = append(index, layout.Demo{Path: account.Path, Title: "Account", About: "sign-in hooks, an admin-only event, redirects, sign-out everywhere"})
	site.closers = append(site.closers, acct)
	// The multi-page app: its pages navigate over one connection (its own
	// live.Site) behind its login middleware.
	todosOpts := opts("Todos")
	todosOpts.Layout = func(page templ.Component) templ.Component {
		return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			return layout.Page(live.PageTitle(ctx), page).Render(ctx, w)
		})
	}
	todosApp := todos.New(todos.Config{Options: todosOpts})
	todosApp.Routes(mux)
	site.closers = append(site.closers, todosApp)
	index = append(index, layout.Demo{Path: "/todos", Title: "Todos", About: "several pages: filters in the URL, live navigation over one connection, title, flash, login"})
	mux.Handle("/_templive/", live.Assets())
	mux.Handle("/upload/store/", uploadCfg.Store)
	mux.HandleFunc("/static/demo.css", layout.Stylesheet)
	mux.Handle(sound.AssetPath, sound.Files())
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		layout.Index(index).Render(r.Context(), w)
	})
	site.Handler = securityHeaders(mux)
	return site
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// Main runs the demo server with command-line flags until it is
// interrupted.
func Main(name string, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	var dev devFlag
	fs.Var(&dev, "dev", "development mode: server logs stream to browser consoles on this machine (see /console); default: on when listening on loopback")
	secret := fs.String("secret", os.Getenv("TEMPLIVE_SECRET"), "token secret (default: $TEMPLIVE_SECRET, else a fixed demo secret)")
	natsServe := fs.String("nats-serve", "", "start an embedded NATS server listening on `HOST:PORT` and join other instances through it")
	natsURL := fs.String("nats", "", "join other instances through the NATS server at `URL` (nats://HOST:PORT)")
	natsDir := fs.String("nats-dir", "", "with -nats-serve, run JetStream with its files in `DIR`: instances then save their views there at shutdown, for their pages to resume on any instance")
	assetVersion := fs.String("asset-version", "", "the static assets' version; pages of another version reload when they rejoin (default: a hash of the stylesheet)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	devMode := dev.value(ln.Addr())
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ps, stopNATS, err := joinNATS(*natsServe, *natsURL, *natsDir, logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopNATS()
	site := New(Config{Dev: devMode, Secret: *secret, Logger: logger, PubSub: ps, Store: natsStore(ps, logger), AssetVersion: *assetVersion})
	defer site.Close()
	srv := &http.Server{
		Handler:           site,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	shutdown := make(chan struct{})
	go func() {
		defer close(shutdown)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// Shutdown closes the listener at once, so pages reconnecting from
		// now on reach another instance; it waits for no live connection
		// (WebSockets are hijacked), so close them meanwhile, saving their
		// views to the Store first.
		stopped := make(chan struct{})
		go func() { srv.Shutdown(sctx); close(stopped) }()
		site.Close()
		<-stopped
	}()
	logger.Info("templive demo listening", "url", "http://"+ln.Addr().String()+"/", "dev", devMode)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-shutdown // the views are saved before NATS goes (stopNATS)
	return nil
}

// devFlag is a boolean flag whose default depends on the listening address.
type devFlag struct{ set, on bool }

func (f *devFlag) IsBoolFlag() bool { return true }
func (f *devFlag) String() string {
	if !f.set {
		return "auto"
	}
	return strconv.FormatBool(f.on)
}
func (f *devFlag) Set(v string) error {
	on, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	f.set, f.on = true, on
	return nil
}

func (f *devFlag) value(addr net.Addr) bool {
	if f.set {
		return f.on
	}
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
