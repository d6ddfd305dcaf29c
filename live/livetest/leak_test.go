package livetest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/templive/templive/live/livetest"
)

// TestVerifyNoneFindsALeak: a goroutine still running is reported, with
// its stack, and once it ends VerifyNone is satisfied.
func TestVerifyNoneFindsALeak(t *testing.T) {
	// Other tests of this binary may still be winding down: start clean.
	if err := livetest.VerifyNone(); err != nil {
		t.Fatalf("before the leak: %v", err)
	}
	stop := make(chan struct{})
	go leakyWorker(stop)
	err := livetest.VerifyNone()
	close(stop)
	if !errors.Is(err, livetest.ErrLeak) || !strings.Contains(err.Error(), "leakyWorker") {
		t.Fatalf("VerifyNone with a goroutine running = %v, want ErrLeak naming leakyWorker", err)
	}
	if err := livetest.VerifyNone(); err != nil {
		t.Fatalf("after the goroutine ended: %v", err)
	}
}

func leakyWorker(stop chan struct{}) { <-stop }
