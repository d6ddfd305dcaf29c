package main

import (
	"context"
	"strings"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Home is one page's state; each page load gets its own, owned by one
// goroutine, so it needs no locks.
type Home struct {
	Name  string
	Count int
}

func (h *Home) Render() templ.Component { return home(h.Name, h.Count) }

func (h *Home) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "greet":
		h.Name = strings.TrimSpace(e.Get("name"))
	case "inc":
		h.Count++
	case "dec":
		h.Count--
	default:
		return live.ErrUnknownEvent
	}
	return nil
}
