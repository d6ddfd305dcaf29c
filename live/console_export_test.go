package live

// ConsolePages reports how many connections d streams to: what the tests
// of package live_test cannot see on the wire, that none is watched.
func ConsolePages(d *DevConsole) int {
	d.hub.mu.Lock()
	defer d.hub.mu.Unlock()
	return len(d.hub.pages)
}

// RestingViews reports how many of h's live views are at rest
// (Options.HibernateAfter).
func RestingViews(h *Handler) (n int) {
	for _, s := range h.views.all() {
		if s.resting.Load() {
			n++
		}
	}
	return n
}
