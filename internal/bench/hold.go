package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
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

// hold keeps the connections open, beating their hearts as a browser
// would, for the configured time. With Reconnect, a client whose
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
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-t.C:
			for _, s := range slots {
				c := s.c.Load()
				select {
				case <-c.done:
					continue // dropped: a rejoin is on its way, or not asked for
				default:
				}
				if err := c.write(ctx, r, heartbeat); err != nil && ctx.Err() == nil {
					r.fail(err)
				}
			}
		}
	}
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
