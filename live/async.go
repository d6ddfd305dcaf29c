package live

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// An AsyncHandler is a View that receives the results of the tasks it
// starts with Conn.StartAsync, in the view's loop. name is the task's
// name; value and err are what the task returned. A task that panicked
// gives a *PanicError. An error HandleAsync returns is logged.
//
// A view that is not an AsyncHandler has its tasks' errors logged and their
// values dropped.
type AsyncHandler interface {
	HandleAsync(ctx context.Context, c *Conn, name string, value any, err error) error
}

// A PanicError is the error HandleAsync receives for a task that panicked:
// the panic is recovered on the task's goroutine, logged with its stack, and
// the view carries on.
type PanicError struct {
	Value any    // what the task panicked with
	Stack []byte // the task's stack when it panicked
}

func (e *PanicError) Error() string { return fmt.Sprintf("live: task panicked: %v", e.Value) }

// A Task is the function StartAsync runs on its own goroutine. ctx is
// cancelled when the task is cancelled by name, replaced by a task of the
// same name, or when its view ends: a task must return soon after. send
// delivers msg to the view's HandleInfo, in order, waiting for room in the
// view's mailbox; it returns an error, and delivers nothing, once ctx is
// done. Messages a cancelled task sent that the view has not handled yet are
// dropped too.
type Task func(ctx context.Context, send func(msg any) error) (any, error)

// StartAsync runs task on a new goroutine as the task called name, and
// hands its result to the view's HandleAsync. A task of the same name still
// running is cancelled first, and its result never delivered. Use Async to
// show the task's state in the page.
//
// Tasks belong to their view: when the view ends (its page closed, the
// handler closed) their contexts are cancelled, and a task that has not
// returned by then has its result dropped. A panic in a task never crashes
// the view: HandleAsync receives a *PanicError. StartAsync must be called
// from the view's callbacks. A task started while the view is mounted for
// the page's plain HTTP GET starts when the page's live connection adopts
// the view, and never for a page that does not connect (a crawler, a
// browser without JavaScript).
func (c *Conn) StartAsync(name string, task Task) {
	c.s.whenLive(func() { c.startAsync(name, task) })
}

func (c *Conn) startAsync(name string, task Task) {
	s := c.s
	w := s.workers()
	ctx, cancel := context.WithCancel(s.ctx)
	w.mu.Lock()
	if w.ended {
		w.mu.Unlock()
		cancel()
		return
	}
	if old := w.tasks[name]; old != nil {
		old.cancel()
	}
	t := &taskRun{name: name, cancel: cancel}
	w.tasks[name] = t
	w.mu.Unlock()

	send := func(msg any) error {
		if ctx.Err() == nil && s.post(ctx, taskMsg{t, msg}) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return ErrNotConnected
	}
	go func() {
		defer cancel()
		v, err := t.run(ctx, task, send)
		if p, ok := err.(*PanicError); ok {
			s.h.log.ErrorContext(s.ctx, "live: task panicked", "task", name, "panic", fmt.Sprint(p.Value), "stack", string(p.Stack))
			s.h.reportCrash(s.ctx, s, "task", "", p.Value, p.Stack)
		}
		if ctx.Err() == nil {
			s.post(ctx, doneMsg{t, v, err})
		}
	}()
}

// CancelAsync cancels the task called name and reports whether one was
// running. Its context is cancelled and neither its result nor the
// messages it sent that the view has not handled yet reach the view. It
// must be called from the view's callbacks.
func (c *Conn) CancelAsync(name string) bool {
	w := c.s.workers()
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.tasks[name]
	if t == nil {
		return false
	}
	delete(w.tasks, name)
	t.cancel()
	return true
}

// SendAfter sends msg to the view's HandleInfo after d, like Send from a
// timer, and returns a func that stops the timer, reporting whether it did
// so before the message was sent. The timer dies with the view: when the
// view ends, pending timers are stopped. A message due while the view's
// mailbox is full waits for room. SendAfter may be called from any
// goroutine.
func (c *Conn) SendAfter(d time.Duration, msg any) (stop func() bool) {
	s := c.s
	w := s.workers()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return func() bool { return false }
	}
	t := new(timer) // the key, set before the timer can fire
	t.Timer = time.AfterFunc(d, func() {
		if w.drop(t) { // not stopped, view running
			s.post(s.ctx, infoMsg{msg})
		}
	})
	w.timers[t] = struct{}{}
	return func() bool {
		t.Stop()
		return w.drop(t)
	}
}

// An Async is the state of a value computed by a task, for templates: idle
// (the zero value), Loading while the task runs, then OK with the task's
// Value, or failed with its Err. A new run keeps the last Value until it
// finishes, so a page can show it while it refreshes.
//
//	func (v *View) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
//		v.Report.Start()
//		c.StartAsync("report", buildReport)
//		return nil
//	}
//
//	func (v *View) HandleAsync(ctx context.Context, c *live.Conn, name string, value any, err error) error {
//		v.Report.Finish(value, err)
//		return nil
//	}
type Async[T any] struct {
	Loading bool  // a task is running
	OK      bool  // the last run succeeded
	Value   T     // the last successful run's value
	Err     error // the last run's error, or nil
}

// Start marks a new run: Loading, with no error. Value is kept.
func (a *Async[T]) Start() {
	a.Loading, a.Err = true, nil
}

// Finish records a run's outcome, as HandleAsync receives it. A value that
// is not a T (nor nil) records an error saying so.
func (a *Async[T]) Finish(value any, err error) {
	a.Loading = false
	if err == nil {
		switch v := value.(type) {
		case T:
			a.Value = v
		case nil:
			var zero T
			a.Value = zero
		default:
			var zero T
			err = fmt.Errorf("live: task value is %T, want %T", value, zero)
		}
	}
	a.OK, a.Err = err == nil, err
}

// Failed reports whether the last run failed.
func (a *Async[T]) Failed() bool { return a.Err != nil }

// workers holds what a view started that runs beside it: tasks and
// timers. Their stop runs when the view ends (session.onEnd).
type workers struct {
	once   sync.Once
	mu     sync.Mutex
	ended  bool
	tasks  map[string]*taskRun
	timers map[*timer]struct{}
}

// timer is a SendAfter timer.
type timer struct{ *time.Timer }

// taskRun is one run of a named task.
type taskRun struct {
	name   string
	cancel context.CancelFunc
}

type (
	taskMsg struct {
		t   *taskRun
		msg any
	}
	doneMsg struct {
		t     *taskRun
		value any
		err   error
	}
)

func (s *session) workers() *workers {
	w := &s.work
	w.once.Do(func() {
		w.tasks = make(map[string]*taskRun)
		w.timers = make(map[*timer]struct{})
		s.onEnd(w.stop)
	})
	return w
}

// stop cancels every task and stops every timer, for good.
func (w *workers) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = true
	for name, t := range w.tasks {
		t.cancel()
		delete(w.tasks, name)
	}
	for t := range w.timers {
		t.Stop()
		delete(w.timers, t)
	}
}

// drop forgets timer t and reports whether it was still pending.
func (w *workers) drop(t *timer) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.timers[t]
	delete(w.timers, t)
	return ok
}

// current reports whether t is the running task of its name; with
// finished, it also forgets it.
func (w *workers) current(t *taskRun, finished bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.tasks[t.name] != t {
		return false
	}
	if finished {
		delete(w.tasks, t.name)
	}
	return true
}

func (t *taskRun) run(ctx context.Context, task Task, send func(any) error) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return task(ctx, send)
}

// taskMessage handles a message a task sent, if the task still runs.
func (s *session) taskMessage(m taskMsg) {
	if s.work.current(m.t, false) {
		s.info(m.msg)
	}
}

// taskDone hands a task's result to the view, if the task was not
// cancelled, and sends the render.
func (s *session) taskDone(m doneMsg) {
	if !s.work.current(m.t, true) {
		return
	}
	ah, ok := s.view.(AsyncHandler)
	if !ok {
		if m.err != nil {
			s.h.log.WarnContext(s.ctx, "live: task failed", "task", m.t.name, "err", m.err)
		}
		return
	}
	if err := ah.HandleAsync(s.ctx, s.conn, m.t.name, m.value, m.err); err != nil {
		s.h.log.WarnContext(s.ctx, "live: HandleAsync failed", "task", m.t.name, "err", err)
	}
	s.update()
}
