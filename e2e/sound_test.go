package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/internal/demo"
)

// recordSounds makes the page keep every templive:sound event: its name,
// whether it played, when (performance.now()), and its audio element.
const recordSounds = `(() => {
	window.__sounds = [];
	addEventListener("templive:sound", (e) => __sounds.push({...e.detail, at: performance.now()}));
	return true;
})()`

// soundNames lists the names of the sounds heard so far.
func soundNames(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `__sounds.map((s) => s.name + (s.played ? "" : "(blocked)")).join(" ")`)
}

func openSound(t *testing.T) (context.Context, func() []chromedp.ConsoleMessage) {
	t.Helper()
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/sound"))
	waitFor(t, ctx, "the live connection", connected)
	eval[bool](t, ctx, recordSounds)
	return ctx, console
}

func noConsoleErrors(t *testing.T, console func() []chromedp.ConsoleMessage) {
	t.Helper()
	for _, m := range console() {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
}

func TestSoundIncClicksThenDonks(t *testing.T) {
	ctx, console := openSound(t)
	for i := 1; i <= 10; i++ {
		run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
		waitText(t, ctx, "#count", strconv.Itoa(i)) // the next click's sound is rendered
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitFor(t, ctx, "eleven sounds", `__sounds.length === 11`)
	want := strings.TrimSpace(strings.Repeat("click ", 10)) + " donk"
	if got := soundNames(t, ctx); got != want {
		t.Fatalf("sounds %q, want %q", got, want)
	}
	if got := text(t, ctx, "#count"); got != "10" {
		t.Fatalf("#count = %q, want 10 (the maximum)", got)
	}
	// Playback really started: the audio elements' clocks moved.
	waitFor(t, ctx, "the donk to be heard",
		`(() => { const a = __sounds[10].audio; return a.currentTime > 0 && !a.error; })()`)
	if !eval[bool](t, ctx, `__sounds.every((s) => s.played && s.audio.src.endsWith(s.name + ".wav"))`) {
		t.Fatal("a sound did not play, or played the wrong file")
	}
	// The visual cue hook showed it.
	waitText(t, ctx, "#cue", "♪ donk")
	noConsoleErrors(t, console)
}

func TestSoundPushedASecondLater(t *testing.T) {
	ctx, console := openSound(t)
	eval[bool](t, ctx, `window.__asked = performance.now(), true`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#delayed")))
	waitText(t, ctx, "#cue", "win in 1 s…") // the hook got the server's push
	waitFor(t, ctx, "the pushed win", `__sounds.length === 1`)
	if got := soundNames(t, ctx); got != "win" {
		t.Fatalf("sounds %q, want win", got)
	}
	if d := eval[float64](t, ctx, `__sounds[0].at - __asked`); d < 1000 {
		t.Fatalf("win came %.0f ms after the click, want at least 1000", d)
	}
	waitFor(t, ctx, "win to be playing", `(() => { const a = __sounds[0].audio; return !a.paused && a.currentTime > 0; })()`)
	noConsoleErrors(t, console)
}

func TestSoundStopsWhenLeft(t *testing.T) {
	ctx, console := openSound(t)
	run(t, ctx, chromedp.Click(chromedp.CSS("#delayed")))
	waitFor(t, ctx, "win to be playing", `__sounds.length === 1 && !__sounds[0].audio.paused && __sounds[0].audio.currentTime > 0`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#leave")))
	waitFor(t, ctx, "the board to go", `!!document.querySelector("#left")`)
	// The sounds of the board were stopped and released.
	waitFor(t, ctx, "win to stop", `(() => { const a = __sounds[0].audio; return a.paused && !a.getAttribute("src"); })()`)
	noConsoleErrors(t, console)
}

func TestSoundUndeclaredWarns(t *testing.T) {
	ctx, console := openSound(t)
	// A command naming a sound nobody declared, as a page might render it.
	eval[bool](t, ctx, `document.querySelector("#reset").setAttribute("live-click", '[["play_sound",{"sound":"trumpet"}]]'), true`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#reset")))
	waitConsole(t, ctx, console, chromedp.ConsoleWarning, `sound "trumpet" is not declared`)
	if n := eval[int](t, ctx, `__sounds.length`); n != 0 {
		t.Fatalf("%d sounds played, want none", n)
	}
	noConsoleErrors(t, console)
}

// waitConsole polls the console until a message of type typ containing
// text shows.
func waitConsole(t *testing.T, ctx context.Context, console func() []chromedp.ConsoleMessage, typ chromedp.ConsoleType, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range console() {
			if m.Type == typ && strings.Contains(m.Text, text) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no console %s containing %q; console: %v", typ, text, console())
}

// A sound pushed before the user has interacted with the page is refused by
// a browser's default autoplay policy: it is skipped quietly, and the page
// is told so (templive:sound with played: false).
func TestSoundBeforeAnyGestureIsSkippedQuietly(t *testing.T) {
	base := startDemo(t, demo.Config{})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("autoplay-policy", "document-user-activation-required"), // the web's default
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/sound"))
	// waitFor polls with a user gesture (chromedp.Poll sets one): poll
	// with plain evaluations instead, so the page never gets one.
	deadline := time.Now().Add(10 * time.Second)
	for !eval[bool](t, ctx, connected) {
		if time.Now().After(deadline) {
			t.Fatal("no live connection")
		}
		time.Sleep(20 * time.Millisecond)
	}
	eval[bool](t, ctx, recordSounds)
	// The server is asked from script, not by a user's click.
	eval[bool](t, ctx, `templive.pages[0].push("delayed"), true`)
	for eval[int](t, ctx, `__sounds.length`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no templive:sound event")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := soundNames(t, ctx); got != "win(blocked)" {
		t.Fatalf("sounds %q, want a blocked win", got)
	}
	waitText(t, ctx, "#cue", "♪ (blocked by the browser) win")
	noConsoleErrors(t, console)
}
