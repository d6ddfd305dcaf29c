package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// heartbeatEvery is the browser client's heartbeat interval (js/src/socket.js).
const heartbeatEvery = 30 * time.Second

// The browser's reconnect delays (js/src/socket.js): full jitter, uniform in
// [0, min(backoffCap, backoffBase·2^attempt)).
const (
	backoffBase = 200 * time.Millisecond
	backoffCap  = 5 * time.Second
)

func backoff(attempt int) time.Duration {
	bound := backoffCap
	if attempt < 5 && backoffBase<<attempt < backoffCap {
		bound = backoffBase << attempt
	}
	return rand.N(bound)
}

// hold keeps the connections open for the configured time (their hearts
// beat all the run long: see heartbeats). With Reconnect, a client whose
// connection drops rejoins on another page, as a browser behind a load
// balancer would find another node.
func (r *run) hold(ctx context.Context, slots []*slot) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Hold)
	defer cancel()
	var wg sync.WaitGroup
	if r.cfg.Reconnect {
		for _, s := range slots {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.keep(ctx, s)
			}()
		}
	}
	<-ctx.Done()
	wg.Wait()
}

// heartbeats beats the heart of every connected client every
// heartbeatEvery, as the browser does, until the returned stop is called
// (it may be called more than once).
func (r *run) heartbeats(ctx context.Context, slots []*slot) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			for _, s := range slots {
				c := s.c.Load()
				if c == nil {
					continue // not connected (yet)
				}
				select {
				case <-c.done:
					continue // dropped: a rejoin is on its way, or not asked for
				default:
				}
				// Not counted in the bytes per event, nor their answers.
				if err := c.ws.Write(ctx, websocket.MessageText, heartbeat); err != nil && ctx.Err() == nil {
					r.fail(err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// keep rejoins s each time its connection drops, until ctx ends.
func (r *run) keep(ctx context.Context, s *slot) {
	for {
		c := s.c.Load()
		select {
		case <-ctx.Done():
			return
		case <-c.done:
		}
		r.mu.Lock()
		r.drops = append(r.drops, time.Now().UnixNano())
		r.mu.Unlock()
		for attempt := 0; ; attempt++ {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff(attempt)):
			}
			// Another page at random, as a load balancer picks a node:
			// a dead node's pages spread over the others.
			if n := len(r.cfg.URLs); n > 1 {
				s.page = (s.page + 1 + rand.IntN(n-1)) % n
			}
			page := r.cfg.URLs[s.page]
			nc, err := r.join(ctx, s.dialer, page, c.token)
			if errors.Is(err, errRefused) { // the browser would load the page again
				nc, err = r.connect(ctx, s.dialer, page)
			}
			if err != nil {
				continue
			}
			s.c.Store(nc)
			c.ws.CloseNow()
			r.mu.Lock()
			r.rejoins = append(r.rejoins, time.Now().UnixNano())
			r.mu.Unlock()
			break
		}
	}
}

// awaitBroadcast waits until every client has the broadcast's patch, or
// BroadcastWait has passed, and returns when each got it.
func (r *run) awaitBroadcast(ctx context.Context, slots []*slot) []int64 {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.BroadcastWait)
	defer cancel()
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
wait:
	for r.arrived.Load() < int64(len(slots)) {
		select {
		case <-ctx.Done():
			break wait
		case <-t.C:
		}
	}
	var at []int64
	for _, s := range slots {
		if a := s.c.Load().arrival.Load(); a != 0 {
			at = append(at, a)
		}
	}
	return at
}

// publish sends the broadcast event from a page of its own on the first
// URL, and returns when it sent it (Unix nanoseconds).
func publish(ctx context.Context, cfg Config) (int64, error) {
	r := &run{cfg: cfg}
	c, err := r.connect(ctx, dialerFor(cfg.URLs[0], 0), cfg.URLs[0])
	if err != nil {
		return 0, fmt.Errorf("bench: the broadcast's page: %w", err)
	}
	defer c.close()
	t0 := time.Now().UnixNano()
	if _, err := c.event(ctx, r, cfg.Broadcast, cfg.Values); err != nil {
		return 0, fmt.Errorf("bench: the broadcast's event: %w", err)
	}
	return t0, nil
}
