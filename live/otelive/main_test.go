package otelive_test

import (
	"testing"

	"github.com/templive/templive/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }
