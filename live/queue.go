package live

// A fifo is a queue that holds its storage only while it holds something:
// the mailbox of a view and the outbound frames of a connection, which
// are empty nearly all the time. Its owner bounds it and locks it.
type fifo[T any] struct {
	items []T
	head  int           // items[head:] wait
	room  chan struct{} // made by a waiter for room, closed by pop
}

func (q *fifo[T]) len() int { return len(q.items) - q.head }

func (q *fifo[T]) push(v T) { q.items = append(q.items, v) }

// pop takes the oldest item, and wakes those waiting for room.
func (q *fifo[T]) pop() (v T, ok bool) {
	if q.head == len(q.items) {
		return v, false
	}
	var zero T
	v, q.items[q.head] = q.items[q.head], zero
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
		if cap(q.items) > 4 {
			q.items = nil // a burst's storage is not kept for the quiet after it
		}
	}
	wake(&q.room)
	return v, true
}

// wait returns a channel closed when an item leaves the queue.
func (q *fifo[T]) wait() <-chan struct{} { return waitOn(&q.room) }

// reset empties the queue and wakes those waiting for room.
func (q *fifo[T]) reset() {
	clear(q.items)
	q.items, q.head = nil, 0
	wake(&q.room)
}

// waitOn returns *ch, made if no one waits yet, for a waiter; wake closes it.
func waitOn(ch *chan struct{}) <-chan struct{} {
	if *ch == nil {
		*ch = make(chan struct{})
	}
	return *ch
}

// wake closes *ch, if a waiter made it, to wake every waiter.
func wake(ch *chan struct{}) {
	if *ch != nil {
		close(*ch)
		*ch = nil
	}
}
