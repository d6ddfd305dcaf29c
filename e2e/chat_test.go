package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/templive/templive/examples/chat"
	"github.com/templive/templive/internal/demo"
)

// chatLines returns the lines #messages shows, as text.
func chatLines(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, `Array.from(document.querySelectorAll('#messages li'), li => li.textContent)`)
}

// waitLine waits until #messages shows line.
func waitLine(t *testing.T, ctx context.Context, line string) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf("#messages to show %q", line),
		fmt.Sprintf(`Array.from(document.querySelectorAll('#messages li')).some(li => li.textContent === %s)`, jsQuote(line)))
}

// chatSay types text into the chat form and presses Enter, then waits for
// the server to reset the input: the message was sent.
func chatSay(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#message"), text+kb.Enter))
	waitFor(t, ctx, "the message input to be reset", `document.querySelector('#message').value === ''`)
}

// openChat opens /chat at base in tab ctx as name.
func openChat(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(base+"/chat"))
	waitFor(t, ctx, "the live connection", connected)
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#name"), name))
}

func TestChatTabsShareTheRoom(t *testing.T) {
	base := startDemo(t, demo.Config{})
	a := newBrowser(t)
	b := newTab(t, a)
	openChat(t, a, base, "ann")
	openChat(t, b, base, "bob")

	chatSay(t, a, "hello <b>bob</b>")
	waitLine(t, a, "ann hello <b>bob</b>")
	waitLine(t, b, "ann hello <b>bob</b>") // as text, never as markup
	if !eval[bool](t, a, `document.activeElement === document.querySelector('#message')`) {
		t.Error("the message input lost the focus when it was sent")
	}
	chatSay(t, b, "hi ann")
	for _, tab := range []context.Context{a, b} {
		waitLine(t, tab, "bob hi ann")
		if got, want := chatLines(t, tab), []string{"ann hello <b>bob</b>", "bob hi ann"}; !slices.Equal(got, want) {
			t.Fatalf("#messages shows %q, want %q", got, want)
		}
	}
}

// TestChatAcrossNodes runs two demo processes joined by NATS (the first
// embeds the NATS server, the second connects to it), one tab on each,
// then kills and restarts the second node.
func TestChatAcrossNodes(t *testing.T) {
	natsAddr := freeAddr(t)
	nodeA := startProcess(t, "-nats-serve", natsAddr)
	nodeB := startProcess(t, "-nats", "nats://"+natsAddr)
	a := newBrowser(t)
	b := newTab(t, a)
	console := consoleLog(t, b)
	openChat(t, a, nodeA.URL(), "ann")
	openChat(t, b, nodeB.URL(), "bob")

	// Each node hears the other, in the order each sender spoke.
	for _, text := range []string{"one", "two", "three"} {
		chatSay(t, a, text)
	}
	chatSay(t, b, "hi from B")
	want := []string{"ann one", "ann two", "ann three", "bob hi from B"}
	for name, tab := range map[string]context.Context{"A": a, "B": b} {
		waitLine(t, tab, "bob hi from B")
		if got := chatLines(t, tab); !slices.Equal(got, want) {
			t.Fatalf("the tab on node %s shows %q, want %q", name, got, want)
		}
	}

	// Node B dies and comes back. Its tab keeps what is in its form, but
	// the messages it showed lived in the lost view: the fresh view's
	// first render, which the rejoin applies, has none.
	run(t, b, chromedp.SendKeys(chromedp.CSS("#message"), "half a thought"))
	nodeB.kill()
	waitFor(t, b, "the tab on B to notice its node is gone", `!`+connected)
	chatSay(t, a, "while B is down") // A carries on
	nodeB.restart()
	waitFor(t, b, "the tab to rejoin the restarted node", connected+` && document.querySelectorAll('#messages li').length === 0`)
	if got := value(t, b, "#name"); got != "bob" {
		t.Errorf("#name holds %q after the restart, want bob", got)
	}
	if got := value(t, b, "#message"); got != "half a thought" {
		t.Errorf("#message holds %q after the restart, want the draft", got)
	}

	// The restarted node is back in the room, both ways.
	chatSay(t, a, "welcome back")
	waitLine(t, b, "ann welcome back")
	run(t, b, chromedp.SendKeys(chromedp.CSS("#message"), kb.Enter))
	waitLine(t, a, "bob half a thought")
	waitLine(t, b, "bob half a thought")
	for _, m := range console() {
		if m.IsException() {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
}

// TestChatPageKeepsTheLatestLines: the lines are a stream the page keeps,
// trimmed to the latest chat.MaxMessages by the client itself.
func TestChatPageKeepsTheLatestLines(t *testing.T) {
	base := startDemo(t, demo.Config{})
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	openChat(t, ctx, base, "ann")
	// Sends ten at a time, each ten awaited: the room's messages reach the
	// view through its mailbox, which drops what overflows it (PubSub
	// delivers at most once).
	n := chat.MaxMessages + 5
	for from := 1; from <= n; from += 10 {
		to := min(from+9, n)
		run(t, ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
			`for (let i = %d; i <= %d; i++) window.templive.pages[0].push("send", {name: "ann", message: "line " + i})`, from, to)))
		waitLine(t, ctx, fmt.Sprint("ann line ", to))
	}
	lines := chatLines(t, ctx)
	if len(lines) != chat.MaxMessages || lines[0] != "ann line 6" {
		t.Fatalf("the page shows %d lines from %q, want %d from %q", len(lines), lines[0], chat.MaxMessages, "ann line 6")
	}
	if got := eval[string](t, ctx, `document.querySelector('#messages').getAttribute('live-update')`); got != "stream" {
		t.Fatalf("#messages is no stream container: live-update=%q", got)
	}
	for _, m := range console() {
		if m.Type == chromedp.ConsoleWarning || m.Type == chromedp.ConsoleError || m.IsException() {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
	}
}
