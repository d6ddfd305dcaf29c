package live

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

// A ParamsHandler is a View whose state follows its page's URL. HandleParams
// runs after Mount (on the GET, and on a join that mounts afresh) with the
// page's URL, and again each time the URL changes without a new view: a
// live-patch link, Conn.PushPatch, the browser's back and forward buttons
// between such URLs. u holds the path and the query only. An error is
// handled as Mount's on the GET (500) and as an event's afterwards (logged,
// shown in the console; the view keeps running).
type ParamsHandler interface {
	HandleParams(ctx context.Context, c *Conn, u *url.URL) error
}

// A Titler is a View that names its page. Title is called after every
// render: the GET's <title> (the layout reads it with PageTitle) and, when
// it changes, the browser tab's title. Like Render, it must not change the
// view.
//
// A method rather than a setter on Conn: the title is a function of the
// view's state, like its HTML, so it cannot fall out of step with it (a
// SetTitle forgotten on one path of HandleEvent), and it is known on the
// GET before the layout renders.
type Titler interface {
	Title() string
}

// ErrNavigation is wrapped by the errors PushPatch and PushNavigate return
// for a URL they cannot go to.
var ErrNavigation = errors.New("live: bad navigation")

// A Site groups the live Handlers of one app, so that a page navigates
// between them (live-navigate links, Conn.PushNavigate) over its open
// WebSocket, with no full page load. Set the same *Site in the Options of
// every Handler of the app, as with PubSub; a handler without it (or with
// another Site) is reached by a full page load.
//
// The new page is still asked for over HTTP, by the client, so the app's
// own middleware (authentication, cookies, redirects) runs for it as for
// any GET; only the view it mounts then joins over the connection already
// open, with the signed token of that response. A Site is safe for
// concurrent use.
type Site struct {
	mu       sync.Mutex
	handlers []*Handler
}

// NewSite returns an empty Site. Handlers join it in NewHandler.
func NewSite() *Site { return &Site{} }

func (st *Site) add(h *Handler) {
	st.mu.Lock()
	st.handlers = append(st.handlers, h)
	st.mu.Unlock()
}

// take finds the view a navigation join is for among the views the site's
// handlers mounted for a GET and keep for their page: the token must verify
// with that view's handler's secrets and name the path the join's URL has.
func (st *Site) take(j *protocol.Join, now time.Time) (*session, error) {
	u, err := url.Parse(j.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: join URL: %v", ErrNavigation, err)
	}
	st.mu.Lock()
	hs := append([]*Handler(nil), st.handlers...)
	st.mu.Unlock()
	for _, h := range hs {
		tok, err := parseToken(j.Token, h.opts.Secrets, h.opts.TokenMaxAge, now)
		if err != nil || tok.path != u.Path {
			continue
		}
		if s := h.pending.take(tok.id); s != nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%w: no view of this site waits for that token", ErrNavigation)
}

// navState is a view's page location, title and flash, owned by its loop.
type navState struct {
	url     *url.URL          // the page's URL: path and query
	patchTo *url.URL          // a PushPatch not yet applied
	title   string            // the title the page shows
	flash   map[string]string // kind -> message
}

// PushPatch changes the page's URL to u, which must have the page's path
// (only the query and fragment may differ), and adds it to the browser's
// history, without a new view: HandleParams runs with u before the next
// render, and the page's address bar and history follow. It must be called
// from the view's callbacks. A u with another path returns an error wrapping
// ErrNavigation: use PushNavigate.
func (c *Conn) PushPatch(u string) error {
	s := c.s
	pu, err := localURL(u)
	if err != nil {
		return err
	}
	if s.nav.url != nil && pu.Path != s.nav.url.Path {
		return fmt.Errorf("%w: PushPatch %q: another path than %q (use PushNavigate)", ErrNavigation, u, s.nav.url.Path)
	}
	s.nav.patchTo = pu
	return nil
}

// PushNavigate takes the page to u, a URL of the same origin, once the
// current callback returns. When u is served by a Handler of the same Site,
// its view is mounted by an ordinary GET (the app's middleware runs) and
// joins over the page's open connection: no full page load, and the flash
// messages of this view go with it. Otherwise the browser loads u in full.
// This view ends. It must be called from the view's callbacks; a u that is
// not a local path returns an error wrapping ErrNavigation.
func (c *Conn) PushNavigate(u string) error {
	s := c.s
	pu, err := localURL(u)
	if err != nil {
		return err
	}
	if s.cur != nil {
		s.cur.handOver(s.nav.flash)
	}
	return s.push(protocol.PushNavigate, pu.String(), true)
}

// PutFlash shows msg as the page's flash message of kind ("info", "error"),
// replacing the one before; the view's templates read it with Flash. It
// outlives PushNavigate, into the next view, and is cleared when the user
// clicks the element that shows it, if that has live-flash="kind". It must
// be called from the view's callbacks.
func (c *Conn) PutFlash(kind, msg string) {
	if c.s.nav.flash == nil {
		c.s.nav.flash = make(map[string]string)
	}
	c.s.nav.flash[kind] = msg
}

// ClearFlash removes the flash message of kind.
func (c *Conn) ClearFlash(kind string) { delete(c.s.nav.flash, kind) }

// Flash returns the flash message of kind of the view being rendered, or
// "": for templates, which get ctx from the render.
func Flash(ctx context.Context, kind string) string {
	if s, ok := ctx.Value(sessionKey{}).(*session); ok {
		return s.nav.flash[kind]
	}
	return ""
}

// PageTitle returns the title of the view being rendered (see Titler), or
// "": for Options.Layout, whose ctx is the page's render's.
func PageTitle(ctx context.Context) string {
	if s, ok := ctx.Value(sessionKey{}).(*session); ok {
		if t, ok := s.view.(Titler); ok {
			return t.Title()
		}
	}
	return ""
}

// localURL parses u and refuses what is not a path of this origin: a
// navigation must never take the page, its token or its flash elsewhere.
func localURL(u string) (*url.URL, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrNavigation, u, err)
	}
	// Browsers read "//host" and "/\host" as another host.
	if pu.Scheme != "" || pu.Host != "" || pu.Opaque != "" || len(pu.Path) == 0 || pu.Path[0] != '/' || len(u) > 2048 ||
		strings.HasPrefix(u, "//") || strings.ContainsRune(u, '\\') {
		return nil, fmt.Errorf("%w: %q is not a path of this site", ErrNavigation, u)
	}
	return &url.URL{Path: pu.Path, RawPath: pu.RawPath, RawQuery: pu.RawQuery, Fragment: pu.Fragment}, nil
}

// params sets the page's URL and runs HandleParams with it.
func (s *session) params(ctx context.Context, u *url.URL) error {
	s.nav.url = u
	ph, ok := s.view.(ParamsHandler)
	if !ok {
		return nil
	}
	pu := *u
	pu.Fragment = ""
	return ph.HandleParams(ctx, s.conn, &pu)
}

// maxPatches bounds the PushPatch calls one render applies: HandleParams
// may itself patch (a canonical query), but not forever.
const maxPatches = 8

// beforeRender applies the PushPatch of the callback that just returned.
func (s *session) beforeRender() {
	for i := 0; s.nav.patchTo != nil && i < maxPatches; i++ {
		u := s.nav.patchTo
		s.nav.patchTo = nil
		if err := s.params(s.ctx, u); err != nil {
			s.h.log.WarnContext(s.ctx, "live: HandleParams failed", "url", u.String(), "err", err)
			s.send(protocol.AppendError(nil, 0, "HandleParams: "+err.Error()))
		}
		s.push(protocol.PushPatch, u.String(), true)
	}
	s.nav.patchTo = nil
}

// afterRender tells the page its title when it changed.
func (s *session) afterRender() {
	t, ok := s.view.(Titler)
	if !ok {
		return
	}
	if title := t.Title(); title != s.nav.title {
		s.nav.title = title
		s.push(protocol.PushTitle, title, true) // with the patch, not after it
	}
}

// patchEvent handles a live-patch link or a back/forward between patch
// entries: the URL changes, the view stays.
func (s *session) patchEvent(e Event) error {
	u, err := localURL(e.Values.Get(protocol.ValueURL))
	if err != nil {
		return err
	}
	if s.nav.url != nil && u.Path != s.nav.url.Path {
		return fmt.Errorf("%w: patch to %q: another path than %q", ErrNavigation, u.Path, s.nav.url.Path)
	}
	return s.params(s.ctx, u)
}

// reservedEvent handles the client's own events. It reports false for an
// app event.
func (s *session) reservedEvent(e Event) (bool, error) {
	switch e.Name {
	case protocol.NavPatch:
		return true, s.patchEvent(e)
	case protocol.NavClearFlash:
		delete(s.nav.flash, e.Values.Get(protocol.ValueKind))
		return true, nil
	}
	return false, nil
}

// leaveMsg ends a view whose page navigated to another over the same
// connection; done is closed once the view sends nothing more to it.
type leaveMsg struct {
	c    *wsConn
	done chan struct{}
}

// navigate moves the connection from view old to the view a second join
// names, mounted by the page's GET of the new URL on a handler of the same
// Site. It returns the new view, or nil when the join was refused: the page
// is then told to load the URL in full.
func (c *wsConn) navigate(ctx context.Context, old *session, j *protocol.Join) *session {
	site := c.h.opts.Site
	if site == nil {
		c.send(protocol.AppendError(nil, 0, "already joined"))
		return nil
	}
	next, err := site.take(j, time.Now())
	if err == nil && j.Version != protocol.Version {
		next.end()
		err = fmt.Errorf("%w: protocol version %d", ErrNavigation, j.Version)
	}
	if err != nil {
		c.h.log.InfoContext(ctx, "live: navigation refused, page will load in full", "url", j.URL, "err", err)
		c.send(protocol.AppendReload(nil, err.Error()))
		return nil
	}
	// The old view must be done with the connection before the new one
	// answers the join: the page takes the first answer as the join's.
	old.served(c)
	done := make(chan struct{})
	if old.post(c.ctx, leaveMsg{c, done}) {
		select {
		case <-done:
		case <-old.done:
		case <-c.ctx.Done():
		}
	}
	if c.console != nil {
		c.console.rename(next.id)
	}
	next.run()
	next.serving(c)
	if !next.post(c.ctx, attachMsg{c: c, join: j, flash: c.takeFlash()}) {
		c.fail(websocket.StatusTryAgainLater, "view ended")
		return nil
	}
	return next
}

// handOver keeps a view's flash messages for the view the connection
// navigates to next.
func (c *wsConn) handOver(flash map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flash = make(map[string]string, len(flash))
	for k, v := range flash {
		c.flash[k] = v
	}
}

func (c *wsConn) takeFlash() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.flash
	c.flash = nil
	return f
}
