// Package bench drives templive pages with many live clients that join
// like browsers, for `templive bench`: round-trip latency, throughput and
// bytes per event under load; how many idle connections servers hold; how
// long one PubSub message takes to reach every page (broadcast); and how
// fast pages rejoin after a node dies (reconnect). A run can spread its
// clients over several pages (nodes) and several processes.
package bench

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Config says what to measure.
type Config struct {
	URLs     []string      // the pages, e.g. http://127.0.0.1:8080/counter; client i uses URLs[i % len]
	Clients  int           // live connections to open
	Rate     float64       // events per second, all clients together (load mode)
	Duration time.Duration // how long to send events (load mode)
	Event    string        // the event each client sends, e.g. "inc"
	Idle     bool          // idle mode: open, join and hold
	Hold     time.Duration // how long to hold idle connections

	// Broadcast, if set, is an event that one more client (the publisher,
	// on URLs[0]) sends with Values once every client has joined; each
	// client then records when the first patch after that arrives. For
	// a page that publishes to a topic every page of it subscribes to
	// (the demo's /chat: Broadcast "send", Values message=...).
	Broadcast string
	Values    url.Values
	// BroadcastWait bounds the wait for the broadcast's patches; default
	// 60 s. Clients that have none by then count as not received.
	BroadcastWait time.Duration

	// Reconnect makes a client whose connection drops while held rejoin,
	// as the browser does: after a delay with full jitter, on another
	// page of URLs picked at random (another node, as behind a load
	// balancer), with its page's token.
	Reconnect bool

	// Procs > 1 runs the clients in Procs child processes, each started
	// by Spawn with the arguments of its share (see Args), and merges
	// their results: one process holds at most the open-files limit of
	// sockets.
	Procs int
	Spawn func(args []string) *exec.Cmd

	// First is the index of this run's first client among all the
	// clients of a run spread over processes: it picks the client's page
	// and source address. 0 for a run in one process.
	First int
	// Child says this process is one of those of a run with Procs: run
	// it with RunChild, which talks to the parent on stdin and stdout.
	Child bool

	// Progress, if set, is called about once a second while the run goes.
	Progress func(Progress)
}

// Progress is a snapshot taken while a run goes.
type Progress struct {
	Phase                     string // connect, broadcast, load, hold
	Connected, Events, Errors int64
	Elapsed                   time.Duration
}

// Result is what a run measured. Its JSON keys are the tool's output.
type Result struct {
	Clients           int     `json:"clients"`
	Connected         int64   `json:"connected"`
	Events            int64   `json:"events"`
	EventsPerSec      float64 `json:"events_per_sec"`
	P50ms             float64 `json:"p50_ms"`
	P90ms             float64 `json:"p90_ms"`
	P99ms             float64 `json:"p99_ms"`
	Maxms             float64 `json:"max_ms"`
	BytesUpPerEvent   float64 `json:"bytes_up_per_event"`
	BytesDownPerEvent float64 `json:"bytes_down_per_event"`
	// LogBytesDown counts the dev console's log frames, which the bytes
	// per event leave out: they depend on what the server logs, not on
	// the event, and a development server replays its latest records to
	// every connection that joins.
	LogBytesDown int64      `json:"log_bytes_down,omitempty"`
	Broadcast    *Broadcast `json:"broadcast,omitempty"`
	Reconnect    *Reconnect `json:"reconnect,omitempty"`
	Errors       int64      `json:"errors"`
	FirstError   string     `json:"first_error,omitempty"`

	// The raw samples a child process hands its parent, to Merge.
	LatenciesNs []int64 `json:"latencies_ns,omitempty"` // event round trips
	ArrivalsNs  []int64 `json:"arrivals_ns,omitempty"`  // Unix time the broadcast's patch arrived, per client
	DropsNs     []int64 `json:"drops_ns,omitempty"`     // Unix time a held connection dropped
	RejoinsNs   []int64 `json:"rejoins_ns,omitempty"`   // Unix time a dropped client joined again
}

// Broadcast is the fan-out of one message: the time from its publishing
// until each page had its patch.
type Broadcast struct {
	Received int     `json:"received"` // clients that got the patch in time
	P50ms    float64 `json:"p50_ms"`
	P90ms    float64 `json:"p90_ms"`
	P99ms    float64 `json:"p99_ms"`
	Maxms    float64 `json:"max_ms"`
}

// Reconnect is how dropped connections came back.
type Reconnect struct {
	Dropped       int     `json:"dropped"`
	Rejoined      int     `json:"rejoined"`
	HalfRejoinedS float64 `json:"half_rejoined_s"` // from the first drop until half the rejoins
	AllRejoinedS  float64 `json:"all_rejoined_s"`  // from the first drop until the last rejoin
	Per100ms      []int   `json:"per_100ms"`       // rejoins in each 100 ms after the first drop: the rate curve
}

type run struct {
	cfg       Config
	connected atomic.Int64
	events    atomic.Int64
	errors    atomic.Int64
	bytesUp   atomic.Int64
	bytesDown atomic.Int64
	logBytes  atomic.Int64 // dev console frames, not in bytesDown
	arrived   atomic.Int64 // clients that have the broadcast's patch
	phase     atomic.Value // string
	firstErr  atomic.Value // string
	mu        sync.Mutex
	latencies []int64
	drops     []int64
	rejoins   []int64
}

// addError counts err, if not nil, as the run's own.
func (res *Result) addError(err error) {
	if err == nil {
		return
	}
	res.Errors++
	if res.FirstError == "" {
		res.FirstError = err.Error()
	}
}

func (r *run) fail(err error) {
	r.errors.Add(1)
	r.firstErr.CompareAndSwap(nil, err.Error())
}

// ErrConfig is the error of a configuration that cannot run.
var ErrConfig = errors.New("bench: bad configuration")

func (cfg *Config) check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...)
	}
	if len(cfg.URLs) == 0 {
		return bad("-url is required")
	}
	for _, s := range cfg.URLs {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return bad("-url must be an http(s) URL of a live page, got %q", s)
		}
	}
	if cfg.Clients <= 0 {
		return bad("-clients must be positive")
	}
	if !cfg.Idle && (cfg.Rate <= 0 || cfg.Duration <= 0 || cfg.Event == "") {
		return bad("load mode needs -rate, -duration and -event")
	}
	if cfg.Procs > 1 && cfg.Spawn == nil {
		return bad("-procs needs a way to start the child processes")
	}
	if cfg.Procs > cfg.Clients {
		return bad("-procs %d is more than -clients %d", cfg.Procs, cfg.Clients)
	}
	if cfg.BroadcastWait <= 0 {
		cfg.BroadcastWait = time.Minute
	}
	return nil
}

// Run performs the measurement. It returns an error only when the run
// could not start; failures of single clients are counted in Errors.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.check(); err != nil {
		return Result{}, err
	}
	if cfg.Procs > 1 {
		return runProcs(ctx, cfg)
	}
	var t0 int64
	var perr error
	res := runOne(ctx, cfg, func(ctx context.Context) {
		if cfg.Broadcast != "" {
			t0, perr = publish(ctx, cfg)
		}
	})
	m := Merge([]Result{res}, t0)
	m.addError(perr)
	return m, nil
}

// runOne drives this process's clients and returns the raw result. ready is
// called once every client has joined (or failed to); the run goes on when
// it returns.
func runOne(ctx context.Context, cfg Config, ready func(context.Context)) Result {
	raiseFileLimit(cfg.Clients)
	r := &run{cfg: cfg}
	r.phase.Store("connect")
	start := time.Now()
	stopProgress := r.progress(ctx, start)
	defer stopProgress()

	// Connect everyone first, a few at a time, as a crowd arriving. Hearts
	// beat from the first connection on: a server closes a connection
	// that stays silent for long (live.Options.IdleTimeout), and a big
	// crowd takes a while to arrive.
	slots := make([]*slot, cfg.Clients)
	for i := range slots {
		n := cfg.First + i
		page := n % len(cfg.URLs)
		slots[i] = &slot{page: page, dialer: dialerFor(cfg.URLs[page], n)}
	}
	stopBeats := r.heartbeats(ctx, slots)
	defer stopBeats()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for _, s := range slots {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := r.connect(ctx, s.dialer, cfg.URLs[s.page])
			if err != nil {
				r.fail(err)
				return
			}
			s.c.Store(c)
			r.connected.Add(1)
		}()
	}
	wg.Wait()
	live := slices.DeleteFunc(slots, func(s *slot) bool { return s.c.Load() == nil })
	defer func() {
		stopBeats() // before the connections close: no write to a closed one
		for _, s := range live {
			s.c.Load().close()
		}
	}()
	if cfg.Broadcast != "" {
		for _, s := range live {
			s.c.Load().armed.Store(true)
		}
	}
	ready(ctx)

	res := Result{Clients: cfg.Clients}
	if cfg.Broadcast != "" {
		r.phase.Store("broadcast")
		res.ArrivalsNs = r.awaitBroadcast(ctx, live)
	}
	if cfg.Idle {
		r.phase.Store("hold")
		r.hold(ctx, live)
	} else if len(live) > 0 {
		r.phase.Store("load")
		start = time.Now()
		r.load(ctx, live)
		res.EventsPerSec = float64(r.events.Load()) / time.Since(start).Seconds()
	}
	res.Connected = r.connected.Load()
	res.Events = r.events.Load()
	res.Errors = r.errors.Load()
	if s, ok := r.firstErr.Load().(string); ok {
		res.FirstError = s
	}
	res.LogBytesDown = r.logBytes.Load()
	if res.Events > 0 {
		res.BytesUpPerEvent = float64(r.bytesUp.Load()) / float64(res.Events)
		res.BytesDownPerEvent = float64(r.bytesDown.Load()) / float64(res.Events)
	}
	r.mu.Lock()
	res.LatenciesNs, res.DropsNs, res.RejoinsNs = r.latencies, r.drops, r.rejoins
	r.mu.Unlock()
	return res
}

// progress reports once a second until stopped.
func (r *run) progress(ctx context.Context, start time.Time) func() {
	if r.cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				r.cfg.Progress(Progress{r.phase.Load().(string), r.connected.Load(), r.events.Load(), r.errors.Load(), time.Since(start)})
			case <-done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// load sends events at the configured total rate, round robin over the
// clients, each waiting for its reply before it counts. Events are paced by
// how many are due since the start, not by ticks, so a busy machine that
// misses ticks catches up instead of sending fewer.
func (r *run) load(ctx context.Context, slots []*slot) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Duration)
	defer cancel()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	var wg sync.WaitGroup
	start := time.Now()
	sent, next := 0, 0
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-tick.C:
		}
		due := int(time.Since(start).Seconds()*r.cfg.Rate) - sent
		for ; due > 0; due-- {
			sent++
			c := slots[next%len(slots)].c.Load()
			next++
			if !c.busy.CompareAndSwap(false, true) {
				continue // still waiting for its last reply: skip, do not queue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.busy.Store(false)
				d, err := c.event(ctx, r, r.cfg.Event, nil)
				if err != nil {
					if ctx.Err() == nil {
						r.fail(err)
					}
					return
				}
				r.events.Add(1)
				r.mu.Lock()
				r.latencies = append(r.latencies, int64(d))
				r.mu.Unlock()
			}()
		}
	}
}
