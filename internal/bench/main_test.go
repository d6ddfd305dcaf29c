package bench_test

import (
	"testing"

	"github.com/templive/templive/internal/leakcheck"
)

// The load tool starts a reader per connection and a pacing goroutine per
// client: none may outlive a run.
func TestMain(m *testing.M) { leakcheck.Main(m) }
