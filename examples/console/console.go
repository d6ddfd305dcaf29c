// Package console is the dev log console demo: buttons that log on the
// server at each level, one that panics, and one that logs a burst, all
// shown in the browser's console when the server runs in dev mode.
package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Burst is how many records the burst button logs at once.
const Burst = 10_000

// View is the demo's state: what it did last, and how many clicks it had.
type View struct {
	log    *slog.Logger
	Last   string
	Clicks int
}

// New returns the view's constructor. Its records go to log, whose handler
// is the app's live.DevConsole in dev mode.
func New(log *slog.Logger) func() live.View {
	return func() live.View { return &View{log: log, Last: "nothing yet"} }
}

// Mount logs too: a page opened in a fresh tab finds this record in the
// replay, marked as its own.
func (v *View) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.log.InfoContext(ctx, "console demo mounted", "live", c.Connected(), "path", r.URL.Path)
	return nil
}

// Render shows the buttons and what happened last.
func (v *View) Render() templ.Component { return page(v) }

// HandleEvent logs with the event's ctx, so the page that clicked can tell
// its records from other tabs'.
func (v *View) HandleEvent(ctx context.Context, _ *live.Conn, e live.Event) error {
	v.Clicks++
	switch e.Name {
	case "info":
		v.log.InfoContext(ctx, "info from the server", "clicks", v.Clicks, slog.Group("user", "name", "ada", "admin", false))
	case "warn":
		v.log.WarnContext(ctx, "warn from the server", "clicks", v.Clicks, "quota", 0.93)
	case "error":
		v.log.ErrorContext(ctx, "error from the server", "clicks", v.Clicks, "err", errors.New("the database said no"))
	case "panic":
		panic("panic from the console demo")
	case "burst":
		for i := range Burst {
			v.log.InfoContext(ctx, "burst", "i", i)
		}
		v.Last = "burst of 10000"
		return nil
	default:
		return live.ErrUnknownEvent
	}
	v.Last = e.Name
	return nil
}
