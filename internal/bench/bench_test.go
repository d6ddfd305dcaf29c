package bench_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/templive/templive/examples/counter"
	"github.com/templive/templive/internal/bench"
	"github.com/templive/templive/live"
)

func counterServer(t *testing.T) string {
	h := live.NewHandler(counter.New, &live.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	mux := http.NewServeMux()
	mux.Handle("/counter", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); srv.Close() })
	return srv.URL + "/counter"
}

func TestLoad(t *testing.T) {
	u := counterServer(t)
	res, err := bench.Run(context.Background(), bench.Config{
		URLs: []string{u}, Clients: 5, Rate: 200, Duration: 500 * time.Millisecond, Event: "inc",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Connected != 5 || res.Errors != 0 {
		t.Fatalf("connected %d, errors %d (%s)", res.Connected, res.Errors, res.FirstError)
	}
	if res.Events < 20 {
		t.Fatalf("only %d events in 0.5 s at 200/s", res.Events)
	}
	if res.P50ms <= 0 || res.P99ms < res.P50ms || res.Maxms < res.P99ms {
		t.Fatalf("latencies out of order: %+v", res)
	}
	// An event is [1,ref,"inc"]: 11 bytes and more as refs grow; its reply
	// sets #count's text.
	if res.BytesUpPerEvent < 11 || res.BytesUpPerEvent > 16 || res.BytesDownPerEvent < 20 || res.BytesDownPerEvent > 40 {
		t.Fatalf("bytes per event up %.1f down %.1f, want about 12 and 28", res.BytesUpPerEvent, res.BytesDownPerEvent)
	}
}

func TestIdle(t *testing.T) {
	u := counterServer(t)
	res, err := bench.Run(context.Background(), bench.Config{URLs: []string{u}, Clients: 20, Idle: true, Hold: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Connected != 20 || res.Errors != 0 {
		t.Fatalf("connected %d of 20, errors %d (%s)", res.Connected, res.Errors, res.FirstError)
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []bench.Config{
		{URLs: []string{"ftp://x"}, Clients: 1, Idle: true},
		{URLs: []string{"http://x/"}, Clients: 0, Idle: true},
		{URLs: []string{"http://x/"}, Clients: 1},
		{Clients: 1, Idle: true},
		{URLs: []string{"http://x/", "ftp://y"}, Clients: 2, Idle: true},
		{URLs: []string{"http://x/"}, Clients: 4, Idle: true, Procs: 2}, // no way to start them
		{URLs: []string{"http://x/"}, Clients: 1, Idle: true, Procs: 2, Spawn: func([]string) *exec.Cmd { return exec.Command("false") }},
	} {
		if _, err := bench.Run(context.Background(), cfg); !errors.Is(err, bench.ErrConfig) {
			t.Errorf("Run(%+v) = %v, want ErrConfig", cfg, err)
		}
	}
}

// TestChildrenThatCannotStart: a run whose child processes cannot start
// says so, and leaves none behind.
func TestChildrenThatCannotStart(t *testing.T) {
	_, err := bench.Run(context.Background(), bench.Config{
		URLs: []string{"http://127.0.0.1:1/"}, Clients: 4, Idle: true, Procs: 2,
		Spawn: func(args []string) *exec.Cmd { return exec.Command("/nonexistent/templive", args...) },
	})
	if err == nil || !strings.Contains(err.Error(), "starting child process") {
		t.Errorf("err = %v, want one about starting the children", err)
	}
}

// TestChildThatFails: a child that exits without a result is an error of
// the run, counted, not a silent share of zeros.
func TestChildThatFails(t *testing.T) {
	res, err := bench.Run(context.Background(), bench.Config{
		URLs: []string{"http://127.0.0.1:1/"}, Clients: 4, Idle: true, Procs: 2,
		Spawn: func(args []string) *exec.Cmd { return exec.Command("false") },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 2 || res.Connected != 0 || !strings.Contains(res.FirstError, "child process") || !strings.Contains(res.FirstError, "exit status 1") {
		t.Errorf("%+v, want the 2 children's failures", res)
	}
}

func TestNotALivePage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<p>plain</p>") }))
	defer srv.Close()
	res, err := bench.Run(context.Background(), bench.Config{URLs: []string{srv.URL}, Clients: 2, Idle: true, Hold: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Connected != 0 || res.Errors != 2 || res.FirstError == "" {
		t.Fatalf("%+v, want 2 errors saying there is no live root", res)
	}
}

// TestLoadLeavesLogFramesOut: a development server's console frames (the
// records replayed to each connection, and those logged while it runs)
// are counted apart, not in the bytes per event.
func TestLoadLeavesLogFramesOut(t *testing.T) {
	console := live.NewDevConsole(slog.NewTextHandler(io.Discard, nil), nil)
	logger := slog.New(console)
	for i := range 50 { // what each joining connection is replayed
		logger.Info("a record logged before the run", "i", i)
	}
	h := live.NewHandler(counter.New, &live.Options{Logger: logger, DevConsole: console})
	mux := http.NewServeMux()
	mux.Handle("/counter", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); srv.Close() })

	res, err := bench.Run(context.Background(), bench.Config{
		URLs: []string{srv.URL + "/counter"}, Clients: 5, Rate: 200, Duration: 500 * time.Millisecond, Event: "inc",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Connected != 5 || res.Errors != 0 || res.Events < 20 {
		t.Fatalf("connected %d, events %d, errors %d (%s)", res.Connected, res.Events, res.Errors, res.FirstError)
	}
	if res.LogBytesDown < 5*50*40 { // 50 records of 40 bytes and more, to each of 5 clients
		t.Errorf("log bytes down %d, want the replayed records counted", res.LogBytesDown)
	}
	if res.BytesDownPerEvent < 20 || res.BytesDownPerEvent > 40 {
		t.Errorf("bytes down per event %.1f, want about 28, as without a console", res.BytesDownPerEvent)
	}
}
