package todos_test

import (
	"testing"

	"github.com/templive/templive/internal/leakcheck"
)

// TestMain fails the tests if they leave a goroutine running.
func TestMain(m *testing.M) { leakcheck.Main(m) }
