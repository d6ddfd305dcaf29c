package todos

import (
	"slices"
	"strings"
	"sync"
)

// A Todo is one thing to do.
type Todo struct {
	ID    int
	Title string
	Done  bool
}

// store keeps each user's todos in memory. It is safe for concurrent use:
// the views of several tabs share it.
type store struct {
	mu     sync.Mutex
	nextID int
	byUser map[string][]Todo
}

func (s *store) list(user string) []Todo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.byUser[user])
}

func (s *store) add(user, title string) Todo {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byUser == nil {
		s.byUser = make(map[string][]Todo)
	}
	s.nextID++
	t := Todo{ID: s.nextID, Title: strings.TrimSpace(title)}
	s.byUser[user] = append(s.byUser[user], t)
	return t
}

func (s *store) get(user string, id int) (Todo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.byUser[user] {
		if t.ID == id {
			return t, true
		}
	}
	return Todo{}, false
}

func (s *store) toggle(user string, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, t := range s.byUser[user] {
		if t.ID == id {
			s.byUser[user][i].Done = !t.Done
		}
	}
}

func (s *store) remove(user string, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byUser[user] = slices.DeleteFunc(s.byUser[user], func(t Todo) bool { return t.ID == id })
}
