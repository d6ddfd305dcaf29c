package live

// A Conn is a view's handle on its live page. The framework passes it to
// every callback; a view may keep it to reach its page later.
//
// Send and SendAfter may be called from any goroutine. Every other method
// must be called from the view's own callbacks.
type Conn struct {
	s *session
}

// Connected reports whether the view runs live. It is false while the view
// is mounted for the page's plain HTTP GET and true in callbacks after the
// page's live connection has joined. A view need not check it before
// starting work in Mount: subscriptions and async tasks started during the
// GET begin only when the page connects, and timers and messages wait in
// the view's mailbox until then; all of it is dropped for a page that never
// connects.
func (c *Conn) Connected() bool { return c.s.connected }

// Send delivers msg to the view's HandleInfo, in the view's loop,
// without blocking. It returns ErrNotConnected once the view has ended and
// ErrMailboxFull when the view is too far behind; the message is then
// dropped.
func (c *Conn) Send(msg any) error {
	_, err := c.s.tryPost(infoMsg{msg})
	if err == ErrMailboxFull {
		c.s.h.opts.Observer.dropped(c.s.ctx, c.s.route, dropMailbox)
	}
	return err
}
