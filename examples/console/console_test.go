package console_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/templive/templive/examples/console"
	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// records keeps the messages logged through it.
type records struct {
	mu   sync.Mutex
	msgs []string
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *records) WithGroup(string) slog.Handler            { return r }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Level.String()+" "+rec.Message)
	return nil
}

func (r *records) count(msg string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs {
		if strings.HasSuffix(m, " "+msg) {
			n++
		}
	}
	return n
}

// open serves the demo with its logs going to rec, through a DevConsole as
// in dev mode.
func open(t *testing.T) (*livetest.Page, *records) {
	rec := &records{}
	dev := live.NewDevConsole(rec, nil)
	log := slog.New(dev)
	h := live.NewHandler(console.New(log), &live.Options{Logger: log, DevConsole: dev})
	return livetest.Open(t, h, "/console"), rec
}

// TestConsoleLogs: each button logs at its level and the page shows what
// happened last.
func TestConsoleLogs(t *testing.T) {
	p, rec := open(t)
	for _, b := range []struct{ button, msg string }{
		{"#log-info", "INFO info from the server"},
		{"#log-warn", "WARN warn from the server"},
		{"#log-error", "ERROR error from the server"},
	} {
		p.Click(b.button)
		if rec.count(b.msg[strings.Index(b.msg, " ")+1:]) != 1 {
			t.Errorf("%s did not log %q once", b.button, b.msg)
		}
	}
	if p.Text("#last") != "error" || p.Text("#clicks") != "3" {
		t.Fatalf("the page shows last %q, clicks %q", p.Text("#last"), p.Text("#clicks"))
	}
	if rec.count("console demo mounted") != 1 {
		t.Fatal("Mount did not log once: the live connection must adopt the view of the GET")
	}
	p.Click("#log-burst")
	if got := rec.count("burst"); got != console.Burst {
		t.Fatalf("the burst logged %d records, want %d", got, console.Burst)
	}
}

// TestConsolePanicRecovers: a panic ends the view, is logged, and the page
// reconnects to a fresh view that works.
func TestConsolePanicRecovers(t *testing.T) {
	p, rec := open(t)
	p.Click("#log-info")
	if msg := p.ExpectError(func() { p.Click("#log-panic") }); !strings.Contains(msg, "view crashed") {
		t.Fatalf("the panic showed as %q", msg)
	}
	if rec.count("live: view panicked") != 1 {
		t.Fatal("the panic was not logged")
	}
	p.Reconnect()
	if p.Text("#clicks") != "0" || p.Text("#last") != "nothing yet" {
		t.Fatalf("after the panic the page shows clicks %q, last %q; want a fresh view", p.Text("#clicks"), p.Text("#last"))
	}
	p.Click("#log-warn")
	if p.Text("#last") != "warn" {
		t.Fatal("the fresh view does not work")
	}
}
