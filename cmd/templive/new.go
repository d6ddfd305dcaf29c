package main

import (
	"bytes"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"text/template"
)

// skeleton is the app templive new writes. It is a real package of this
// module, so the repository's own vet, lint, test and templ generate keep
// it (page_templ.go included) working; the files named *.tmpl are the ones
// that would make it a module of its own, filled in per app.
//
//go:embed all:skeleton
var skeleton embed.FS

const (
	// skeletonDir is the skeleton's folder from the repository root, as
	// templ generate writes it into page_templ.go's error positions.
	skeletonDir = "cmd/templive/skeleton/"
	// goVersion is the go line of a new app's go.mod: templive's own.
	goVersion = "1.26.0"
	// templVersion is the templ a new app requires when this binary's
	// build information does not say which one it was built with.
	templVersion = "v0.3.977"
	// develVersion is required when this binary was built from a checkout
	// rather than installed at a version: the app then needs a replace
	// line pointing at the checkout (go mod edit -replace).
	develVersion = "v0.0.0-00010101000000-000000000000"
)

// errNotEmpty is returned when templive new would write into a folder
// that already holds files: it never overwrites anything.
var errNotEmpty = errors.New("folder is not empty")

// appName is what a new app's name may be: a folder name and the last
// element of a module path.
var appName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// modulePath is a conservative module path: lowercase-insensitive
// elements of letters, digits and ._~- separated by slashes.
var modulePath = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$`)

// appData fills in the skeleton's *.tmpl files.
type appData struct {
	Name, Module    string
	Go              string
	Templ, Templive string
}

// newCmd writes a new app from the skeleton.
func newCmd(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("templive new", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: templive new NAME [-module PATH] [-dir DIR]")
		fset.PrintDefaults()
	}
	module := fset.String("module", "", "the module path (default NAME)")
	dir := fset.String("dir", "", "the folder to write into, which must be empty or absent (default NAME)")
	// NAME may come before or after the flags.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fset.Parse(args); err != nil {
		return err
	}
	if name == "" && fset.NArg() > 0 {
		name = fset.Arg(0)
	} else if fset.NArg() > 0 {
		return fmt.Errorf("new: unexpected arguments %q", fset.Args())
	}
	if name == "" {
		fset.Usage()
		return fmt.Errorf("new: no NAME")
	}
	if !appName.MatchString(name) {
		return fmt.Errorf("new: %q is not a valid name: use letters, digits and ._- (it names the folder and the binary)", name)
	}
	if *module == "" {
		*module = name
	}
	if !modulePath.MatchString(*module) {
		return fmt.Errorf("new: %q is not a valid module path", *module)
	}
	if *dir == "" {
		*dir = name
	}
	data := appData{Name: name, Module: *module, Go: goVersion, Templ: templVersion, Templive: develVersion}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Replace != nil || !strings.HasPrefix(d.Version, "v") {
				continue
			}
			switch d.Path {
			case "github.com/a-h/templ":
				data.Templ = d.Version
			case "github.com/templive/templive":
				data.Templive = d.Version
			}
		}
	}
	if err := writeApp(*dir, data); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (module %s) in %s\n\n  cd %s\n  go mod tidy\n  make test\n  make dev\n", name, *module, *dir, *dir)
	if data.Templive == develVersion {
		fmt.Fprintf(stdout, "\nthis templive was built from a checkout: point the app at it first with\n  go mod edit -replace=github.com/templive/templive=/path/to/templive\n")
	}
	return nil
}

// writeApp writes the skeleton into dir, which must be empty or absent.
func writeApp(dir string, data appData) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("new: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("new: %s: %w: templive new never overwrites files; choose another -dir", dir, errNotEmpty)
	}
	root, err := fs.Sub(skeleton, "skeleton")
	if err != nil {
		return fmt.Errorf("new: %w", err)
	}
	return fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		out := p
		switch {
		case strings.HasSuffix(p, ".tmpl"):
			out = strings.TrimSuffix(p, ".tmpl")
			if path.Base(out) == "gitignore" {
				out = path.Join(path.Dir(out), ".gitignore")
			}
			t, err := template.New(p).Option("missingkey=error").Parse(string(content))
			if err != nil {
				return fmt.Errorf("new: %s: %w", p, err)
			}
			var b bytes.Buffer
			if err := t.Execute(&b, data); err != nil {
				return fmt.Errorf("new: %s: %w", p, err)
			}
			content = b.Bytes()
		case strings.HasSuffix(p, "_templ.go"):
			// Error positions name the .templ file from the app's root.
			content = bytes.ReplaceAll(content, []byte(skeletonDir), nil)
		}
		target := filepath.Join(dir, filepath.FromSlash(out))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("new: %w", err)
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return fmt.Errorf("new: %w", err)
		}
		return nil
	})
}
