package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The demo as a real process: built once per run of this test binary,
// started on a port the test picks, killed with SIGKILL (no shutdown, no
// goodbye to the pages, as in a crash or a hard deploy) and started again
// on the same port. What survives that is what survives a real restart.

// demoBuild is the demo binary, built by the first test that needs it into
// a folder TestMain removes.
var demoBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// TestMain removes the demo binary after every test ran. (A binary built
// into t.TempDir() would be removed with the first test that built it.)
func TestMain(m *testing.M) {
	code := m.Run()
	if demoBuild.dir != "" {
		os.RemoveAll(demoBuild.dir)
	}
	os.Exit(code)
}

// demoBinary returns the path of cmd/templive-demo, built on first use.
func demoBinary(t *testing.T) string {
	t.Helper()
	demoBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "templive-e2e-")
		if err != nil {
			demoBuild.err = err
			return
		}
		demoBuild.dir = dir
		path := filepath.Join(dir, "templive-demo")
		out, err := exec.Command("go", "build", "-o", path, "github.com/templive/templive/cmd/templive-demo").CombinedOutput()
		if err != nil {
			demoBuild.err = fmt.Errorf("go build ./cmd/templive-demo: %v\n%s", err, out)
			return
		}
		demoBuild.path = path
	})
	if demoBuild.err != nil {
		t.Fatal(demoBuild.err)
	}
	return demoBuild.path
}

// demoProcess is one demo server process, restartable on its address.
type demoProcess struct {
	t    *testing.T
	bin  string
	addr string
	args []string
	out  *syncBuffer // stdout and stderr of every run, for failures
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// startProcess builds the demo if needed and runs it on a free loopback
// port with args, waiting until it answers. It is killed when the test
// ends; its output is logged if the test failed.
func startProcess(t *testing.T, args ...string) *demoProcess {
	t.Helper()
	p := &demoProcess{t: t, bin: demoBinary(t), addr: freeAddr(t), args: args, out: &syncBuffer{}}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("demo server output:\n%s", p.out)
		}
	})
	p.start()
	return p
}

// URL is the server's base URL; it stays the same across restarts.
func (p *demoProcess) URL() string { return "http://" + p.addr }

// start runs the demo on p.addr and waits until it serves its index.
func (p *demoProcess) start() {
	p.t.Helper()
	args := append([]string{"-addr", p.addr}, p.args...)
	cmd := exec.Command(p.bin, args...)
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("starting the demo: %v", err)
	}
	fmt.Fprintf(p.out, "--- started: %v\n", args)
	p.cmd, p.done = cmd, make(chan struct{})
	go func(done chan struct{}) { cmd.Wait(); close(done) }(p.done)

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second) // generous: the machine is shared
	for {
		select {
		case <-p.done:
			p.t.Fatalf("the demo exited before it answered: %v\n%s", cmd.ProcessState, p.out)
		default:
		}
		if resp, err := client.Get(p.URL() + "/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the demo did not answer on %s within 30 s\n%s", p.addr, p.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL and waits until it is gone, so its
// port is free again. Killing a dead process does nothing.
func (p *demoProcess) kill() {
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	fmt.Fprintf(p.out, "--- killed\n")
	p.cmd = nil
}

// restart kills the process and starts it again on the same address, with
// args if given, else with the flags it had.
func (p *demoProcess) restart(args ...string) {
	p.t.Helper()
	p.kill()
	if args != nil {
		p.args = args
	}
	p.start()
}

// freeAddr returns a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a bytes.Buffer safe for the writes of a child's two pipes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
