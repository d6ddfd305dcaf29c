package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/templive/templive/internal/bench"
)

// benchCmd runs the load, idle, broadcast or reconnect benchmark against
// live pages.
func benchCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("templive bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.Config
	cfg.Flags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(cfg.URLs) == 0 {
		cfg.URLs = []string{"http://127.0.0.1:8080/counter"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if cfg.Child {
		return bench.RunChild(ctx, cfg, os.Stdin, stdout)
	}
	if cfg.Procs > 1 {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		cfg.Spawn = func(args []string) *exec.Cmd {
			cmd := exec.Command(self, append([]string{"bench"}, args...)...)
			cmd.Stderr = stderr
			return cmd
		}
	}
	// Progress goes to stderr with -json too: a script that drives the
	// servers waits for the phase it measures in (hold, for one).
	cfg.Progress = func(p bench.Progress) {
		fmt.Fprintf(stderr, "\r%5.0fs  %-9s connected %d  events %d  errors %d   ", p.Elapsed.Seconds(), p.Phase, p.Connected, p.Events, p.Errors)
	}
	res, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
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
	if b := res.Broadcast; b != nil {
		row("broadcast received", b.Received)
		row("broadcast p50 ms", fmt.Sprintf("%.2f", b.P50ms))
		row("broadcast p90 ms", fmt.Sprintf("%.2f", b.P90ms))
		row("broadcast p99 ms", fmt.Sprintf("%.2f", b.P99ms))
		row("broadcast max ms", fmt.Sprintf("%.2f", b.Maxms))
	}
	if rc := res.Reconnect; rc != nil {
		row("dropped", rc.Dropped)
		row("rejoined", rc.Rejoined)
		row("half rejoined after s", fmt.Sprintf("%.2f", rc.HalfRejoinedS))
		row("all rejoined after s", fmt.Sprintf("%.2f", rc.AllRejoinedS))
		row("rejoins per 100 ms", strings.Trim(fmt.Sprint(rc.Per100ms), "[]"))
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
