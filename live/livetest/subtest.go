package livetest

import (
	"slices"
	"testing"
)

// OpenIn opens the page at path in a new tab of the Server, as Open does,
// for the test t: typically a subtest of the Server's test, one row of a
// table test run with t.Run. The page reports its failures to t, and t's
// end closes it (its connection drops as a closed tab's does), while the
// Server serves on for the other subtests. The page must be used from t's
// goroutine. Subtests that run in parallel (t.Parallel) need a Server of
// their own: NewServer(t, h) or Open(t, h, path) inside the subtest.
func (s *Server) OpenIn(t testing.TB, path string) *Page {
	t.Helper()
	p := s.open(t, path)
	t.Cleanup(func() {
		p.shut()
		s.pages = slices.DeleteFunc(s.pages, func(q *Page) bool { return q == p })
	})
	return p
}
