package events_test

import (
	"testing"

	"github.com/templive/templive/live/livetest"
)

// TestMain fails the tests if they leave a goroutine running: the view's
// tasks, timers and subscriptions all end with it.
func TestMain(m *testing.M) { livetest.Main(m) }
