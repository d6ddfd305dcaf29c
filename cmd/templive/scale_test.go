package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/templive/templive/internal/bench"
)

// asMain, in the environment, makes the test binary run as the templive
// command (TestMain, main_test.go): the scale test starts demo nodes and
// bench child processes from it, as real processes.
const asMain = "TEMPLIVE_TEST_AS_MAIN"

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startNode starts `templive demo` in its own process and waits until it
// serves /chat.
func startNode(t *testing.T, args ...string) (*exec.Cmd, string) {
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], append([]string{"demo", "-addr", addr, "-dev=false"}, args...)...)
	cmd.Env = append(os.Environ(), asMain+"=1")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	page := "http://" + addr + "/chat"
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(page); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, page
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s did not serve %s: %s", addr, page, logs.String())
		}
	}
}

// watch is a stderr that runs fn once, when it first sees the text.
type watch struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	text string
	once sync.Once
	fn   func()
}

func (w *watch) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	seen := strings.Contains(w.buf.String(), w.text)
	w.mu.Unlock()
	if seen {
		w.once.Do(w.fn)
	}
	return len(p), nil
}

// TestScaleSmall: three demo nodes joined by an embedded NATS, 300 pages of
// /chat driven by `templive bench -procs 2` (child processes): one message
// said in the room reaches all 300 pages on all nodes; a node killed while
// they are held loses its 100 pages, and they all rejoin the others.
func TestScaleSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 3 servers and 3 bench processes")
	}
	natsAddr := freeAddr(t)
	_, p0 := startNode(t, "-nats-serve", natsAddr)
	_, p1 := startNode(t, "-nats", "nats://"+natsAddr)
	n2, p2 := startNode(t, "-nats", "nats://"+natsAddr)
	t.Setenv(asMain, "1") // the bench's children are this binary too

	// The node dies as the hold starts; its pages have the rest of the hold
	// to rejoin, generous for a loaded machine (backoff is at most 5 s).
	stderr := &watch{text: "hold", fn: func() { n2.Process.Kill() }}
	var stdout bytes.Buffer
	err := run([]string{"bench", "-url", p0, "-url", p1, "-url", p2, "-clients", "300", "-procs", "2",
		"-idle", "-hold", "20s", "-reconnect", "-broadcast", "send", "-values", "message=hello+everyone", "-json"}, &stdout, stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.buf.String())
	}
	var res bench.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	report := fmt.Sprintf("%+v\nbroadcast %+v\nreconnect %+v\nstderr: %s", res, res.Broadcast, res.Reconnect, stderr.buf.String())
	if res.Clients != 300 || res.Connected != 300 || res.Errors != 0 {
		t.Fatalf("want 300 connected, no errors: %s", report)
	}
	if res.Broadcast == nil || res.Broadcast.Received != 300 {
		t.Fatalf("want the message on all 300 pages: %s", report)
	}
	if rc := res.Reconnect; rc == nil || rc.Dropped != 100 || rc.Rejoined != 100 {
		t.Fatalf("want node 2's 100 pages dropped and rejoined: %s", report)
	}
	t.Log(report)
}
