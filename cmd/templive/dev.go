package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// devConfig is what templive dev runs.
type devConfig struct {
	Dir       string        // the app's module folder
	Addr      string        // where the dev proxy listens
	Latency   time.Duration // added to every response from the app, in each round trip
	Poll      time.Duration // how often the files are checked
	BuildArgs []string      // passed to go build
	Log       io.Writer     // templive dev's own lines and the tools' output
}

// devCmd runs the app in the current folder behind the dev proxy until
// interrupted.
func devCmd(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("templive dev", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: templive dev [-addr 127.0.0.1:8080] [-latency D] [-dir .] [-- BUILD FLAGS]")
		fset.PrintDefaults()
	}
	cfg := devConfig{Log: stderr}
	fset.StringVar(&cfg.Dir, "dir", ".", "the app's module folder")
	fset.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "where the dev proxy listens (the app gets a port of its own)")
	fset.DurationVar(&cfg.Latency, "latency", 0, "simulated network latency added to each round trip, e.g. 200ms")
	fset.DurationVar(&cfg.Poll, "poll", 200*time.Millisecond, "how often to check the files for changes")
	if err := fset.Parse(args); err != nil {
		return err
	}
	cfg.BuildArgs = fset.Args()
	if cfg.Latency < 0 || cfg.Poll <= 0 {
		return fmt.Errorf("dev: -latency must be 0 or more and -poll more than 0")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runDev(ctx, cfg)
}

// runDev builds and starts the app, serves it through the dev proxy, and
// rebuilds and restarts it on every change until ctx is done.
func runDev(ctx context.Context, cfg devConfig) error {
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return fmt.Errorf("dev: %s holds no go.mod: run templive dev in the app's module folder", dir)
	}
	bin, err := os.MkdirTemp("", "templive-dev-")
	if err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	defer os.RemoveAll(bin)

	// One secret for every process of this run: a restarted app accepts
	// the tokens of the pages the previous one served, so they rejoin and
	// recover their forms instead of reloading.
	secret := os.Getenv("TEMPLIVE_SECRET")
	if secret == "" {
		b := make([]byte, 32)
		rand.Read(b)
		secret = hex.EncodeToString(b)
	}
	d := &devServer{
		cfg:    cfg,
		dir:    dir,
		bin:    bin,
		env:    append(os.Environ(), "TEMPLIVE_DEV=1", "TEMPLIVE_SECRET="+secret),
		events: newBroadcaster(),
	}
	d.cond = sync.NewCond(&d.mu)
	d.templ = d.templTool(ctx)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	srv := &http.Server{Handler: d.handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		d.events.close()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		srv.Close()
		d.stopApp()
	}()
	url := "http://" + ln.Addr().String() + "/"

	w := newWatcher(dir)
	w.scan() // the baseline
	d.rebuild(ctx, changes{code: true, templ: true})
	// Files saved during the build are the next change; templ generate's
	// own writes are none.
	pending := w.scan()
	pending.dropGenerated()
	fmt.Fprintf(cfg.Log, "templive dev: serving %s on %s\n", filepath.Base(dir), url)
	tick := time.NewTicker(cfg.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		c := w.scan()
		if !c.empty() {
			// Wait for a quiet poll: an editor's save or a checkout writes
			// several files.
			pending.add(c)
			continue
		}
		if pending.empty() {
			continue
		}
		start := time.Now()
		next := changes{}
		if pending.code || pending.templ {
			d.rebuild(ctx, pending)
			next = w.scan()
			next.dropGenerated()
		} else {
			d.events.send("css", "")
			fmt.Fprintf(cfg.Log, "templive dev: stylesheet changed (%s)\n", pending.names())
		}
		fmt.Fprintf(cfg.Log, "templive dev: %s handled in %v\n", pending.names(), time.Since(start).Round(time.Millisecond))
		pending = next
	}
}

// devServer is the proxy in front of the app process and the process's
// keeper. Requests wait while the app restarts, so a page's reconnect
// lands on the new process as soon as it listens.
type devServer struct {
	cfg    devConfig
	dir    string
	bin    string // folder of the built binaries
	env    []string
	templ  string // the app's templ tool binary, or "" if it has none
	events *broadcaster
	builds int

	mu     sync.Mutex
	cond   *sync.Cond // signalled when target or failed change
	cmd    *exec.Cmd  // the running app, or nil
	exited chan struct{}
	target *url.URL // the running app's address, nil while it restarts
	failed string   // the last build's error, while no app runs
}

// templTool returns the binary of the app module's templ tool (go tool
// templ), built now so that the first change is fast and run directly
// after, which spares the go command's own start on every change; "" when
// the module has no templ tool.
func (d *devServer) templTool(ctx context.Context) string {
	cmd := exec.CommandContext(ctx, "go", "tool", "-n", "templ")
	cmd.Dir = d.dir
	out, err := cmd.Output()
	if err != nil {
		fmt.Fprintf(d.cfg.Log, "templive dev: no templ tool in this module (go get -tool github.com/a-h/templ/cmd/templ): .templ files are not generated: %v\n", err)
		return ""
	}
	return strings.TrimSpace(string(out))
}

// rebuild generates, builds and restarts the app for c. A failed step
// leaves the running app alone and tells the pages' consoles.
func (d *devServer) rebuild(ctx context.Context, c changes) {
	start := time.Now()
	if c.templ && d.templ != "" {
		if out, err := d.tool(ctx, d.templ, "generate"); err != nil {
			d.fail("templ generate", err, out)
			return
		}
	}
	generated := time.Now()
	d.builds++
	bin := filepath.Join(d.bin, fmt.Sprintf("app-%d", d.builds))
	args := append([]string{"build", "-o", bin}, d.cfg.BuildArgs...)
	if out, err := d.tool(ctx, "go", append(args, ".")...); err != nil {
		d.fail("go build", err, out)
		return
	}
	built := time.Now()
	d.stopApp()
	if err := d.startApp(ctx, bin); err != nil {
		d.fail("start", err, nil)
		return
	}
	d.events.send("built", "")
	ms := func(from, to time.Time) time.Duration { return to.Sub(from).Round(time.Millisecond) }
	fmt.Fprintf(d.cfg.Log, "templive dev: generate %v, build %v, restart %v\n", ms(start, generated), ms(generated, built), ms(built, time.Now()))
}

func (d *devServer) tool(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = d.dir
	return cmd.CombinedOutput()
}

func (d *devServer) fail(step string, err error, out []byte) {
	msg := fmt.Sprintf("%s: %v\n%s", step, err, out)
	fmt.Fprintf(d.cfg.Log, "templive dev: %s", msg)
	d.events.send("failed", msg)
	d.mu.Lock()
	if d.cmd == nil {
		d.failed = msg
		d.cond.Broadcast()
	}
	d.mu.Unlock()
}

// startApp starts bin on a free loopback port and waits until it accepts
// connections (or exits).
func (d *devServer) startApp(ctx context.Context, bin string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Dir = d.dir
	cmd.Env = append(d.env, "TEMPLIVE_ADDR="+addr)
	cmd.Stdout, cmd.Stderr = d.cfg.Log, d.cfg.Log
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			return fmt.Errorf("the app exited before listening on %s: %v", addr, cmd.ProcessState)
		case <-ctx.Done():
			cmd.Process.Kill()
			<-exited
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	d.mu.Lock()
	d.cmd, d.exited = cmd, exited
	d.mu.Unlock()
	d.setTarget("http://" + addr)
	return nil
}

// setTarget sends the waiting and the next requests to the app at base.
func (d *devServer) setTarget(base string) {
	u, err := url.Parse(base)
	if err != nil {
		panic(err) // base is built from a listener's address
	}
	d.mu.Lock()
	d.target = u
	d.failed = ""
	d.cond.Broadcast()
	d.mu.Unlock()
}

// stopApp ends the running app: SIGTERM, so it closes its pages'
// connections (they reconnect to the next one), then SIGKILL after 5 s.
func (d *devServer) stopApp() {
	d.mu.Lock()
	cmd, exited := d.cmd, d.exited
	d.cmd, d.target = nil, nil
	d.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

// app returns the running app's address, waiting while it restarts, or
// the last build error if none runs.
func (d *devServer) app(ctx context.Context) (*url.URL, error) {
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.cond.Broadcast()
		d.mu.Unlock()
	})
	defer stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.target == nil && d.failed == "" && ctx.Err() == nil {
		d.cond.Wait()
	}
	if d.target != nil {
		return d.target, nil
	}
	if d.failed != "" {
		return nil, errors.New(d.failed)
	}
	return nil, ctx.Err()
}
