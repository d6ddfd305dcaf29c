package e2e

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDevLoop is templive's dev loop as a user lives it: templive new
// writes an app, templive dev (a real process, building and running the
// app as another) serves it, a browser opens the page and types in its
// form; then an edit of page.templ shows up in the open page with the
// typed text and the server state it fed kept, and an edit of the
// stylesheet is swapped in without a reload.
func TestDevLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the templive command and an app")
	}
	chromiumPath(t)
	bin, app := newDevApp(t)
	addr := startDev(t, bin, app)

	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate("http://"+addr+"/"))
	waitFor(t, ctx, "the page to connect", connected)
	waitFor(t, ctx, "the dev client", `!!window.templiveDev`)
	// A value only this document holds: a reload would lose it.
	eval[bool](t, ctx, `(window.sameDocument = true)`)
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#name"), "Ada"))
	waitText(t, ctx, "#greeting", "Hello, Ada!")

	edit(t, filepath.Join(app, "page.templ"), "Hello, templive", "Hello, edited")
	start := time.Now()
	waitLong(t, ctx, "the edited heading", `(document.querySelector('#title')||{}).textContent === 'Hello, edited'`)
	t.Logf("page.templ edit to updated page: %v", time.Since(start).Round(time.Millisecond))
	if got := eval[string](t, ctx, `document.querySelector('#name').value`); got != "Ada" {
		t.Errorf("typed text after the rebuild = %q, want Ada", got)
	}
	// The restarted app's view was rebuilt from the recovered form.
	waitText(t, ctx, "#greeting", "Hello, Ada!")
	if !eval[bool](t, ctx, `window.sameDocument === true`) {
		t.Error("the page reloaded for a .templ edit; want it patched in place")
	}

	edit(t, filepath.Join(app, "static", "app.css"), "body {", "h1 { color: rgb(1, 2, 3); }\n\nbody {")
	start = time.Now()
	waitLong(t, ctx, "the new stylesheet", `getComputedStyle(document.querySelector('#title')).color === 'rgb(1, 2, 3)'`)
	t.Logf("app.css edit to restyled page: %v", time.Since(start).Round(time.Millisecond))
	if !eval[bool](t, ctx, `window.sameDocument === true`) {
		t.Error("the page reloaded for a stylesheet edit; want the stylesheet swapped")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('link[rel=stylesheet]').length`); n != 1 {
		t.Errorf("%d stylesheets after the swap, want 1", n)
	}
	if got := eval[string](t, ctx, `document.querySelector('#name').value`); got != "Ada" {
		t.Errorf("typed text after the stylesheet swap = %q, want Ada", got)
	}
	// Still live: an event reaches the restarted app.
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "1")

	// A build that fails is shown in the page's console and loses
	// nothing: the running app goes on serving the page.
	edit(t, filepath.Join(app, "view.go"), "h.Count++", "h.Count++ +")
	deadline := time.Now().Add(time.Minute)
	for !consoleHas(console(), "error", "templive dev: go build", "view.go") {
		if time.Now().After(deadline) {
			t.Fatalf("no build error in the console; it holds %v", console())
		}
		time.Sleep(50 * time.Millisecond)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "2")
	before := len(console())
	edit(t, filepath.Join(app, "view.go"), "h.Count++ +", "h.Count += 10")
	deadline = time.Now().Add(time.Minute)
	for !consoleHas(console()[before:], "info", "templive dev: rebuilt") {
		if time.Now().After(deadline) {
			t.Fatalf("no rebuild after the fix; the console holds %v", console())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The count is not in a form, so the restarted app starts it afresh
	// (only forms are recovered); the click reaches the fixed code.
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "10")
	if got := eval[string](t, ctx, `document.querySelector('#name').value`); got != "Ada" {
		t.Errorf("typed text after the fixed build = %q, want Ada", got)
	}
}

// consoleHas tells whether a console message of type kind holds every
// one of parts.
func consoleHas(msgs []chromedp.ConsoleMessage, kind chromedp.ConsoleType, parts ...string) bool {
	for _, m := range msgs {
		if m.Type != kind {
			continue
		}
		all := true
		for _, p := range parts {
			all = all && strings.Contains(m.Text, p)
		}
		if all {
			return true
		}
	}
	return false
}

// goCmd runs the go command in dir, failing the test on error.
func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// edit replaces old with new in the file at path, which must hold old.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not hold %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitLong polls a JavaScript condition for up to a minute, across
// reloads, like waitFor: a rebuild on a shared machine can take a while.
// (No timing is asserted; the test logs it.)
func waitLong(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		_, err := chromedp.Run(tctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond)))
		if err == nil {
			return
		}
		// A reload ends the poll in the old document: poll the new one.
		if tctx.Err() == nil && (strings.Contains(err.Error(), "navigated or closed") || strings.Contains(err.Error(), "context was destroyed") || strings.Contains(err.Error(), "Cannot find context")) {
			continue
		}
		t.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
}

// newDevApp builds the templive command and writes an app with templive
// new, pointed at this checkout and tidied.
func newDevApp(t *testing.T) (bin, app string) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin = filepath.Join(tmp, "templive")
	goCmd(t, root, nil, "build", "-o", bin, "./cmd/templive")
	app = filepath.Join(tmp, "app")
	if out, err := exec.Command(bin, "new", "app", "-dir", app).CombinedOutput(); err != nil {
		t.Fatalf("templive new: %v\n%s", err, out)
	}
	goCmd(t, app, devEnv, "mod", "edit", "-replace=github.com/templive/templive="+root)
	goCmd(t, app, devEnv, "mod", "tidy")
	return bin, app
}

// devEnv keeps the app out of the checkout's workspace, as a user's is.
var devEnv = []string{"GOWORK=off", "GOFLAGS=-mod=mod"}

// startDev runs templive dev in app until the test ends and returns the
// address it serves on, once it does.
func startDev(t *testing.T, bin, app string) string {
	t.Helper()
	addr := freeAddr(t)
	dev := exec.Command(bin, "dev", "-addr", addr)
	dev.Dir = app
	dev.Env = append(os.Environ(), devEnv...)
	logs := &syncBuffer{}
	pr, pw := io.Pipe()
	dev.Stdout, dev.Stderr = logs, io.MultiWriter(logs, pw)
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { dev.Wait(); pw.Close(); close(done) }()
	t.Cleanup(func() {
		// templive dev stops its app on SIGTERM.
		dev.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			dev.Process.Kill()
			<-done
		}
		if t.Failed() || testing.Verbose() {
			t.Logf("templive dev output:\n%s", logs)
		}
	})
	serving := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		found := false
		for sc.Scan() {
			if !found && strings.Contains(sc.Text(), "templive dev: serving") {
				found = true
				serving <- true
			}
		}
		if !found {
			serving <- false
		}
	}()
	select {
	case ok := <-serving:
		if !ok {
			t.Fatalf("templive dev exited before serving:\n%s", logs)
		}
	case <-time.After(120 * time.Second):
		t.Fatalf("templive dev did not serve within 120 s:\n%s", logs)
	}
	return addr
}

// TestDevFirstBuildFails: when the app does not build at the start, the
// page shows the compiler's error (escaped), and once the file is fixed
// it loads the live page by itself.
func TestDevFirstBuildFails(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the templive command and an app")
	}
	chromiumPath(t)
	bin, app := newDevApp(t)
	edit(t, filepath.Join(app, "view.go"), "h.Count++", "h.Count++ <")
	addr := startDev(t, bin, app)

	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate("http://"+addr+"/"))
	waitFor(t, ctx, "the build error", `document.title.includes('not running') && document.querySelector('pre').textContent.includes('view.go')`)
	if got := text(t, ctx, "pre"); !strings.Contains(got, "syntax error") {
		t.Errorf("the error page shows %q, want the compiler's syntax error", got)
	}
	edit(t, filepath.Join(app, "view.go"), "h.Count++ <", "h.Count++")
	waitLong(t, ctx, "the live page after the fix", `(document.querySelector('[live-root]')||{classList:{contains(){}}}).classList.contains('live-connected')`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "1")
}
