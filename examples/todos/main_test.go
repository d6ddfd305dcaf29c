package todos_test

import (
	"testing"

	"github.com/templive/templive/live/livetest"
)

// TestMain fails the tests if they leave a goroutine running.
func TestMain(m *testing.M) { livetest.Main(m) }
