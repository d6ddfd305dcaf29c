package livetest

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/templive/templive/internal/leakcheck"
)

// ErrLeak is wrapped by VerifyNone's error: goroutines were left running.
var ErrLeak = errors.New("livetest: goroutines left running")

// Main runs the test binary's tests and then fails it, listing their
// stacks, if goroutines other than the testing package's own are still
// running five seconds after the last test: a view's timers, async tasks,
// subscriptions and connections all end with it, so a goroutine left over
// is a leak in the app (or a handler that was not closed). Call it from
// TestMain:
//
//	func TestMain(m *testing.M) { livetest.Main(m) }
//
// When the tests fail, Main reports their failure and skips the check.
// An app whose tests start goroutines that live for the whole binary (a
// database pool) closes them in its own TestMain and calls VerifyNone.
func Main(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := VerifyNone(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// VerifyNone waits up to five seconds for every goroutine but the testing
// package's own to end, and returns nil once they have, or an error
// wrapping ErrLeak with the stacks of those still running. It is meant for
// TestMain, after m.Run, when no test is running any more.
func VerifyNone() error {
	if leaked := leakcheck.Wait(5 * time.Second); leaked != "" {
		return fmt.Errorf("%w after the tests:\n%s", ErrLeak, leaked)
	}
	return nil
}
