package live

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// A ViewStat describes one running live view, for a debug page.
type ViewStat struct {
	// Route is the view's route: the ServeMux pattern of its page, or
	// its URL path (see Observer).
	Route string
	// Connected is false while the view waits for its page to resume it.
	Connected bool
	// Mailbox is how many messages wait for the view.
	Mailbox int
	// Outbound is how many frames wait to be written to its page.
	Outbound int
	// Resting reports a view at rest (see Options.HibernateAfter).
	Resting bool
}

// Stats returns a snapshot of the live views h runs (those adopted or
// mounted by a live connection, and those waiting for their page to
// resume them), sorted by route. It is safe to call from any goroutine;
// each view's figures are read without stopping it, so they may be a
// moment apart.
func (h *Handler) Stats() []ViewStat {
	views := h.views.all()
	out := make([]ViewStat, 0, len(views))
	for _, s := range views {
		st := ViewStat{Route: s.route, Mailbox: s.waiting(), Resting: s.resting.Load()}
		s.cleanupMu.Lock()
		page := s.page
		s.cleanupMu.Unlock()
		if page != nil {
			page.mu.Lock()
			st.Connected = !page.dead
			st.Outbound = page.out.len()
			page.mu.Unlock()
		}
		out = append(out, st)
	}
	slices.SortStableFunc(out, func(a, b ViewStat) int { return cmp.Compare(a.Route, b.Route) })
	return out
}

// NewDebugHandler returns a Handler serving a live page that lists the
// live views of hs by route, with how many are connected and at rest and
// the deepest mailbox and outbound queue of each route, updated every
// second. It is built with templive: the page itself is a live view (and
// is not listed). opts may be nil.
//
// The page shows the app's routes and load: serve it only behind the
// app's authentication, or on an address only operators reach.
func NewDebugHandler(opts *Options, hs ...*Handler) *Handler {
	return NewHandler(func() View { return &debugView{handlers: hs} }, opts)
}

// debugTick is how often the debug page refreshes.
const debugTick = time.Second

type debugView struct {
	handlers []*Handler
	rows     []debugRow
	at       time.Time
}

type debugRow struct {
	route                          string
	views, connected, resting      int
	maxMailbox, maxOutbound, total int
}

func (v *debugView) Mount(ctx context.Context, c *Conn, r *http.Request) error {
	v.refresh()
	c.SendAfter(debugTick, debugTickMsg{})
	return nil
}

type debugTickMsg struct{}

func (v *debugView) HandleInfo(ctx context.Context, c *Conn, msg any) error {
	if _, ok := msg.(debugTickMsg); ok {
		v.refresh()
		c.SendAfter(debugTick, debugTickMsg{}) // ends with the view
	}
	return nil
}

func (v *debugView) refresh() {
	v.rows = v.rows[:0]
	byRoute := map[string]int{}
	for _, h := range v.handlers {
		for _, st := range h.Stats() {
			i, ok := byRoute[st.Route]
			if !ok {
				i = len(v.rows)
				byRoute[st.Route] = i
				v.rows = append(v.rows, debugRow{route: st.Route})
			}
			r := &v.rows[i]
			r.views++
			if st.Connected {
				r.connected++
			}
			if st.Resting {
				r.resting++
			}
			r.maxMailbox = max(r.maxMailbox, st.Mailbox)
			r.maxOutbound = max(r.maxOutbound, st.Outbound)
			r.total += st.Mailbox + st.Outbound
		}
	}
	slices.SortFunc(v.rows, func(a, b debugRow) int { return cmp.Compare(a.route, b.route) })
	v.at = time.Now()
}

func (v *debugView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		var b strings.Builder
		b.WriteString(`<h1>templive: live views</h1><table id="live-views"><thead><tr>` +
			`<th>route</th><th>views</th><th>connected</th><th>at rest</th><th>deepest mailbox</th><th>deepest outbound queue</th><th>waiting in all</th>` +
			`</tr></thead><tbody>`)
		for _, r := range v.rows {
			fmt.Fprintf(&b, `<tr id="route-%x"><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>`,
				r.route, html.EscapeString(r.route), r.views, r.connected, r.resting, r.maxMailbox, r.maxOutbound, r.total)
		}
		b.WriteString(`</tbody></table>`)
		if len(v.rows) == 0 {
			b.WriteString(`<p id="no-views">No live views.</p>`)
		}
		fmt.Fprintf(&b, `<p>Updated every second; last at <time>%s</time>.</p>`, v.at.UTC().Format(time.TimeOnly))
		_, err := io.WriteString(w, b.String())
		return err
	})
}
