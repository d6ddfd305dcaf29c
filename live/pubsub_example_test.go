package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Said is a chat line. It travels between views, and between machines, as
// JSON.
type Said struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// The lobby: a topic ties a name to the type of its messages.
var chatLobby = live.NewTopic[Said]("chat:lobby")

// Room is a view that lists what is said in the lobby.
type Room struct{ Lines []Said }

func (r *Room) Mount(ctx context.Context, c *live.Conn, req *http.Request) error {
	// Ends with the view. During the plain GET it waits for the page's
	// live connection.
	return chatLobby.Subscribe(c)
}

func (r *Room) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	if e.Name != "say" {
		return live.ErrUnknownEvent
	}
	// Every view in the lobby hears it, this one too, in HandleInfo.
	return chatLobby.Publish(ctx, c.PubSub(), Said{From: "me", Text: e.Get("text")})
}

func (r *Room) HandleInfo(ctx context.Context, c *live.Conn, msg any) error {
	if s, ok := msg.(Said); ok { // a Said, decoded on this view's goroutine
		r.Lines = append(r.Lines, s)
	}
	return nil
}

func (r *Room) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		for _, s := range r.Lines {
			fmt.Fprintf(w, "<p>%s: %s</p>", templ.EscapeString(s.From), templ.EscapeString(s.Text))
		}
		return nil
	})
}

func ExampleTopic() {
	// One PubSub for the whole app, shared by all its handlers (a NATS
	// one, from live/natspubsub, to span several machines).
	ps := live.NewLocalPubSub()
	opts := &live.Options{PubSub: ps}
	mux := http.NewServeMux()
	mux.Handle("/lobby", live.NewHandler(func() live.View { return &Room{} }, opts))
	mux.Handle("/lobby/big", live.NewHandler(func() live.View { return &Room{} }, opts))

	// Anything may publish: a view, an HTTP handler, a background job.
	// What travels is the JSON encoding of the message.
	unsubscribe, _ := ps.Subscribe("chat:lobby", func(msg []byte) { fmt.Printf("%s\n", msg) })
	defer unsubscribe()
	chatLobby.Publish(context.Background(), ps, Said{From: "cron", Text: "backup done"})
	// Output: {"from":"cron","text":"backup done"}
}
