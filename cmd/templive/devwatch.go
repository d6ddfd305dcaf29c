package main

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// watcher finds changed .templ, .go and .css files by polling their
// modification times and sizes: no dependency, and it works on every file
// system (editors that replace files, network mounts, containers).
type watcher struct {
	dir  string
	seen map[string]stamp
}

type stamp struct {
	mod  time.Time
	size int64
}

// changes is what one or more scans found.
type changes struct {
	templ, code, css bool
	paths            map[string]bool
}

func (c *changes) empty() bool { return len(c.paths) == 0 }

func (c *changes) add(o changes) {
	c.templ = c.templ || o.templ
	c.code = c.code || o.code
	c.css = c.css || o.css
	if c.paths == nil {
		c.paths = map[string]bool{}
	}
	for p := range o.paths {
		c.paths[p] = true
	}
}

// dropGenerated forgets the *_templ.go files, which templ generate has
// just written from the .templ files already handled.
func (c *changes) dropGenerated() {
	kept := changes{}
	for p := range c.paths {
		if !strings.HasSuffix(p, "_templ.go") {
			kept.mark(p)
		}
	}
	*c = kept
}

// mark records the file at rel (from the app's folder) as changed.
func (c *changes) mark(rel string) {
	switch filepath.Ext(rel) {
	case ".templ":
		c.templ = true
	case ".css":
		c.css = true
	default:
		c.code = true
	}
	if c.paths == nil {
		c.paths = map[string]bool{}
	}
	c.paths[rel] = true
}

// names lists the changed files, sorted, for the log.
func (c *changes) names() string {
	var names []string
	for p := range c.paths {
		names = append(names, p)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func newWatcher(dir string) *watcher { return &watcher{dir: dir, seen: map[string]stamp{}} }

// scan returns the files added, changed or removed since the last scan.
// Tests, hidden folders, vendor and node_modules are not the app.
func (w *watcher) scan() changes {
	var c changes
	now := map[string]stamp{}
	filepath.WalkDir(w.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != w.dir && (strings.HasPrefix(name, ".") || name == "vendor" || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(name)
		if (ext != ".templ" && ext != ".go" && ext != ".css" && name != "go.mod") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		now[p] = stamp{info.ModTime(), info.Size()}
		return nil
	})
	mark := func(p string) {
		rel, _ := filepath.Rel(w.dir, p)
		c.mark(rel)
	}
	for p, s := range now {
		if old, ok := w.seen[p]; !ok || old != s {
			mark(p)
		}
	}
	for p := range w.seen {
		if _, ok := now[p]; !ok {
			mark(p)
		}
	}
	w.seen = now
	return c
}
