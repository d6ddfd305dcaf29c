// Package chat is a room shared by every tab on every node: each view
// subscribes to one topic and publishes what its user says there; every
// view, its own included, shows what it hears.
//
// With the in-process PubSub the room spans one server; with
// live/natspubsub it spans every server on the same NATS. A message travels
// as the JSON encoding of Message, on the NATS subject
// "templive.chat:lobby", so other programs can join in:
//
//	nats pub templive.chat:lobby '{"id":"cli1","from":"cli","text":"hello"}'
package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Limits on what a view accepts, from its user or from the room.
const (
	MaxText     = 500 // characters in a message
	MaxName     = 30  // characters in a name
	MaxMessages = 100 // messages a page shows: older ones are trimmed
)

// A Message is one line said in the room.
type Message struct {
	ID   string `json:"id"`   // unique across nodes; keys the line in the page
	From string `json:"from"` // the sender's name
	Text string `json:"text"`
}

// twoNodes is how to run the room on two nodes, as the page shows it.
const twoNodes = `templive demo -addr 127.0.0.1:8080 -nats-serve 127.0.0.1:4222
templive demo -addr 127.0.0.1:8081 -nats nats://127.0.0.1:4222`

// Room is the topic every chat view subscribes to.
var Room = live.NewTopic[Message]("chat:lobby")

// View is one tab in the room: the form, and the stream of the messages
// heard since the tab was opened. The messages live in the page, not in the
// view: the view sends each once and keeps none, so a tab costs the server
// the same after a million messages as after one. A node that restarts gets
// the form back from the page (it has an id and a live-change), and starts
// the tab's messages afresh.
type View struct {
	Name     string // as typed in the form
	Draft    string // the message being typed
	Messages *live.Stream[Message]
	guest    string // the name used while Name is empty
}

// New returns an empty room view, one per page load.
func New() live.View { return &View{Messages: newMessages()} }

// newMessages is the stream of a tab's messages: keyed by the message's
// id, the latest MaxMessages kept.
func newMessages() *live.Stream[Message] {
	s := live.NewStream(func(m Message) string { return "m-" + m.ID })
	s.SetLimit(-MaxMessages)
	return s
}

// Mount joins the room and picks a guest name. The subscription starts
// once the page is live and ends with the view.
func (v *View) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.guest = "guest-" + randomID()[:4]
	return Room.Subscribe(c)
}

// Render shows the room.
func (v *View) Render() templ.Component { return page(v) }

// HandleEvent keeps the form's copy current (draft, on every change, and
// on a rejoin after a restart) and says the message (send).
func (v *View) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "draft":
		v.Name, v.Draft = clip(e.Get("name"), MaxName), e.Get("message")
	case "send":
		v.Name = clip(e.Get("name"), MaxName)
		text := strings.TrimSpace(e.Get("message"))
		if text == "" {
			return nil
		}
		if utf8.RuneCountInString(text) > MaxText {
			v.Draft = e.Get("message")
			return fmt.Errorf("chat: a message has at most %d characters", MaxText)
		}
		from := v.Name
		if from == "" {
			from = v.guest
		}
		// Every view in the room hears it, this one too: the line
		// appears when it comes back, in the order of the room.
		if err := Room.Publish(ctx, c.PubSub(), Message{ID: randomID(), From: from, Text: text}); err != nil {
			v.Draft = e.Get("message") // keep it, to send again
			return err
		}
		v.Draft = ""
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// HandleInfo shows a message heard in the room. Messages come from other
// nodes, and from any program that publishes to the topic: one that is
// not well-formed is refused (and logged) rather than shown.
func (v *View) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	m, ok := msg.(Message)
	if !ok {
		return fmt.Errorf("chat: unexpected %T", msg)
	}
	if !validID(m.ID) || m.Text == "" {
		return errors.New("chat: dropped a message without a valid id or text")
	}
	m.From = clip(m.From, MaxName)
	m.Text = clip(m.Text, MaxText)
	v.Messages.Append(m)
	return nil
}

func randomID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validID accepts what can key a line in the page: 1 to 32 letters,
// digits, '-' and '_'.
func validID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
