package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"testing/slogtest"
	"time"
)

// recorded returns the records the console keeps for replay, decoded.
func recorded(t *testing.T, d *DevConsole) [][]json.RawMessage {
	t.Helper()
	h := d.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	var out [][]json.RawMessage
	for i := range h.n {
		rec := h.ring[(h.head+i)%len(h.ring)]
		var fields []json.RawMessage
		if err := json.Unmarshal(rec, &fields); err != nil {
			t.Fatalf("record %s is not JSON: %v", rec, err)
		}
		out = append(out, fields)
	}
	return out
}

// discard is an app handler that handles every level and does nothing
// (slog's TextHandler would recurse for ever on the map cycle below).
func discard() slog.Handler { return nopHandler{} }

type nopHandler struct{}

func (nopHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (nopHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nopHandler) WithGroup(string) slog.Handler           { return h }

// TestDevConsoleSlogtest checks the console's records, as the browser gets
// them, against slog's rules for handlers (groups, empty attrs, WithAttrs,
// resolved LogValuers, zero time).
func TestDevConsoleSlogtest(t *testing.T) {
	var d *DevConsole
	slogtest.Run(t, func(*testing.T) slog.Handler {
		d = NewDevConsole(discard(), &DevConsoleOptions{Replay: 10})
		return d
	}, func(t *testing.T) map[string]any {
		recs := recorded(t, d)
		if len(recs) != 1 {
			t.Fatalf("%d records, want 1", len(recs))
		}
		r := recs[0]
		m := map[string]any{}
		if err := json.Unmarshal(r[4], &m); err != nil {
			t.Fatal(err)
		}
		var ms int64
		var level int
		var msg string
		json.Unmarshal(r[1], &ms)
		json.Unmarshal(r[2], &level)
		json.Unmarshal(r[3], &msg)
		if ms != 0 {
			m[slog.TimeKey] = time.UnixMilli(ms)
		}
		m[slog.LevelKey] = slog.Level(level).String()
		m[slog.MessageKey] = msg
		return m
	})
}

type panicValuer struct{}

func (panicValuer) LogValue() slog.Value { panic("no value") }

type selfValuer struct{}

func (s selfValuer) LogValue() slog.Value { return slog.GroupValue(slog.Any("again", s)) }

type badError struct{}

func (*badError) Error() string { panic("no message") }

type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { panic("no JSON") }

type point struct{ X, Y int }

func TestDevConsoleEncodesValues(t *testing.T) {
	cyc := map[string]any{}
	cyc["self"] = cyc
	var nilErr *badError
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"string", "a \"b\" <c>", `"a \"b\" \u003cc\u003e"`},
		{"int", -3, `-3`},
		{"uint", uint64(math.MaxUint64), `18446744073709551615`},
		{"float", 1.5, `1.5`},
		{"NaN", math.NaN(), `"NaN"`},
		{"Inf", math.Inf(-1), `"-Inf"`},
		{"bool", true, `true`},
		{"duration", 1500 * time.Millisecond, `"1.5s"`},
		{"time", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), `"2026-01-02T03:04:05Z"`},
		{"struct", point{1, 2}, `{"X":1,"Y":2}`},
		{"error", errors.New("it failed"), `"it failed"`},
		{"nil", nil, `null`},
		{"chan", make(chan int), `"chan int"`},
		{"func", func(int) error { return nil }, `"func(int) error"`},
		{"map cycle", cyc, `"map[string]interface {}"`},
		{"panicking Error", nilErr, `"*live.badError"`},
		{"panicking MarshalJSON", badJSON{}, `"live.badJSON"`},
		{"huge", strings.Repeat("x", consoleAnyMax), `"` + strings.Repeat("x", consoleAnyMax) + `"`},
		{"huge any", []string{strings.Repeat("x", consoleAnyMax)}, `"[]string"`},
		{"panicking LogValue", panicValuer{}, ``}, // slog turns it into an error value
		{"LogValue returning itself", selfValuer{}, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDevConsole(discard(), nil)
			slog.New(d).Info("m", "v", tc.v)
			recs := recorded(t, d)
			var attrs map[string]json.RawMessage
			if err := json.Unmarshal(recs[0][4], &attrs); err != nil {
				t.Fatalf("attrs %s: %v", recs[0][4], err)
			}
			if tc.want != "" && string(attrs["v"]) != tc.want {
				t.Errorf("v = %s, want %s", attrs["v"], tc.want)
			}
			if attrs["v"] == nil {
				t.Errorf("v missing from %s", recs[0][4])
			}
		})
	}
}

func TestDevConsoleRecordFields(t *testing.T) {
	d := NewDevConsole(discard(), nil)
	s := &session{id: viewID{1, 2, 3}}
	ctx := context.WithValue(context.Background(), sessionKey{}, s)
	slog.New(d).With("app", "x").WithGroup("g").WarnContext(ctx, "hello", "k", 1)
	//lint:ignore SA1012 a nil ctx must not crash it
	d.Handle(nil, slog.Record{Message: "no ctx, no time, no source"})
	recs := recorded(t, d)
	got := fmt.Sprintf("%s %s %s %s", recs[0][2], recs[0][3], recs[0][4], recs[0][6])
	if want := `4 "hello" {"app":"x","g":{"k":1}} "0102030000000000"`; got != want {
		t.Errorf("record %s, want %s", got, want)
	}
	if src := string(recs[0][5]); !strings.HasPrefix(src, `"live/console_internal_test.go:`) {
		t.Errorf("source %s, want live/console_internal_test.go:N", src)
	}
	if got := fmt.Sprintf("%s %s %s", recs[1][1], recs[1][5], recs[1][6]); got != `0 "" ""` {
		t.Errorf("bare record: time, source, view = %s, want 0 \"\" \"\"", got)
	}
	var s0, s1 uint64
	json.Unmarshal(recs[0][0], &s0)
	json.Unmarshal(recs[1][0], &s1)
	if s1 != s0+1 || s0 < uint64(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()) {
		t.Errorf("seqs %d, %d: want consecutive, from the clock in µs", s0, s1)
	}
}

func TestNewDevConsoleNilPanics(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "next is nil") {
			t.Errorf("panic %v, want a clear message", p)
		}
	}()
	NewDevConsole(nil, nil)
}

func TestConsolePageBounded(t *testing.T) {
	p := &consolePage{self: "v", limit: 3, wake: make(chan struct{}, 1)}
	for i := range 100 {
		p.offer([]byte(fmt.Sprintf("[%d]", i)))
	}
	if got := string(p.take()); got != `[6,"v",[[0],[1],[2]],97]` {
		t.Errorf("frame %s", got)
	}
	if p.take() != nil {
		t.Error("a second frame with nothing to send")
	}
	for i := range consoleBatch + 1 {
		p.limit = 1000
		p.offer([]byte(fmt.Sprint(i)))
	}
	var first []any
	json.Unmarshal(p.take(), &first)
	if n := len(first[2].([]any)); n != consoleBatch || len(first) != 3 {
		t.Errorf("first frame holds %d records (len %d), want %d and no drop count", n, len(first), consoleBatch)
	}
	if got := string(p.take()); got != fmt.Sprintf(`[6,"v",[%d]]`, consoleBatch) {
		t.Errorf("second frame %s", got)
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080":        true,
		"127.8.9.10:1":          true,
		"[::1]:443":             true,
		"[::ffff:127.0.0.1]:80": true,
		"10.0.0.1:80":           false,
		"[2001:db8::1]:80":      false,
		"0.0.0.0:80":            false,
		"localhost:80":          false, // a name is not an address
		"":                      false,
		"garbage":               false,
	} {
		if got := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func BenchmarkDevConsole(b *testing.B) {
	for _, bc := range []struct {
		name  string
		h     func() slog.Handler
		pages int
	}{
		{"discard only", discard, 0},
		{"console, no page", func() slog.Handler { return NewDevConsole(discard(), nil) }, 0},
		{"console, 10 full pages", func() slog.Handler { return NewDevConsole(discard(), nil) }, 10},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := bc.h()
			if d, ok := h.(*DevConsole); ok {
				for range bc.pages { // pages that never drain: the drop path
					d.hub.pages[&consolePage{limit: 0, wake: make(chan struct{}, 1)}] = struct{}{}
				}
			}
			l := slog.New(h)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				l.InfoContext(ctx, "clicked", "n", 3, "user", "ada")
			}
		})
	}
}
