package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Likes is a stateful component: a widget with its own state and events.
type Likes struct{ N int }

func (l *Likes) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		// live-target: the click goes to this component, which renders alone.
		_, err := fmt.Fprintf(w, `<button live-click="like" live-target>♥ %d</button>`, l.N)
		return err
	})
}

func (l *Likes) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	if e.Name != "like" {
		return live.ErrUnknownEvent
	}
	l.N++
	return nil
}

// Update receives what Conn.SendUpdate sends it.
func (l *Likes) Update(ctx context.Context, c *live.Conn, msg any) error {
	if n, ok := msg.(int); ok {
		l.N = n
	}
	return nil
}

// Post is a view with two Likes components. It keeps its Conn from Mount:
// its template needs it to render them.
type Post struct{ conn *live.Conn }

func (p *Post) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	p.conn = c
	return nil
}

func (p *Post) Render() templ.Component {
	// In a .templ file: @live.Component(p.conn, "likes-1", &Likes{})
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		for _, id := range []string{"likes-1", "likes-2"} {
			if err := live.Component(p.conn, id, &Likes{}).Render(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// HandleEvent resets a component's count: the view does not render, the
// component does.
func (p *Post) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	if e.Name != "reset" {
		return live.ErrUnknownEvent
	}
	return c.SendUpdate(e.Get("id"), 0)
}

func ExampleComponent() {
	srv := httptest.NewServer(live.NewHandler(func() live.View { return &Post{} }, nil))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, m := range regexp.MustCompile(`<div id="likes-\d" live-component>.*?</div>`).FindAll(body, -1) {
		fmt.Println(string(m))
	}
	// Output:
	// <div id="likes-1" live-component><button live-click="like" live-target>♥ 0</button></div>
	// <div id="likes-2" live-component><button live-click="like" live-target>♥ 0</button></div>
}

func ExampleConn_SendUpdate() {
	// A view hands a component a message; see Post.HandleEvent above. The
	// component's Update runs in the view's loop, then it renders alone.
	mux := http.NewServeMux()
	mux.Handle("/post", live.NewHandler(func() live.View { return &Post{} }, nil))
}
