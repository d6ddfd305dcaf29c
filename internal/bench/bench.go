// Package bench drives a templive page with many live clients that join
// like browsers, for `templive bench`: round-trip latency, throughput and
// bytes per event under load, or how many idle connections a server holds.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

// Config says what to measure.
type Config struct {
	URL      string        // the page, e.g. http://127.0.0.1:8080/counter
	Clients  int           // live connections to open
	Rate     float64       // events per second, all clients together (load mode)
	Duration time.Duration // how long to send events (load mode)
	Event    string        // the event each client sends, e.g. "inc"
	Idle     bool          // idle mode: open, join and hold
	Hold     time.Duration // how long to hold idle connections
	// Progress, if set, is called about once a second while the run goes.
	Progress func(Progress)
}

// Progress is a snapshot taken while a run goes.
type Progress struct {
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
	LogBytesDown int64  `json:"log_bytes_down,omitempty"`
	Errors       int64  `json:"errors"`
	FirstError   string `json:"first_error,omitempty"`
}

type run struct {
	cfg       Config
	wsURL     string
	connected atomic.Int64
	events    atomic.Int64
	errors    atomic.Int64
	bytesUp   atomic.Int64
	bytesDown atomic.Int64
	logBytes  atomic.Int64 // dev console frames, not in bytesDown
	firstErr  atomic.Value // string
	mu        sync.Mutex
	latencies []time.Duration
}

func (r *run) fail(err error) {
	r.errors.Add(1)
	r.firstErr.CompareAndSwap(nil, err.Error())
}

// Run performs the measurement. It returns an error only when the run
// could not start; failures of single clients are counted in Errors.
func Run(ctx context.Context, cfg Config) (Result, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return Result{}, fmt.Errorf("bench: -url must be an http(s) URL of a live page, got %q", cfg.URL)
	}
	if cfg.Clients <= 0 {
		return Result{}, errors.New("bench: -clients must be positive")
	}
	if !cfg.Idle && (cfg.Rate <= 0 || cfg.Duration <= 0 || cfg.Event == "") {
		return Result{}, errors.New("bench: load mode needs -rate, -duration and -event")
	}
	raiseFileLimit(cfg.Clients)
	ws := *u
	ws.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	r := &run{cfg: cfg, wsURL: ws.String()}
	dialers := newDialers(u.Hostname(), cfg.Clients)

	start := time.Now()
	stopProgress := r.progress(ctx, start)
	defer stopProgress()

	// Connect everyone first, a few at a time, as a crowd arriving.
	clients := make([]*client, cfg.Clients)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := r.connect(ctx, dialers.pick(i))
			if err != nil {
				r.fail(err)
				return
			}
			clients[i] = c
			r.connected.Add(1)
		}()
	}
	wg.Wait()
	live := slices.DeleteFunc(clients, func(c *client) bool { return c == nil })
	defer func() {
		for _, c := range live {
			c.close()
		}
	}()

	res := Result{Clients: cfg.Clients}
	if cfg.Idle {
		r.hold(ctx, live)
	} else if len(live) > 0 {
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
	slices.Sort(r.latencies)
	ms := func(q float64) float64 {
		if len(r.latencies) == 0 {
			return 0
		}
		i := int(q * float64(len(r.latencies)-1))
		return float64(r.latencies[i]) / float64(time.Millisecond)
	}
	res.P50ms, res.P90ms, res.P99ms, res.Maxms = ms(0.50), ms(0.90), ms(0.99), ms(1)
	return res, nil
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
				r.cfg.Progress(Progress{r.connected.Load(), r.events.Load(), r.errors.Load(), time.Since(start)})
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
func (r *run) load(ctx context.Context, clients []*client) {
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
			c := clients[next%len(clients)]
			next++
			if !c.busy.CompareAndSwap(false, true) {
				continue // still waiting for its last reply: skip, do not queue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.busy.Store(false)
				d, err := c.event(ctx, r, r.cfg.Event)
				if err != nil {
					if ctx.Err() == nil {
						r.fail(err)
					}
					return
				}
				r.events.Add(1)
				r.mu.Lock()
				r.latencies = append(r.latencies, d)
				r.mu.Unlock()
			}()
		}
	}
}

// hold keeps the connections open, beating their hearts as a browser
// would, for the configured time.
func (r *run) hold(ctx context.Context, clients []*client) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Hold)
	defer cancel()
	t := time.NewTicker(25 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, c := range clients {
				if err := c.write(ctx, r, heartbeat); err != nil && ctx.Err() == nil {
					r.fail(err)
				}
			}
		}
	}
}

var tokenRE = regexp.MustCompile(`live-token="([^"]+)"`)

type client struct {
	ws      *websocket.Conn
	ref     uint64
	busy    atomic.Bool
	replies chan reply
	done    chan struct{}
}

type reply struct {
	ref uint64
	at  time.Time
}

// connect loads the page like a browser, then joins its live connection.
func (r *run) connect(ctx context.Context, d *net.Dialer) (*client, error) {
	hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}, Timeout: 30 * time.Second}
	resp, err := hc.Get(r.cfg.URL)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", r.cfg.URL, resp.Status)
	}
	m := tokenRE.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("GET %s: no live root in the page", r.cfg.URL)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, r.wsURL, &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}},
		HTTPHeader: http.Header{"Origin": {r.cfg.URL}},
	})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(16 << 20)
	c := &client{ws: ws, replies: make(chan reply, 16), done: make(chan struct{})}
	join := fmt.Sprintf(`[0,{"v":%d,"t":%q,"u":%q,"n":0}]`, protocol.Version, m[1], r.cfg.URL)
	if err := ws.Write(dctx, websocket.MessageText, []byte(join)); err != nil { // not counted: per connection, not per event
		ws.CloseNow()
		return nil, err
	}
	_, data, err := ws.Read(dctx)
	if err != nil {
		ws.CloseNow()
		return nil, fmt.Errorf("join: %w", err)
	}
	if !strings.HasPrefix(string(data), "[0,0") {
		ws.CloseNow()
		return nil, fmt.Errorf("join refused: %.100s", data)
	}
	go c.readLoop(r)
	return c, nil
}

func (c *client) write(ctx context.Context, r *run, frame []byte) error {
	r.bytesUp.Add(int64(len(frame)))
	return c.ws.Write(ctx, websocket.MessageText, frame)
}

// readLoop counts every byte the server sends, log frames apart, and hands
// replies to event.
func (c *client) readLoop(r *run) {
	defer close(c.done)
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		now := time.Now()
		if len(data) > 2 && data[1] == '0'+protocol.KindLog && data[2] == ',' { // a dev console frame: [6,...
			r.logBytes.Add(int64(len(data)))
			continue
		}
		r.bytesDown.Add(int64(len(data)))
		// Replies and errors answer an event: [0,ref...] or [3,ref...].
		if len(data) > 3 && (data[1] == '0' || data[1] == '3') && data[2] == ',' {
			end := 3
			for end < len(data) && data[end] >= '0' && data[end] <= '9' {
				end++
			}
			if ref, err := strconv.ParseUint(string(data[3:end]), 10, 64); err == nil {
				select {
				case c.replies <- reply{ref, now}:
				default:
				}
			}
		}
	}
}

// event sends one event and waits for its reply.
func (c *client) event(ctx context.Context, r *run, name string) (time.Duration, error) {
	c.ref++
	ref := c.ref
	frame := fmt.Appendf(nil, `[1,%d,%q]`, ref, name)
	start := time.Now()
	if err := c.write(ctx, r, frame); err != nil {
		return 0, err
	}
	for {
		select {
		case rep := <-c.replies:
			if rep.ref == ref {
				return rep.at.Sub(start), nil
			}
		case <-c.done:
			return 0, errors.New("connection closed while waiting for a reply")
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

func (c *client) close() {
	c.ws.Close(websocket.StatusNormalClosure, "")
	<-c.done
}

// dialers spreads connections over several loopback source addresses when
// one address would run out of ephemeral ports (about 28,000 per address).
type dialers []*net.Dialer

const perSource = 20000

func newDialers(host string, clients int) dialers {
	ip := net.ParseIP(host)
	if host == "localhost" {
		ip = net.IPv4(127, 0, 0, 1)
	}
	if ip == nil || ip.To4() == nil || !ip.IsLoopback() || clients <= perSource {
		return dialers{{Timeout: 30 * time.Second}}
	}
	var ds dialers
	for i := 0; i*perSource < clients; i++ {
		src := net.IPv4(127, 0, 0, byte(2+i))
		ds = append(ds, &net.Dialer{Timeout: 30 * time.Second, LocalAddr: &net.TCPAddr{IP: src}})
	}
	return ds
}

func (ds dialers) pick(i int) *net.Dialer { return ds[(i/perSource)%len(ds)] }

var heartbeat = []byte(`[2]`)
