package live

import (
	"sync"
	"time"
)

// The Handler's registries of views: those mounted for a GET and waiting
// for their page's live connection, and those running live.

// pendingViews holds views mounted for a GET until their live connection
// adopts them. Expiry is lazy: entries are appended in time order, so the
// expired ones are always at the front.
type pendingViews struct {
	mu    sync.Mutex
	byID  map[viewID]*session
	queue []pendingEntry
}

type pendingEntry struct {
	id      viewID
	expires time.Time
}

func (p *pendingViews) put(s *session, max int, ttl time.Duration) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byID == nil {
		p.byID = make(map[viewID]*session)
	}
	for len(p.queue) > 0 && (now.After(p.queue[0].expires) || len(p.byID) >= max) {
		if old := p.byID[p.queue[0].id]; old != nil {
			delete(p.byID, p.queue[0].id)
			old.end()
		}
		p.queue = p.queue[1:]
	}
	p.byID[s.id] = s
	p.queue = append(p.queue, pendingEntry{s.id, now.Add(ttl)})
	if len(p.queue) > 2*len(p.byID)+64 { // shed taken entries left in the queue
		kept := p.queue[:0]
		for _, e := range p.queue {
			if p.byID[e.id] != nil {
				kept = append(kept, e)
			}
		}
		clear(p.queue[len(kept):])
		p.queue = kept
	}
}

func (p *pendingViews) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, s := range p.byID {
		s.end()
		delete(p.byID, id)
	}
	p.queue = nil
}

func (p *pendingViews) take(id viewID) *session {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.byID[id]
	delete(p.byID, id)
	return s
}

// liveViews holds the running views by id, attached or waiting for their
// page to rejoin, so that a rejoin finds its view even before the server
// has noticed that the old connection died.
type liveViews struct {
	mu       sync.Mutex
	byID     map[viewID]*session
	detached int // views with no connection, bounded by MaxDetached
}

func (l *liveViews) add(s *session) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byID == nil {
		l.byID = make(map[viewID]*session)
	}
	l.byID[s.id] = s
}

func (l *liveViews) all() []*session {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*session, 0, len(l.byID))
	for _, s := range l.byID {
		out = append(out, s)
	}
	return out
}

func (l *liveViews) get(id viewID) *session {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byID[id]
}

func (l *liveViews) remove(s *session) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byID[s.id] == s {
		delete(l.byID, s.id)
	}
}

// detach counts one more view without a connection, unless max are
// already waiting.
func (l *liveViews) detach(max int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.detached >= max {
		return false
	}
	l.detached++
	return true
}

func (l *liveViews) reattach() {
	l.mu.Lock()
	l.detached--
	l.mu.Unlock()
}
