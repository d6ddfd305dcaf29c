package live

import "context"

// The view's mailbox: the only way into its loop (loop.go) for anything
// but the goroutine that runs it.

// post delivers m to the view's mailbox, waiting for room. It reports false
// if the view ended or ctx was cancelled first.
func (s *session) post(ctx context.Context, m message) bool {
	for {
		switch room, err := s.tryPost(m); err {
		case nil:
			return true
		case ErrMailboxFull:
			select {
			case <-room:
			case <-s.done:
				return false
			case <-ctx.Done():
				return false
			}
		default:
			return false
		}
	}
}

// tryPost delivers m to the view's mailbox if it has room. If not, it
// returns ErrMailboxFull and a channel closed when there may be room.
func (s *session) tryPost(m message) (room <-chan struct{}, err error) {
	s.mailboxMu.Lock()
	select {
	case <-s.done:
		s.mailboxMu.Unlock()
		return nil, ErrNotConnected
	default:
	}
	if s.mailbox.len() >= s.h.opts.MailboxSize {
		room = s.mailbox.wait()
		s.mailboxMu.Unlock()
		return room, ErrMailboxFull
	}
	s.mailbox.push(m)
	s.mailboxMu.Unlock()
	s.wake()
	return nil, nil
}

// next takes the oldest message from the mailbox.
func (s *session) next() (message, bool) {
	s.mailboxMu.Lock()
	defer s.mailboxMu.Unlock()
	return s.mailbox.pop()
}

// waiting reports how many messages wait in the mailbox.
func (s *session) waiting() int {
	s.mailboxMu.Lock()
	defer s.mailboxMu.Unlock()
	return s.mailbox.len()
}
