package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

// A Handler serves one live view: a GET renders the page, the same URL
// upgraded to a WebSocket runs it live. It is an http.Handler, so it mounts
// on http.ServeMux or any router, behind the app's own middleware, which
// runs for both requests.
//
// A Handler is safe for concurrent use. Create one per route.
type Handler struct {
	newView func() View
	opts    Options
	log     *slog.Logger
	pending pendingViews
	views   liveViews
	closed  atomic.Bool
	crashes crashReports
	streams streams // open fallback streams (stream.go)
	// uploadFile, set only by tests, replaces the temporary files of
	// uploads (upload_state.go).
	uploadFile func(dir string) (uploadFile, error)
	// assets names the pages' static assets, in their tokens (snapshot.go).
	assets assetsSum
}

// NewHandler returns a Handler that serves the views newView creates, one
// per page load. opts may be nil.
func NewHandler(newView func() View, opts *Options) *Handler {
	if newView == nil {
		panic("live: NewHandler: newView is nil")
	}
	o := opts.withDefaults()
	if o.Layout == nil {
		o.Layout = defaultLayout
	}
	h := &Handler{newView: newView, opts: o, log: o.Logger, assets: assetsOf(o.AssetVersion)}
	if o.Site != nil {
		o.Site.add(h)
	}
	return h
}

// ServeHTTP renders the page for a GET or HEAD, runs the live view for a
// WebSocket upgrade, and serves the client script under AssetPrefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, h.opts.AssetPrefix):
		serveAsset(w, r)
	case isUpgrade(r):
		h.serveLive(w, r)
	case isStream(r):
		h.serveStream(w, r)
	case r.Method == http.MethodPost && r.Header.Get(protocol.StreamHeader) != "":
		h.servePost(w, r)
	case r.Header.Get("Sec-WebSocket-Key") != "":
		// A WebSocket handshake whose Upgrade a proxy stripped: no page
		// to mount for it; the client falls back to the stream.
		http.Error(w, "live: WebSocket upgrade stripped on the way", http.StatusBadRequest)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		h.servePage(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// Close ends every view the handler runs or keeps and closes their
// connections with status 1012 (service restart), so their pages reconnect,
// to another instance or to this one once it is back. Live connections
// that arrive afterwards are refused the same way. Call it when the server
// shuts down: http.Server.Shutdown does not know about WebSockets.
//
// With [Options.Store], Close first saves the state of each view that is a
// Snapshotter, waiting at most [Options.StoreTimeout], so that its page
// resumes it wherever it reconnects (see Snapshotter).
func (h *Handler) Close() error {
	h.closed.Store(true)
	h.pending.clear()
	views := h.views.all()
	h.saveViews(views)
	for _, s := range views {
		s.end()
	}
	return nil
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

func (h *Handler) scriptURL() string {
	return h.opts.AssetPrefix + loadClient().name
}

// servePage mounts a fresh view, renders the full page, and keeps the view
// for the page's live connection to adopt, so Mount runs once per page.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	s := h.newSession()
	kept := false
	defer func() {
		// Mount's panics are errors already; Render's and the layout's
		// are a 500 too, logged with their stack.
		if p := recover(); p != nil {
			stack := debug.Stack()
			h.log.ErrorContext(r.Context(), "live: view panicked", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(stack))
			h.reportCrash(r.Context(), s, "render", "", p, stack)
			http.Error(w, "internal server error", http.StatusInternalServerError)
		}
		if !kept {
			s.end() // and what a failed Mount started ends with it
		}
	}()
	if err := s.mount(r); err != nil {
		status := errorStatus(err)
		if status == http.StatusInternalServerError {
			h.log.ErrorContext(r.Context(), "live: mount failed", "path", r.URL.Path, "err", err)
		} else {
			h.log.InfoContext(r.Context(), "live: mount refused the page", "path", r.URL.Path, "status", status, "err", err)
		}
		h.serveError(w, r, status, err)
		return
	}
	if s.redirectPage(w, r) {
		return
	}
	// The view's templates and the layout read its flash and title.
	ctx := context.WithValue(r.Context(), sessionKey{}, s)
	body, err := s.renderTree(ctx)
	s.nav.title = PageTitle(ctx)
	if err != nil {
		h.log.ErrorContext(r.Context(), "live: render failed", "path", r.URL.Path, "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	tok := token{id: s.id, issued: time.Now(), assets: h.assets, path: r.URL.Path}.sign(h.opts.Secrets[0])
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if err := h.opts.Layout(livePage(tok, body, h.scriptURL())).Render(ctx, buf); err != nil {
		h.log.ErrorContext(r.Context(), "live: layout render failed", "path", r.URL.Path, "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	h.pending.put(s, h.opts.MaxPending, h.opts.AdoptTimeout)
	kept = true
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // the token is per page load
	w.Write(buf.Bytes())
}

// serveLive accepts the WebSocket, reads the join, and adopts or mounts the
// view. This goroutine returns as soon as the connection waits for the
// client (it parks: park.go), or hands it to one of its own where it cannot
// park: either way net/http lets go of what it kept for the request.
func (h *Handler) serveLive(w http.ResponseWriter, r *http.Request) {
	rw, sb := withSmallBuffers(w)
	ws, err := websocket.Accept(rw, r, &websocket.AcceptOptions{OriginPatterns: h.opts.OriginPatterns})
	if err != nil {
		h.log.WarnContext(r.Context(), "live: websocket upgrade refused", "path", r.URL.Path, "err", err)
		return // Accept has written the HTTP error
	}
	ws.SetReadLimit(h.opts.ReadLimit)
	c := newWSConn(h, ws, sb.conn)
	c.pk = sb.pk
	h.runConn(r, c, true)
}

// runConn reads c's join, attaches it to its view and serves it: on a
// goroutine of its own if detach (a WebSocket that cannot park: net/http
// lets go of the request), else on this one.
func (h *Handler) runConn(r *http.Request, c *wsConn, detach bool) {
	served := false
	defer func() {
		if !served {
			c.wait()
		}
	}()
	if h.closed.Load() {
		c.fail(websocket.StatusServiceRestart, "server shutting down")
		return
	}

	join, err := c.readJoin(r.Context())
	if err != nil {
		return // readJoin closed the connection with a reason
	}
	s, err := h.attachSession(r, join)
	if err != nil {
		var reload reloadError
		if errors.As(err, &reload) {
			h.log.InfoContext(r.Context(), "live: join refused, page will reload", "path", r.URL.Path, "reason", reload.reason)
			c.sendNow(protocol.AppendReload(nil, reload.reason))
			c.fail(websocket.StatusPolicyViolation, reload.reason)
			return
		}
		if refuseJoin(c, err) {
			h.log.InfoContext(r.Context(), "live: join refused", "path", r.URL.Path, "err", err)
			return
		}
		h.log.ErrorContext(r.Context(), "live: mount on join failed", "path", r.URL.Path, "err", err)
		c.fail(websocket.StatusInternalError, "mount failed")
		return
	}
	if h.opts.DevConsole != nil {
		h.opts.DevConsole.watch(r, c, s.id)
	}
	// What the connection logs keeps the request's values (the app's
	// middleware may have put a request ID there), not its end.
	ctx := context.WithoutCancel(r.Context())
	served = true // serve ends the connection
	if !detach || c.pk != nil {
		// The fallback stream's response is the connection; a
		// connection that parks returns as soon as it waits.
		c.serve(ctx, s, join)
		return
	}
	go c.serve(ctx, s, join)
}

// reloadError is a join the client cannot recover from but by reloading.
type reloadError struct{ reason string }

func (e reloadError) Error() string { return e.reason }

// attachSession finds the view a join belongs to: the one its GET mounted,
// or a fresh one mounted from the upgrade request (restart, other node,
// adoption window passed). A bad token mounts nothing.
func (h *Handler) attachSession(r *http.Request, j *protocol.Join) (*session, error) {
	if j.Version != protocol.Version {
		return nil, reloadError{fmt.Sprintf("protocol version %d, server speaks %d", j.Version, protocol.Version)}
	}
	tok, err := parseToken(j.Token, h.opts.Secrets, h.opts.TokenMaxAge, time.Now())
	if err != nil {
		return nil, reloadError{err.Error()}
	}
	if tok.path != r.URL.Path {
		return nil, reloadError{"token is for another page"}
	}
	if tok.assets != h.assets {
		return nil, reloadError{"static assets changed"}
	}
	if s := h.pending.take(tok.id); s != nil && j.Applied > 0 {
		// The page has applied patches: its live connection reached
		// another instance after this one served its GET. This view is
		// stale; the state is the other's (snapshot.go) or the forms'.
		s.end()
	} else if s != nil {
		// The OnMount hooks see the upgrade request too (auth.go).
		s.connected = true
		if err := s.runMountHooks(r); err != nil || s.redirect != "" {
			s.end()
			return nil, h.joinRefusal(r, s, err)
		}
		return s, nil
	}
	if s := h.views.get(tok.id); s != nil {
		return s, nil
	}
	if s, err := h.restoreSession(r, tok); s != nil || err != nil {
		return s, err // the view saved by another instance (snapshot.go)
	}
	s := h.newSession()
	s.id = tok.id
	if err := s.mount(r); err != nil || s.redirect != "" {
		s.end()
		return nil, h.joinRefusal(r, s, err)
	}
	s.recovered = true
	return s, nil
}
