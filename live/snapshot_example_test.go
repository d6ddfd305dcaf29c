package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Board is a view whose state, built by events, is in no form: only a
// snapshot brings it back after a deploy.
type Board struct {
	Version int      `json:"v"` // of this encoding: Restore refuses others
	Cards   []string `json:"cards"`
}

func (b *Board) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	return chatLobby.Subscribe(c)
}

func (b *Board) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, "<p>%d cards</p>", len(b.Cards))
		return err
	})
}

// Snapshot saves what the page shows, when the server shuts down.
func (b *Board) Snapshot() ([]byte, error) {
	b.Version = 1
	return json.Marshal(b)
}

// Restore runs instead of Mount on the instance the page reconnects to:
// it does what Mount does besides setting the state.
func (b *Board) Restore(ctx context.Context, c *live.Conn, data []byte) error {
	if err := json.Unmarshal(data, b); err != nil {
		return err
	}
	if b.Version != 1 {
		return fmt.Errorf("board state version %d", b.Version) // the page gets a fresh view
	}
	return chatLobby.Subscribe(c)
}

// The Handler saves its Boards in Close and restores them on joins, with a
// Store every instance of the app shares (natspubsub.NewStore, on NATS
// JetStream, in production).
func ExampleSnapshotter() {
	var store live.Store // = natspubsub.NewStore(ctx, nc, nil)
	h := live.NewHandler(func() live.View { return &Board{} }, &live.Options{
		Store:        store,
		Secrets:      [][]byte{[]byte("the same secret on every instance, 32 bytes or more")},
		AssetVersion: "css-3f2a9c", // a hash of the app's CSS and JS
	})
	http.Handle("/board", h)
	// On SIGTERM: srv.Shutdown(ctx), then h.Close(), which saves the views.
	defer h.Close()
}
