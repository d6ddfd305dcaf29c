package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Counter is a live view: its state is a Go value.
type Counter struct{ Count int }

func (c *Counter) Render() templ.Component {
	// Views usually return a component generated from a .templ file.
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<output id="count">%d</output><button live-click="inc">+</button>`, c.Count)
		return err
	})
}

func (c *Counter) HandleEvent(ctx context.Context, conn *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		c.Count++
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func ExampleNewHandler() {
	mux := http.NewServeMux()
	mux.Handle("/counter", live.NewHandler(func() live.View { return &Counter{} }, nil))
	mux.Handle("/_templive/", live.Assets())

	// The first response is a complete page that works without JavaScript.
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/counter")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(strings.Contains(string(body), `<output id="count">0</output>`))
	// Output: true
}

// Clock ticks every second: timers and other goroutines reach a view with
// messages, handled in HandleInfo on the view's own goroutine.
type Clock struct{ Ticks int }

func (c *Clock) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="ticks">%d</p>`, c.Ticks)
		return err
	})
}

func (c *Clock) Mount(ctx context.Context, conn *live.Conn, r *http.Request) error {
	// During the page's GET the message waits; it is delivered once the
	// page connects, and dropped if it never does.
	conn.SendAfter(time.Second, "tick")
	return nil
}

func (c *Clock) HandleInfo(ctx context.Context, conn *live.Conn, msg any) error {
	if msg == "tick" {
		c.Ticks++
		conn.SendAfter(time.Second, "tick") // stops when the view ends
	}
	return nil
}

func ExampleInfoHandler() {
	mux := http.NewServeMux()
	mux.Handle("/clock", live.NewHandler(func() live.View { return &Clock{} }, nil))
}

func ExampleEvent_Int() {
	e := live.Event{Name: "set", Values: map[string][]string{"n": {"three"}}}
	_, err := e.Int("n")
	fmt.Println(err)
	// Output: live: bad event value: event "set": "n": want an integer, got "three"
}
