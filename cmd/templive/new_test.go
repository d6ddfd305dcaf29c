package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewWritesApp: templive new writes every file of the app, with the
// module path and name filled in and no template syntax left over.
func TestNewWritesApp(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"new", "shop", "-module", "example.com/me/shop", "-dir", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("new: %v\n%s", err, stderr.String())
	}
	for _, f := range []string{"go.mod", "main.go", "view.go", "page.templ", "page_templ.go", "main_test.go",
		"static/app.css", "Makefile", "README.md", ".gitignore", ".github/workflows/ci.yml"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if bytes.Contains(b, []byte("{{")) {
			t.Errorf("%s keeps template syntax:\n%s", f, b)
		}
	}
	gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	for _, want := range []string{"module example.com/me/shop\n", "github.com/templive/templive v", "tool github.com/a-h/templ/cmd/templ"} {
		if !strings.Contains(string(gomod), want) {
			t.Errorf("go.mod lacks %q:\n%s", want, gomod)
		}
	}
	gen, _ := os.ReadFile(filepath.Join(dir, "page_templ.go"))
	if bytes.Contains(gen, []byte(skeletonDir)) || !bytes.Contains(gen, []byte("FileName: `page.templ`")) {
		t.Errorf("page_templ.go should name page.templ from the app's root")
	}
	if ignore, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); string(ignore) != "/shop\n" {
		t.Errorf(".gitignore = %q, want /shop", ignore)
	}
	if !strings.Contains(stdout.String(), "go mod tidy") {
		t.Errorf("new printed no next steps:\n%s", stdout.String())
	}
}

// TestNewRefusesNonEmpty: a folder with a file in it is left untouched.
func TestNewRefusesNonEmpty(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "main.go")
	if err := os.WriteFile(keep, []byte("package mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := newCmd([]string{"app", "-dir", dir}, &stdout, &stderr)
	if !errors.Is(err, errNotEmpty) {
		t.Fatalf("new into a non-empty folder: %v, want errNotEmpty", err)
	}
	if b, _ := os.ReadFile(keep); string(b) != "package mine\n" {
		t.Errorf("main.go was overwritten: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want the 1 it had", len(entries))
	}
}

// TestNewBadInput: bad names and module paths get a clear error and
// write nothing.
func TestNewBadInput(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"../evil"},
		{"-dash"},
		{"a b"},
		{"app", "-module", "bad path"},
		{"app", "-module", "/abs"},
		{"app", "extra"},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		if err := newCmd(append(args, "-dir", dir), &stdout, &stderr); err == nil {
			t.Errorf("new %q: no error", args)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("new %q wrote %s", args, dir)
		}
	}
}
