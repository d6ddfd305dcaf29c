package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A run spread over processes talks to each child over the child's stdin
// and stdout, a line at a time:
//
//	child → parent  progress PHASE CONNECTED EVENTS ERRORS   about once a second
//	child → parent  ready                                    every client has joined (or failed to)
//	parent → child  go                                       all children are ready (and the broadcast is out)
//	child → parent  {...}                                    its Result with the raw samples, last

// RunChild runs cfg as one child process of a run with Procs, talking to
// its parent over in and out (see runProcs), and writes its raw Result as
// the last line of out.
func RunChild(ctx context.Context, cfg Config, in io.Reader, out io.Writer) error {
	cfg.Procs, cfg.Spawn = 1, nil
	if err := cfg.check(); err != nil {
		return err
	}
	var mu sync.Mutex
	line := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(out, format+"\n", a...)
	}
	cfg.Progress = func(p Progress) { line("progress %s %d %d %d", p.Phase, p.Connected, p.Events, p.Errors) }
	res := runOne(ctx, cfg, func(context.Context) {
		line("ready")
		bufio.NewReader(in).ReadString('\n') // "go", or the parent is gone: go on either way
	})
	js, err := json.Marshal(res)
	if err != nil {
		return err
	}
	line("%s", js)
	return nil
}

// child is the parent's side of one child process.
type child struct {
	stdin                     io.WriteCloser
	phase                     atomic.Value // string, the latest progress line's
	connected, events, errors atomic.Int64
	res                       *Result
	err                       error
}

// runProcs runs cfg's clients in cfg.Procs child processes and merges what
// they measured.
func runProcs(ctx context.Context, cfg Config) (Result, error) {
	children := make([]*child, cfg.Procs)
	cmds := make([]*exec.Cmd, 0, cfg.Procs)

	ready := make(chan int, cfg.Procs) // a child's index when it is ready, or -1 when it ended before
	var readers sync.WaitGroup
	abort := func(err error) (Result, error) { // the children started so far go
		for _, cmd := range cmds {
			cmd.Process.Kill()
		}
		readers.Wait()
		return Result{}, err
	}
	first := cfg.First
	for i := range children {
		share := cfg
		share.Clients = cfg.Clients / cfg.Procs
		if i < cfg.Clients%cfg.Procs {
			share.Clients++
		}
		share.First, share.Procs = first, 1
		first += share.Clients
		cmd := cfg.Spawn(append(share.Args(), "-child"))
		if cmd.Stderr == nil {
			cmd.Stderr = os.Stderr
		}
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return abort(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return abort(err)
		}
		if err := cmd.Start(); err != nil {
			return abort(fmt.Errorf("bench: starting child process: %w", err))
		}
		cmds = append(cmds, cmd)
		ch := &child{stdin: stdin}
		children[i] = ch
		readers.Add(1)
		go func() {
			defer readers.Done()
			sawReady := false
			sc := bufio.NewScanner(stdout)
			sc.Buffer(make([]byte, 64<<10), 1<<30) // the last line holds every raw sample
			for sc.Scan() {
				l := sc.Text()
				switch {
				case strings.HasPrefix(l, "progress "):
					f := strings.Fields(l)
					if len(f) == 5 {
						ch.phase.Store(f[1])
						if n := splitFields(strings.Join(f[2:], " ")); len(n) == 3 {
							ch.connected.Store(n[0])
							ch.events.Store(n[1])
							ch.errors.Store(n[2])
						}
					}
				case l == "ready":
					sawReady = true
					ready <- i
				case strings.HasPrefix(l, "{"):
					var res Result
					if err := json.Unmarshal([]byte(l), &res); err != nil {
						ch.err = fmt.Errorf("bench: child process %d: its result: %w", i, err)
					} else {
						ch.res = &res
					}
				}
			}
			if err := cmd.Wait(); err != nil {
				ch.err = firstError(ch.err, fmt.Errorf("bench: child process %d: %w", i, err))
			}
			if !sawReady {
				ready <- -1
			}
		}()
	}

	defer context.AfterFunc(ctx, func() { // interrupted: so are the children, which report what they have
		for _, cmd := range cmds {
			cmd.Process.Signal(os.Interrupt)
		}
	})()

	start := time.Now()
	var phase atomic.Value
	phase.Store("connect")
	stop := make(chan struct{})
	var ticker sync.WaitGroup
	if cfg.Progress != nil {
		ticker.Add(1)
		go func() {
			defer ticker.Done()
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
				}
				var p Progress
				for _, ch := range children {
					p.Connected += ch.connected.Load()
					p.Events += ch.events.Load()
					p.Errors += ch.errors.Load()
				}
				// The run is in the phase its slowest child is in: a
				// script that waits for "hold" measures when all hold.
				p.Phase, p.Elapsed = phase.Load().(string), time.Since(start)
				if p.Phase != "connect" {
					for _, ch := range children {
						if f, _ := ch.phase.Load().(string); phaseOrder(f) < phaseOrder(p.Phase) {
							p.Phase = f
						}
					}
				}
				cfg.Progress(p)
			}
		}()
	}

	for range children {
		select {
		case <-ready:
		case <-ctx.Done():
		}
	}
	var t0 int64
	var perr error
	if cfg.Broadcast != "" && ctx.Err() == nil {
		phase.Store("broadcast")
		t0, perr = publish(ctx, cfg)
	}
	switch {
	case cfg.Idle:
		phase.Store("hold")
	default:
		phase.Store("load")
	}
	for _, ch := range children {
		io.WriteString(ch.stdin, "go\n")
		ch.stdin.Close()
	}
	readers.Wait()
	close(stop)
	ticker.Wait()

	var parts []Result
	var errs []error
	for _, ch := range children {
		if ch.res != nil {
			parts = append(parts, *ch.res)
		}
		if ch.err != nil {
			errs = append(errs, ch.err)
		}
	}
	m := Merge(parts, t0)
	m.addError(perr)
	for _, err := range errs {
		m.addError(err)
	}
	return m, nil
}

// phaseOrder orders the phases of a run; a phase not yet reported
// comes first.
func phaseOrder(phase string) int {
	switch phase {
	case "connect":
		return 1
	case "broadcast":
		return 2
	case "load", "hold":
		return 3
	}
	return 0
}

// firstError returns the first error that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
