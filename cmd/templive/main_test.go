package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/templive/templive/live/livetest"
)

// TestMain fails the run if a test leaves a goroutine behind (the dev
// proxy's streams, a slow connection's reader). With asMain set, the test
// binary is the templive command, for the processes the scale test starts.
func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		main()
		os.Exit(0)
	}
	livetest.Main(m)
}

// TestUsageListsEveryCommand: the usage names each command run knows.
func TestUsageListsEveryCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"help"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"templive new", "templive dev", "templive demo", "templive diff", "templive bench"} {
		if !strings.Contains(stdout.String(), c) {
			t.Errorf("usage does not list %q:\n%s", c, stdout.String())
		}
	}
	if err := run(nil, &stdout, &stderr); err == nil {
		t.Error("no command: want an error")
	}
}

// TestHelpIsNoError: -h and -help print a command's help and succeed.
func TestHelpIsNoError(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "-h"}, {"diff", "-h"}, {"bench", "-h"}, {"bench", "-help"}, {"new", "-h"}, {"dev", "-h"}, {"-h"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(args, &stdout, &stderr); err != nil {
			t.Errorf("%q: %v, want no error", args, err)
		}
		if help := stdout.String() + stderr.String(); !strings.Contains(help, "usage") && !strings.Contains(help, "-addr") && !strings.Contains(help, "-url") {
			t.Errorf("%q printed no help:\n%s", args, help)
		}
	}
	var stdout, stderr bytes.Buffer
	run([]string{"diff", "-h"}, &stdout, &stderr)
	if !strings.Contains(stderr.String(), "usage: templive diff OLD.html NEW.html") {
		t.Errorf("diff -h printed\n%s", stderr.String())
	}
}

// TestDiffCommand: two files give their ops; a wrong argument count is an
// error that shows the usage.
func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.html"), filepath.Join(dir, "b.html")
	os.WriteFile(a, []byte(`<p id="c">1</p>`), 0o600)
	os.WriteFile(b, []byte(`<p id="c">2</p>`), 0o600)
	var stdout, stderr bytes.Buffer
	if err := run([]string{"diff", a, b}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), `"c"`) {
		t.Errorf("diff printed\n%s", stdout.String())
	}
	stderr.Reset()
	if err := run([]string{"diff", a}, &stdout, &stderr); err == nil || !strings.Contains(stderr.String(), "usage") {
		t.Errorf("one file: %v, stderr %q; want an error and the usage", err, stderr.String())
	}
}

// TestInstallableModule: go install github.com/templive/templive/cmd/templive@latest
// needs this package's module to be github.com/templive/templive/cmd and
// its go.mod to have no replace directive (go install refuses those).
func TestInstallableModule(t *testing.T) {
	src, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "//") {
			continue
		}
		if f[0] == "replace" || f[0] == "exclude" {
			t.Errorf("cmd/go.mod: %q: go install pkg@version refuses a module with %s directives", line, f[0])
		}
		if f[0] == "module" && (len(f) < 2 || f[1] != "github.com/templive/templive/cmd") {
			t.Errorf("cmd/go.mod: %q, want module github.com/templive/templive/cmd", line)
		}
	}
}
