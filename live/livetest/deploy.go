package livetest

import "net/http"

// Deploy simulates a graceful restart, as in a deploy: the old handler is
// closed first, if it has a Close method (a live.Handler with
// [live.Options.Store] then saves its Snapshotter views, and their pages
// hear 1012), every connection then drops, and h serves from then on. Open
// pages are left disconnected; Page.Reconnect rejoins h, which restores
// their views whole from the Store if h shares it, or else mounts them
// afresh and recovers their forms. Restart, by contrast, drops the
// connections before it closes the old handler, as a crash would: give h
// another Store there, or none, to test that a crash saves nothing.
func (s *Server) Deploy(h http.Handler) {
	s.t.Helper()
	if h == nil {
		s.t.Fatal("livetest: Deploy: nil handler")
	}
	closeHandler(*s.handler.Load())
	s.ln.dropAll()
	for _, p := range s.pages {
		p.noticeDrop()
	}
	s.handler.Store(&h)
}
