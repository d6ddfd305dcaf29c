package e2e

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

// recordWSFrames makes every page the tab loads from now on keep the frames
// its WebSockets receive in window.__frames.
func recordWSFrames(t *testing.T, ctx context.Context) {
	t.Helper()
	const src = `(() => {
		const W = window.WebSocket;
		window.__frames = [];
		window.WebSocket = class extends W {
			constructor(...args) {
				super(...args);
				this.addEventListener("message", (e) => window.__frames.push(String(e.data)));
			}
		};
	})();`
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return err
	}))
}

// waitServerLog polls the console log until a message satisfies ok, and
// returns it.
func waitServerLog(t *testing.T, log func() []chromedp.ConsoleMessage, what string, ok func(chromedp.ConsoleMessage) bool) chromedp.ConsoleMessage {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, m := range log() {
			if ok(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			var all []string
			for _, m := range log() {
				all = append(all, m.String())
			}
			t.Fatalf("no console message %s; got:\n%s", what, strings.Join(all, "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func hasAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// consoleSourceLine returns "console/console.go:N", N being the line of
// examples/console/console.go that holds marker.
func consoleSourceLine(t *testing.T, marker string) string {
	t.Helper()
	src, err := os.ReadFile("../examples/console/console.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if strings.Contains(line, marker) {
			return fmt.Sprintf("console/console.go:%d", i+1)
		}
	}
	t.Fatalf("no %q in console.go", marker)
	return ""
}

func TestConsoleButtonsPrintServerRecords(t *testing.T) {
	base := startDemo(t, demo.Config{Dev: true})
	ctx := newBrowser(t)
	recordWSFrames(t, ctx)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/console"))
	waitFor(t, ctx, "the live connection", connected)
	for _, tc := range []struct {
		button, msg string
		method      chromedp.ConsoleType
		attr        string
	}{
		{"#log-info", "info from the server", chromedp.ConsoleInfo, "user"},
		{"#log-warn", "warn from the server", chromedp.ConsoleWarning, "quota"},
		{"#log-error", "error from the server", chromedp.ConsoleError, "the database said no"},
	} {
		run(t, ctx, chromedp.Click(chromedp.CSS(tc.button)))
		m := waitServerLog(t, console, fmt.Sprintf("%q", tc.msg), func(m chromedp.ConsoleMessage) bool {
			return strings.Contains(m.Text, tc.msg)
		})
		src := consoleSourceLine(t, `"`+tc.msg+`"`)
		if m.Type != tc.method || !hasAll(m.Text, "[this tab] "+tc.msg, src) {
			t.Errorf("%s printed as %s %q; want console.%s with \"[this tab] %s\" and %s", tc.button, m.Type, m.Text, tc.method, tc.msg, src)
		}
		if !regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d\d\d [A-Z]+ `).MatchString(m.Text) {
			t.Errorf("%s: no time and level first: %q", tc.button, m.Text)
		}
		// The attributes are an object the developer can expand.
		if len(m.Args) != 4 || m.Args[3].Type != "object" || !strings.Contains(m.Text, tc.attr) {
			t.Errorf("%s: want the attributes as a fourth, object, argument showing %q; got %d args, %q", tc.button, tc.attr, len(m.Args), m.Text)
		}
	}
	if !eval[bool](t, ctx, `window.__frames.some((f) => f.startsWith("[6,"))`) {
		t.Error("no log frame recorded: the frame recorder is broken, and the -dev=false test proves nothing")
	}
}

func TestConsolePanicShowsStackAndViewRecovers(t *testing.T) {
	base := startDemo(t, demo.Config{Dev: true})
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/console"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#log-info")))
	waitText(t, ctx, "#last", "info")

	run(t, ctx, chromedp.Click(chromedp.CSS("#log-panic")))
	m := waitServerLog(t, console, "for the panic", func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "live: view panicked")
	})
	if m.Type != chromedp.ConsoleError || !hasAll(m.Text, "[this tab]", "panic from the console demo", "goroutine ", "examples/console/console.go:", "HandleEvent") {
		t.Errorf("panic printed as %s %q; want an error with the panic and its stack", m.Type, m.Text)
	}

	// The view restarted: the page reconnected to a fresh one that works.
	waitFor(t, ctx, "the page to reconnect", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#log-warn")))
	waitText(t, ctx, "#last", "warn")
	waitServerLog(t, console, "after the restart", func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "warn from the server")
	})
	// The rejoin's replay repeats records this page printed: each shows once.
	for _, msg := range []string{"live: view panicked", "info from the server"} {
		n := 0
		for _, m := range console() {
			if strings.Contains(m.Text, msg) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q printed %d times, want once", msg, n)
		}
	}
}

func TestConsoleReplayAndTabFilter(t *testing.T) {
	base := startDemo(t, demo.Config{Dev: true})
	a := newBrowser(t)
	aLog := consoleLog(t, a)
	run(t, a, chromedp.Navigate(base+"/console"))
	waitFor(t, a, "a's live connection", connected)
	run(t, a, chromedp.Click(chromedp.CSS("#log-warn")))
	waitServerLog(t, aLog, "in a", func(m chromedp.ConsoleMessage) bool { return strings.Contains(m.Text, "warn from the server") })

	// A fresh tab first receives the latest records: a's warning, as
	// another tab's, and its own page load's.
	b := newTab(t, a)
	bLog := consoleLog(t, b)
	run(t, b, chromedp.Navigate(base+"/console"))
	waitFor(t, b, "b's live connection", connected)
	m := waitServerLog(t, bLog, "replayed in b", func(m chromedp.ConsoleMessage) bool { return strings.Contains(m.Text, "warn from the server") })
	if m.Type != chromedp.ConsoleWarning || strings.Contains(m.Text, "[this tab]") {
		t.Errorf("a's record replayed in b as %s %q; want a warning, not marked as b's", m.Type, m.Text)
	}
	waitServerLog(t, bLog, "for b's own mount", func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "[this tab] console demo mounted")
	})

	// Only this tab's records: a's next one is not printed in b, b's is.
	eval[bool](t, b, `(templive.logs = "tab") === "tab"`)
	if got := eval[string](t, b, `localStorage.getItem("templive:logs")`); got != "tab" {
		t.Fatalf("the filter is not kept: localStorage has %q", got)
	}
	run(t, a, chromedp.Click(chromedp.CSS("#log-info")))
	waitServerLog(t, aLog, "in a", func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "[this tab] info from the server")
	})
	run(t, b, chromedp.Click(chromedp.CSS("#log-error")))
	waitServerLog(t, bLog, "b's own error", func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "[this tab] error from the server")
	})
	for _, m := range bLog() {
		if strings.Contains(m.Text, "info from the server") {
			t.Errorf("b shows only its own records, yet printed a's %q", m.Text)
		}
	}
}

func TestConsoleOffSendsNothing(t *testing.T) {
	base := startDemo(t, demo.Config{Dev: false})
	ctx := newBrowser(t)
	recordWSFrames(t, ctx)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/console"))
	waitFor(t, ctx, "the live connection", connected)
	for _, b := range []string{"info", "warn", "error"} {
		run(t, ctx, chromedp.Click(chromedp.CSS("#log-"+b)))
		waitText(t, ctx, "#last", b)
	}
	frames := eval[[]string](t, ctx, `window.__frames`)
	if len(frames) < 4 {
		t.Fatalf("recorded frames %q: want the join's and the clicks' replies", frames)
	}
	for _, f := range frames {
		if strings.HasPrefix(f, "[6,") {
			t.Errorf("a log frame with dev off: %s", f)
		}
	}
	for _, m := range console() {
		if strings.Contains(m.Text, "from the server") || strings.Contains(m.Text, "mounted") {
			t.Errorf("a server record in the console with dev off: %s", m)
		}
	}
}

func TestConsoleBurstKeepsEventsFlowing(t *testing.T) {
	base := startDemo(t, demo.Config{Dev: true})
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/console"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#log-burst")))
	waitText(t, ctx, "#last", "burst of 10000")
	run(t, ctx, chromedp.Click(chromedp.CSS("#log-info")))
	waitText(t, ctx, "#last", "info")
	m := waitServerLog(t, console, "announcing dropped records", func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "server log records dropped")
	})
	if m.Type != chromedp.ConsoleWarning {
		t.Errorf("drop notice printed as %s, want a warning", m.Type)
	}
	waitServerLog(t, console, "the record after the burst", func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "info from the server")
	})
	if !eval[bool](t, ctx, connected) {
		t.Error("the burst cost the page its connection")
	}
}
