package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/templive/templive/internal/bench"
)

// benchCmd runs the load or idle benchmark against a live page.
func benchCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("templive bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.Config
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080/counter", "the live page to load")
	fs.IntVar(&cfg.Clients, "clients", 100, "live connections to open")
	fs.Float64Var(&cfg.Rate, "rate", 100, "events per second, all clients together (load mode)")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to send events (load mode)")
	fs.StringVar(&cfg.Event, "event", "inc", "the event to send (load mode)")
	fs.BoolVar(&cfg.Idle, "idle", false, "idle mode: open, join and hold the connections")
	fs.DurationVar(&cfg.Hold, "hold", 10*time.Second, "how long to hold idle connections")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*asJSON {
		cfg.Progress = func(p bench.Progress) {
			fmt.Fprintf(stderr, "\r%5.0fs  connected %d  events %d  errors %d   ", p.Elapsed.Seconds(), p.Connected, p.Events, p.Errors)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	fmt.Fprintln(stderr)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(k string, v any) { fmt.Fprintf(tw, "%s\t%v\t\n", k, v) }
	row("clients", res.Clients)
	row("connected", res.Connected)
	if !cfg.Idle {
		row("events", res.Events)
		row("events/s", fmt.Sprintf("%.1f", res.EventsPerSec))
		row("p50 ms", fmt.Sprintf("%.2f", res.P50ms))
		row("p90 ms", fmt.Sprintf("%.2f", res.P90ms))
		row("p99 ms", fmt.Sprintf("%.2f", res.P99ms))
		row("max ms", fmt.Sprintf("%.2f", res.Maxms))
		row("bytes up/event", fmt.Sprintf("%.1f", res.BytesUpPerEvent))
		row("bytes down/event", fmt.Sprintf("%.1f", res.BytesDownPerEvent))
	}
	if res.LogBytesDown > 0 {
		row("dev log bytes down (not per event)", res.LogBytesDown)
	}
	row("errors", res.Errors)
	if res.FirstError != "" {
		row("first error", res.FirstError)
	}
	return tw.Flush()
}
