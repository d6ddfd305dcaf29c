package chat

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/livetest"
)

// shown renders v and returns the messages its render sends, as
// Messages: what the page is told to add.
func shown(t *testing.T, v *View) []Message {
	t.Helper()
	var b strings.Builder
	if err := v.Render().Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	var out []Message
	d.Find("#messages li").Each(func(_ int, li *goquery.Selection) {
		id, _ := li.Attr("id")
		from := li.Find("b").Text()
		out = append(out, Message{ID: strings.TrimPrefix(id, "m-"), From: from, Text: strings.TrimPrefix(li.Text(), from+" ")})
	})
	return out
}

func TestHandleInfoRefusesBadMessages(t *testing.T) {
	long := strings.Repeat("é", MaxText+5)
	tests := []struct {
		name string
		msg  any
		want []Message // what the room shows after it
		err  bool
	}{
		{"good", Message{ID: "a1", From: "ann", Text: "hi"}, []Message{{ID: "a1", From: "ann", Text: "hi"}}, false},
		{"not a Message", "hi", nil, true},
		{"no id", Message{From: "ann", Text: "hi"}, nil, true},
		{"id that is no key", Message{ID: `x" onclick="`, Text: "hi"}, nil, true},
		{"no text", Message{ID: "a2", From: "ann"}, nil, true},
		{"too long", Message{ID: "a3", From: strings.Repeat("n", 40), Text: long}, []Message{{ID: "a3", From: strings.Repeat("n", MaxName), Text: long[:2*MaxText]}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := New().(*View)
			err := v.HandleInfo(context.Background(), nil, tt.msg)
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error: %v", err, tt.err)
			}
			if got := shown(t, v); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("room shows %v, want %v", got, tt.want)
			}
		})
	}
}

// TestViewKeepsNoMessages: a render sends the messages heard since the
// last one, and then the view holds none of them.
func TestViewKeepsNoMessages(t *testing.T) {
	v := New().(*View)
	shown(t, v)
	for i := range 3 {
		v.HandleInfo(context.Background(), nil, Message{ID: fmt.Sprint("m", i), Text: "x"})
	}
	if got := shown(t, v); len(got) != 3 {
		t.Fatalf("the render after 3 messages sends %d", len(got))
	}
	if got := shown(t, v); len(got) != 0 {
		t.Fatalf("the next render sends %d messages again", len(got))
	}
}

// TestRoomKeepsTheLatestMessages: a tab that heard more than MaxMessages
// shows the latest MaxMessages, in order.
func TestRoomKeepsTheLatestMessages(t *testing.T) {
	ps := live.NewLocalPubSub()
	p := livetest.Open(t, live.NewHandler(New, &live.Options{Secrets: chatSecret, PubSub: ps}), "/chat")
	for i := range MaxMessages + 10 {
		if err := Room.Publish(context.Background(), ps, Message{ID: fmt.Sprint("m", i), From: "bot", Text: fmt.Sprint("line ", i)}); err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 { // within the view's mailbox
			hears(p, fmt.Sprint("line ", i))
		}
	}
	lines := p.Find("#messages li")
	if lines.Length() != MaxMessages || lines.First().AttrOr("id", "") != "m-m10" || lines.Last().AttrOr("id", "") != fmt.Sprint("m-m", MaxMessages+9) {
		t.Fatalf("the tab shows %d messages, %s to %s", lines.Length(), lines.First().AttrOr("id", ""), lines.Last().AttrOr("id", ""))
	}
}

// chatSecret is shared by a test's servers, as by an app's instances.
var chatSecret = [][]byte{[]byte("the chat example's test secret, 32+ bytes")}

func newChat() *live.Handler {
	return live.NewHandler(New, &live.Options{Secrets: chatSecret})
}

// hears waits until the page shows a line with text.
func hears(p *livetest.Page, text string) {
	p.WaitFor(func(d *goquery.Document) bool {
		return strings.Contains(d.Find("#messages").Text(), text)
	})
}

// TestChatBetweenTabs: what one tab says, every tab of the room shows, the
// sender's own included, and the sender's draft is cleared.
func TestChatBetweenTabs(t *testing.T) {
	s := livetest.NewServer(t, newChat())
	ann, bob := s.Open("/chat"), s.Open("/chat")
	ann.Change("#name", "ann")
	ann.Change("#message", "hi bob")
	ann.Submit("#chat-form")
	hears(ann, "hi bob")
	hears(bob, "hi bob")
	if got := bob.Text("#messages li b"); got != "ann" {
		t.Fatalf("bob sees the line from %q, want ann", got)
	}
	if got := ann.Value("#message"); got != "" {
		t.Fatalf("ann's draft holds %q after sending", got)
	}
	bob.Change("#message", "hello ann")
	bob.Submit("#chat-form")
	hears(ann, "hello ann")
	if from := ann.Find("#messages li b").Last().Text(); !strings.HasPrefix(from, "guest-") {
		t.Fatalf("a nameless sender shows as %q, want a guest name", from)
	}
}

// TestChatRefusesLongMessages: an over-long message is refused with an
// error and kept in the draft, to be shortened.
func TestChatRefusesLongMessages(t *testing.T) {
	p := livetest.Open(t, newChat(), "/chat")
	long := strings.Repeat("a", MaxText+1)
	p.Change("#message", long)
	if msg := p.ExpectError(func() { p.Submit("#chat-form") }); !strings.Contains(msg, "at most 500 characters") {
		t.Fatalf("error %q", msg)
	}
	if p.Value("#message") != long || p.Find("#messages li").Length() != 0 {
		t.Fatal("the refused message was lost from the draft, or shown")
	}
}

// TestChatKeepsTheFormAcrossRestarts: a tab whose server restarts keeps its
// name and draft (the form is recovered), not the lines it had shown.
func TestChatKeepsTheFormAcrossRestarts(t *testing.T) {
	s := livetest.NewServer(t, newChat())
	p := s.Open("/chat")
	p.Change("#name", "ann")
	p.Change("#message", "first")
	p.Submit("#chat-form")
	hears(p, "first")
	p.Change("#message", "half a tho")
	p.Blur("#message")
	s.Restart(newChat())
	p.Reconnect()
	if p.Value("#name") != "ann" || p.Value("#message") != "half a tho" {
		t.Fatalf("after the restart the form holds name %q, message %q", p.Value("#name"), p.Value("#message"))
	}
	if n := p.Find("#messages li").Length(); n != 0 {
		t.Fatalf("the fresh view shows %d lines: they lived in the lost view", n)
	}
	p.Submit("#chat-form")
	hears(p, "half a tho")
	if got := p.Find("#messages li b").Last().Text(); got != "ann" {
		t.Fatalf("the recovered name did not reach the server: the line is from %q", got)
	}
}
