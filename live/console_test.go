package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// consoleView logs through the logger it is given, with its callbacks' ctx.
type consoleView struct {
	log *slog.Logger
	n   int
}

func (v *consoleView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.log.InfoContext(ctx, "mounted", "connected", c.Connected())
	return nil
}

func (v *consoleView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="n">%d</p>`, v.n)
		return err
	})
}

func (v *consoleView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "info":
		v.log.InfoContext(ctx, "info from the view", "n", v.n, slog.Group("req", "name", e.Name))
	case "warn":
		v.log.WarnContext(ctx, "warn from the view")
	case "error":
		v.log.ErrorContext(ctx, "error from the view")
	case "odd":
		type node struct{ Next *node }
		cycle := &node{}
		cycle.Next = cycle
		v.log.InfoContext(ctx, "odd values", "ch", make(chan int), "fn", func() {}, "cycle", cycle, "ok", []int{1, 2})
	case "panic":
		panic("boom from the view")
	case "inc":
		v.n++
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// newConsoleServer serves consoleView under /view, with a DevConsole if on,
// and returns the server and the app's logger.
func newConsoleServer(t *testing.T, on bool, copts *live.DevConsoleOptions) (*server, *slog.Logger) {
	s, logger, _ := newConsoleServer3(t, on, copts)
	return s, logger
}

func newConsoleServer3(t *testing.T, on bool, copts *live.DevConsoleOptions) (*server, *slog.Logger, *live.DevConsole) {
	t.Helper()
	s := &server{logs: &logBuffer{}}
	var handler slog.Handler = slog.NewTextHandler(s.logs, nil)
	opts := &live.Options{}
	var console *live.DevConsole
	if on {
		console = live.NewDevConsole(handler, copts)
		handler = console
		opts.DevConsole = console
	}
	logger := slog.New(handler)
	opts.Logger = logger
	h := live.NewHandler(func() live.View { return &consoleView{log: logger} }, opts)
	mux := http.NewServeMux()
	mux.Handle("/view", h)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); s.Close() })
	return s, logger, console
}

type consoleRecord struct {
	Seq    uint64
	Time   int64
	Level  int
	Msg    string
	Attrs  map[string]any
	Source string
	View   string
}

type consoleFrame struct {
	self    string
	records []consoleRecord
	dropped int
}

// parseConsoleFrame decodes a log frame, or reports false for another kind.
func parseConsoleFrame(t testing.TB, frame string) (consoleFrame, bool) {
	t.Helper()
	if !strings.HasPrefix(frame, "[6,") {
		return consoleFrame{}, false
	}
	var raw []json.RawMessage
	var f consoleFrame
	var recs [][]json.RawMessage
	if err := json.Unmarshal([]byte(frame), &raw); err != nil || len(raw) < 3 || len(raw) > 4 {
		t.Fatalf("bad log frame %s: %v", frame, err)
	}
	must := func(data json.RawMessage, v any) {
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("log frame %s: %s: %v", frame, data, err)
		}
	}
	must(raw[1], &f.self)
	must(raw[2], &recs)
	if len(raw) == 4 {
		must(raw[3], &f.dropped)
	}
	for _, r := range recs {
		if len(r) != 7 {
			t.Fatalf("record %s has %d fields, want 7", frame, len(r))
		}
		var l consoleRecord
		must(r[0], &l.Seq)
		must(r[1], &l.Time)
		must(r[2], &l.Level)
		must(r[3], &l.Msg)
		must(r[4], &l.Attrs)
		must(r[5], &l.Source)
		must(r[6], &l.View)
		f.records = append(f.records, l)
	}
	return f, true
}

// readLogsUntil reads frames until done returns true for one, passing every
// log frame to onLog (which may be nil), and returns that frame.
func (c *client) readLogsUntil(done func(string) bool, onLog func(consoleFrame)) string {
	c.t.Helper()
	for {
		frame := c.read()
		if f, ok := parseConsoleFrame(c.t, frame); ok && onLog != nil {
			onLog(f)
		}
		if done(frame) {
			return frame
		}
	}
}

// waitLogRecord reads until a log record with msg arrives and returns it with
// the frame's self.
func (c *client) waitLogRecord(msg string) (consoleRecord, string) {
	c.t.Helper()
	var got consoleRecord
	var self string
	c.readLogsUntil(func(string) bool { return got.Msg == msg }, func(f consoleFrame) {
		for _, r := range f.records {
			if r.Msg == msg && got.Msg == "" {
				got, self = r, f.self
			}
		}
	})
	return got, self
}

var consoleSourceRE = regexp.MustCompile(`^live/console_test\.go:\d+$`)

func TestDevConsoleStreamsViewRecords(t *testing.T) {
	s, _ := newConsoleServer(t, true, nil)
	_, tok := s.page(t, "/view")
	c, reply := s.join(t, "/view", tok, 0)
	if reply != `[0,0]` {
		t.Fatalf("first frame %s, want the join's reply [0,0]: log frames come after it", reply)
	}

	// The GET's Mount logged before the page connected: the replay has it,
	// tied to this page's view.
	mounted, self := c.waitLogRecord("mounted")
	if mounted.View == "" || mounted.View != self {
		t.Errorf("Mount's record has view %q, the page is %q: want its own", mounted.View, self)
	}
	if mounted.Attrs["connected"] != false {
		t.Errorf("Mount's record attrs %v, want connected=false", mounted.Attrs)
	}

	for i, tc := range []struct {
		event, msg string
		level      int
	}{
		{"info", "info from the view", 0},
		{"warn", "warn from the view", 4},
		{"error", "error from the view", 8},
	} {
		c.send(fmt.Sprintf(`[1,%d,%q]`, i+1, tc.event))
		r, self := c.waitLogRecord(tc.msg)
		if r.Level != tc.level || r.View != self || !consoleSourceRE.MatchString(r.Source) {
			t.Errorf("%s: level %d view %q source %q; want level %d, view %q, source live/console_test.go:N", tc.event, r.Level, r.View, r.Source, tc.level, self)
		}
		if d := time.Since(time.UnixMilli(r.Time)); d < 0 || d > time.Minute {
			t.Errorf("%s: record time %v is not now", tc.event, time.UnixMilli(r.Time))
		}
		if tc.event == "info" {
			want := map[string]any{"n": float64(0), "req": map[string]any{"name": "info"}}
			if fmt.Sprint(r.Attrs) != fmt.Sprint(want) {
				t.Errorf("info attrs %v, want %v", r.Attrs, want)
			}
		}
		if !strings.Contains(s.logs.String(), tc.msg) {
			t.Errorf("the app's own handler lacks %q:\n%s", tc.msg, s.logs)
		}
	}
	if !strings.Contains(s.logs.String(), "level=WARN msg=\"live: dev console on") {
		t.Errorf("no startup warning in the app's log:\n%s", s.logs)
	}
}

func TestDevConsoleTellsViewsApart(t *testing.T) {
	s, logger := newConsoleServer(t, true, nil)
	_, tokA := s.page(t, "/view")
	a, _ := s.join(t, "/view", tokA, 0)
	_, tokB := s.page(t, "/view")
	b, _ := s.join(t, "/view", tokB, 0)
	_, selfA := a.waitLogRecord("mounted")
	logger.Info("from no view")
	b.send(`[1,1,"warn"]`)

	// Page a sees b's record, as another view's, and the one of no view.
	seen := map[string]consoleRecord{}
	a.readLogsUntil(func(string) bool { return seen["warn from the view"].Msg != "" }, func(f consoleFrame) {
		if f.self != selfA {
			t.Errorf("a's frames name %q, then %q", selfA, f.self)
		}
		for _, r := range f.records {
			seen[r.Msg] = r
		}
	})
	if r := seen["warn from the view"]; r.View == "" || r.View == selfA {
		t.Errorf("b's record on a: view %q, a is %q", r.View, selfA)
	}
	if r, ok := seen["from no view"]; !ok || r.View != "" {
		t.Errorf("a record logged outside views: %+v, want it with no view", r)
	}
	if r, self := b.waitLogRecord("warn from the view"); r.View != self {
		t.Errorf("b's record on b: view %q, b is %q", r.View, self)
	}
}

func TestDevConsoleReplay(t *testing.T) {
	for _, tc := range []struct {
		name   string
		replay int
		want   int // records replayed
	}{
		{"default", 0, 50},
		{"configured", 7, 7},
		{"none", -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, logger := newConsoleServer(t, true, &live.DevConsoleOptions{Replay: tc.replay})
			for i := range 80 {
				logger.Info(fmt.Sprintf("r%d", i))
			}
			_, tok := s.page(t, "/view") // its Mount logs "mounted"
			c, _ := s.join(t, "/view", tok, 0)
			logger.Info("live")
			var got []consoleRecord
			c.readLogsUntil(func(string) bool { return len(got) > 0 && got[len(got)-1].Msg == "live" }, func(f consoleFrame) {
				got = append(got, f.records...)
			})
			got = got[:len(got)-1]
			if len(got) != tc.want {
				t.Fatalf("replayed %d records, want %d", len(got), tc.want)
			}
			for i, r := range got {
				want := fmt.Sprintf("r%d", 80-tc.want+1+i)
				if i == len(got)-1 {
					want = "mounted"
				}
				if r.Msg != want || (i > 0 && r.Seq != got[i-1].Seq+1) {
					t.Fatalf("replay[%d] = %q seq %d, want %q, oldest first, seq by one", i, r.Msg, r.Seq, want)
				}
			}
		})
	}
}

// TestDevConsoleOffSendsNoLogFrame checks that without a DevConsole, and
// for a connection from elsewhere, nothing is streamed, against a control
// that is streamed.
func TestDevConsoleOffSendsNoLogFrame(t *testing.T) {
	for _, tc := range []struct {
		name    string
		on      bool
		opts    *live.DevConsoleOptions
		header  http.Header
		streams bool
		warning string
	}{
		{name: "on, loopback (control)", on: true, streams: true},
		{name: "off", on: false},
		{name: "on, through a proxy", on: true, header: http.Header{"X-Forwarded-For": {"203.0.113.9"}}, warning: "not streaming logs"},
		{name: "on, Forwarded", on: true, header: http.Header{"Forwarded": {"for=203.0.113.9"}}, warning: "not streaming logs"},
		{name: "on, proxy allowed", on: true, opts: &live.DevConsoleOptions{AllowRemote: true}, header: http.Header{"X-Forwarded-For": {"203.0.113.9"}}, streams: true, warning: "AllowRemote"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, console := newConsoleServer3(t, tc.on, tc.opts)
			_, tok := s.page(t, "/view")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/view", &websocket.DialOptions{HTTPHeader: tc.header})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.CloseNow()
			c := &client{t: t, ws: ws}
			c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0}]`, tok, s.URL))
			c.read()
			// The connection is watched, or not, before its join is answered.
			if console != nil {
				want := 0
				if tc.streams {
					want = 1
				}
				if got := live.ConsolePages(console); got != want {
					t.Fatalf("the console streams to %d connections, want %d", got, want)
				}
			}
			logs := 0
			count := func(f consoleFrame) { logs += len(f.records) }
			for i, e := range []string{"info", "warn", "error", "panic"} {
				c.send(fmt.Sprintf(`[1,%d,%q]`, i+1, e))
				if e == "panic" {
					// Read what comes until the view's crash closes the connection.
					for {
						_, data, err := ws.Read(ctx)
						if err != nil {
							break
						}
						if f, ok := parseConsoleFrame(t, string(data)); ok {
							count(f)
						}
					}
					break
				}
				c.readLogsUntil(func(f string) bool { return strings.HasPrefix(f, fmt.Sprintf("[0,%d", i+1)) }, count)
			}
			if tc.streams {
				if logs == 0 { // the records may trail the replies: wait for them on a new connection
					c2, _ := s.join(t, "/view", tok, 0)
					c2.waitLogRecord("error from the view")
				}
			} else if logs != 0 {
				t.Fatalf("%d log records reached a connection that must get none", logs)
			}
			if tc.warning != "" && !strings.Contains(s.logs.String(), tc.warning) {
				t.Errorf("no warning %q in the app's log:\n%s", tc.warning, s.logs)
			}
		})
	}
}

func TestDevConsolePanicReachesPage(t *testing.T) {
	s, _ := newConsoleServer(t, true, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"inc"]`)
	c.read()
	c.send(`[1,2,"panic"]`)
	if err := c.readErr(); websocket.CloseStatus(err) != websocket.StatusInternalError {
		t.Fatalf("a panic closes with %v, want 1011", err)
	}
	// The page rejoins; whether or not the record made it before the
	// close, the replay brings it.
	c2, _ := s.join(t, "/view", tok, 1)
	r, self := c2.waitLogRecord("live: view panicked")
	if r.Level != 8 || r.View != self {
		t.Errorf("panic record level %d view %q, want 8 (error) and this page's %q", r.Level, r.View, self)
	}
	stack, _ := r.Attrs["stack"].(string)
	if r.Attrs["panic"] != "boom from the view" || !strings.Contains(stack, "live/console_test.go:") || !strings.Contains(stack, "goroutine") {
		t.Errorf("panic record attrs lack the panic and its stack: %v", r.Attrs)
	}
	c2.send(`[1,3,"inc"]`)
	c2.readLogsUntil(func(f string) bool { return strings.HasPrefix(f, "[0,3,") }, nil)
}

func TestDevConsoleBadAttributes(t *testing.T) {
	s, _ := newConsoleServer(t, true, nil)
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	c.send(`[1,1,"odd"]`)
	r, _ := c.waitLogRecord("odd values")
	want := map[string]any{"ch": "chan int", "fn": "func()", "cycle": "*live_test.node", "ok": []any{float64(1), float64(2)}}
	if fmt.Sprint(r.Attrs) != fmt.Sprint(want) {
		t.Errorf("attrs %v, want %v", r.Attrs, want)
	}
	// The console and the view carry on.
	c.send(`[1,2,"info"]`)
	c.waitLogRecord("info from the view")
}

// TestDevConsoleBurst logs 10,000 records while the page does not read:
// logging does not wait, the page's events are still handled, and every
// record is either delivered or counted as dropped.
func TestDevConsoleBurst(t *testing.T) {
	s, logger := newConsoleServer(t, true, &live.DevConsoleOptions{Replay: -1})
	_, tok := s.page(t, "/view")
	c, _ := s.join(t, "/view", tok, 0)
	const n = 10_000
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range n / 4 {
				logger.Info("burst", "g", g, "i", i)
			}
		})
	}
	c.send(`[1,1,"inc"]`)
	wg.Wait()
	delivered, dropped := 0, 0
	count := func(f consoleFrame) {
		for _, r := range f.records {
			if r.Msg == "burst" {
				delivered++
			}
		}
		dropped += f.dropped
	}
	c.readLogsUntil(func(f string) bool { return strings.HasPrefix(f, "[0,1,") }, count) // the event's reply came through
	c.send(`[1,2,"inc"]`)
	replied := false
	c.readLogsUntil(func(f string) bool {
		replied = replied || strings.HasPrefix(f, "[0,2,")
		return replied && delivered+dropped == n
	}, count)
	if dropped == 0 {
		t.Errorf("no drops reported for %d records to a page that did not read", n)
	}
	t.Logf("%d records: %d delivered, %d dropped", n, delivered, dropped)
}

// TestDevConsoleConcurrent logs from many goroutines, with derived
// handlers, while pages come and go: run with -race; the leak check sees
// that every page's goroutine ends.
func TestDevConsoleConcurrent(t *testing.T) {
	s, logger := newConsoleServer(t, true, &live.DevConsoleOptions{Buffer: 8})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Go(func() {
			l := logger.With("g", g).WithGroup("grp")
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				l.Info("tick", "i", i)
			}
		})
	}
	for range 5 {
		_, tok := s.page(t, "/view")
		c, _ := s.join(t, "/view", tok, 0)
		c.waitLogRecord("tick")
		c.ws.Close(websocket.StatusNormalClosure, "")
	}
	close(stop)
	wg.Wait()
}

func ExampleNewDevConsole() {
	// The app's own handler: here text to stdout, without the time.
	app := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}})

	// In development only: records still go to the app's handler, and
	// also to the browser console of every live page on this machine.
	console := live.NewDevConsole(app, nil)
	logger := slog.New(console)
	h := live.NewHandler(func() live.View { return &Counter{} }, &live.Options{DevConsole: console, Logger: logger})
	defer h.Close()

	// Views log with their callbacks' ctx, so each page can tell its own
	// records from the others.
	logger.InfoContext(context.Background(), "ready", "views", 1)
	// Output:
	// level=WARN msg="live: dev console on: server logs are streamed to browsers on this machine; never use it in production"
	// level=INFO msg=ready views=1
}
