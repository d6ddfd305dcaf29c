package bench

import (
	"flag"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Flags defines the command-line flags of cfg's fields on fs, with their
// defaults, for `templive bench`. -url may be given several times.
func (cfg *Config) Flags(fs *flag.FlagSet) {
	fs.Func("url", "a live page to load (repeat for several pages or nodes: clients go round robin; default http://127.0.0.1:8080/counter)", func(s string) error {
		cfg.URLs = append(cfg.URLs, s)
		return nil
	})
	fs.IntVar(&cfg.Clients, "clients", 100, "live connections to open")
	fs.Float64Var(&cfg.Rate, "rate", 100, "events per second, all clients together (load mode)")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to send events (load mode)")
	fs.StringVar(&cfg.Event, "event", "inc", "the event to send (load mode)")
	fs.BoolVar(&cfg.Idle, "idle", false, "idle mode: open, join and hold the connections")
	fs.DurationVar(&cfg.Hold, "hold", 10*time.Second, "how long to hold idle connections")
	fs.StringVar(&cfg.Broadcast, "broadcast", "", "broadcast mode: once all have joined, one more page sends this event (with -values); each page times the patch that follows")
	fs.Func("values", "the broadcast event's values, as a URL query (message=hello&name=bench)", func(s string) error {
		v, err := url.ParseQuery(s)
		cfg.Values = v
		return err
	})
	fs.DurationVar(&cfg.BroadcastWait, "broadcast-wait", time.Minute, "how long to wait for every page's broadcast patch")
	fs.BoolVar(&cfg.Reconnect, "reconnect", false, "while held, rejoin dropped connections on another -url, with the browser's jittered backoff, and time it")
	fs.IntVar(&cfg.Procs, "procs", 1, "spread the clients over this many child processes (each may hold as many sockets as the open-files limit allows)")
	fs.BoolVar(&cfg.Child, "child", false, "run as a child process of a run with -procs (stdin and stdout talk to the parent)")
	fs.IntVar(&cfg.First, "first", 0, "the index of this process's first client in the whole run (set for child processes)")
}

// Args returns the flags that give cfg again, for a child process: the
// inverse of Flags, Procs, Spawn and Progress left out.
func (cfg *Config) Args() []string {
	var a []string
	for _, u := range cfg.URLs {
		a = append(a, "-url", u)
	}
	a = append(a,
		"-clients", strconv.Itoa(cfg.Clients),
		"-first", strconv.Itoa(cfg.First),
		"-rate", strconv.FormatFloat(cfg.Rate, 'g', -1, 64),
		"-duration", cfg.Duration.String(),
		"-event", cfg.Event,
		"-hold", cfg.Hold.String(),
		"-broadcast-wait", cfg.BroadcastWait.String(),
	)
	if cfg.Idle {
		a = append(a, "-idle")
	}
	if cfg.Reconnect {
		a = append(a, "-reconnect")
	}
	if cfg.Broadcast != "" {
		a = append(a, "-broadcast", cfg.Broadcast, "-values", cfg.Values.Encode())
	}
	return a
}

// splitFields splits a progress line's numbers.
func splitFields(s string) []int64 {
	var n []int64
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil
		}
		n = append(n, v)
	}
	return n
}
