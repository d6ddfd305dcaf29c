package e2e

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/templive/templive/internal/demo"
)

func openModal(t *testing.T) context.Context {
	t.Helper()
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	spy(t, ctx)
	run(t, ctx, chromedp.Navigate(base+"/modal"))
	waitFor(t, ctx, "the live connection", connected)
	return ctx
}

// press sends a real key press (keydown, keyup) to the focused element.
func press(t *testing.T, ctx context.Context, key string, shift bool) {
	t.Helper()
	var opts []chromedp.KeyOption
	if shift {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	run(t, ctx, chromedp.KeyEvent(key, opts...))
}

// focused waits until the element sel matches has the focus.
func focused(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	waitFor(t, ctx, "the focus on "+sel, fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, sel))
}

// TestModalFocusTrapWithRealKeys opens the server's confirm dialog and the
// browser-only about dialog, and tabs through them with real key presses:
// Tab and Shift+Tab cycle inside, Escape closes, and the focus returns to
// the button that opened the dialog.
func TestModalFocusTrapWithRealKeys(t *testing.T) {
	ctx := openModal(t)
	console := consoleLog(t, ctx)
	is(t, ctx, `document.querySelector("#status-on").offsetParent !== null`, true)

	// The confirm dialog: the server renders it, live-mounted shows it and
	// focuses its first button.
	click(t, ctx, "#file-2 .delete")
	focused(t, ctx, "#confirm-cancel")
	is(t, ctx, `getComputedStyle(document.querySelector("#confirm")).display === "flex"`, true)
	press(t, ctx, kb.Tab, false)
	focused(t, ctx, "#confirm-delete")
	press(t, ctx, kb.Tab, false) // the last: back to the first, not to the page
	focused(t, ctx, "#confirm-cancel")
	press(t, ctx, kb.Tab, true) // Shift+Tab on the first: to the last
	focused(t, ctx, "#confirm-delete")
	press(t, ctx, kb.Escape, false)
	waitFor(t, ctx, "the dialog to go", `document.querySelector("#confirm") === null`)
	focused(t, ctx, "#file-2 .delete") // live-remove: PopFocus

	// The about dialog: no server at all.
	before := len(events(t, ctx))
	click(t, ctx, "#about-open")
	focused(t, ctx, "#about-name")
	waitFor(t, ctx, "the fade in to end", `document.querySelector("#about").className === "modal" && getComputedStyle(document.querySelector("#about")).opacity === "1"`)
	for _, want := range []string{"#about-link", "#about-close", "#about-name"} {
		press(t, ctx, kb.Tab, false)
		focused(t, ctx, want)
	}
	press(t, ctx, kb.Tab, true)
	focused(t, ctx, "#about-close")
	press(t, ctx, kb.Escape, false)
	waitFor(t, ctx, "about to hide after its fade", `getComputedStyle(document.querySelector("#about")).display === "none"`)
	focused(t, ctx, "#about-open")
	if got := events(t, ctx)[before:]; len(got) != 0 {
		t.Errorf("the about dialog sent %v", got)
	}

	// Outside a dialog Tab leaves for the next element of the page.
	press(t, ctx, kb.Tab, false)
	focused(t, ctx, "#help-toggle")

	// Delete through the dialog: the file goes, the dialog too.
	click(t, ctx, "#file-1 .delete")
	focused(t, ctx, "#confirm-cancel")
	click(t, ctx, "#confirm-delete")
	waitFor(t, ctx, "notes.txt to go", `document.querySelector("#file-1") === null && document.querySelector("#confirm") === null`)
	for _, m := range console() {
		if m.Type == "error" || m.Type == "warning" {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
	noCSPViolations(t, ctx)
}

// TestModalConfirmAndDetailsInTheBrowser: live-confirm's confirm() decides
// whether the click's event is sent; an opened <details> stays open through
// the server's re-renders; a new row runs its live-mounted chain.
func TestModalConfirmAndDetailsInTheBrowser(t *testing.T) {
	ctx := openModal(t)
	answers := make(chan bool, 4)
	asked := make(chan string, 4)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			asked <- ev.Message
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: <-answers})
		}
	}()

	run(t, ctx, chromedp.Click(chromedp.CSS("#log summary")))
	is(t, ctx, `document.querySelector("#log").open`, true)
	click(t, ctx, "#add")
	waitFor(t, ctx, "the new row", `document.querySelector("#file-4") !== null`)
	is(t, ctx, hasClass("#file-4", "fresh"), true)
	is(t, ctx, `document.querySelectorAll(".fresh").length === 1`, true)

	before := len(events(t, ctx))
	answers <- false
	click(t, ctx, "#clear")
	if q := <-asked; q != "Delete every file?" {
		t.Errorf("confirm asked %q", q)
	}
	is(t, ctx, `document.querySelectorAll("#files li").length === 4`, true)
	if got := events(t, ctx)[before:]; len(got) != 0 {
		t.Errorf("a refused confirm sent %v", got)
	}
	answers <- true
	click(t, ctx, "#clear")
	<-asked
	waitFor(t, ctx, "every file to go", `document.querySelectorAll("#files li").length === 0`)
	waitText(t, ctx, "#log summary", "Deleted (4)")
	is(t, ctx, `document.querySelector("#log").open`, true)
}

// TestModalStatusAndHelpInTheBrowser: live-connected and live-disconnected
// chains follow a real dropped connection; ToggleAttribute swaps
// aria-expanded on real clicks.
func TestModalStatusAndHelpInTheBrowser(t *testing.T) {
	base := startDemo(t, demo.Config{})
	u, _ := url.Parse(base)
	p := newProxy(t, u.Host)
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(p.URL()+"/modal"))
	waitFor(t, ctx, "the live connection", connected)
	const on, off = `document.querySelector("#status-on").offsetParent !== null`, `document.querySelector("#status-off").offsetParent !== null`
	waitFor(t, ctx, "the live status", on+` && !(`+off+`)`)

	for _, want := range []string{"true", "false", "true"} {
		click(t, ctx, "#help-toggle")
		is(t, ctx, fmt.Sprintf(`document.querySelector("#help-toggle").getAttribute("aria-expanded") === %q`, want), true)
		is(t, ctx, `document.querySelector("#help").offsetParent !== null`, want == "true")
	}

	p.setDown(true)
	p.cut()
	waitFor(t, ctx, "the offline status", off+` && !(`+on+`)`)
	p.setDown(false)
	waitFor(t, ctx, "the live status again", connected+` && `+on+` && !(`+off+`)`)
}
