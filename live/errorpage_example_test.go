package live_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Invoice shows one invoice, or refuses its page.
type Invoice struct{ ID string }

func (v *Invoice) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.ID = r.PathValue("id")
	if v.ID != "42" { // the app's store would say
		return fmt.Errorf("invoice %s: %w", v.ID, live.ErrNotFound)
	}
	return nil
}

func (v *Invoice) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<h1>Invoice %s</h1>`, v.ID)
		return err
	})
}

func ExampleErrNotFound() {
	mux := http.NewServeMux()
	mux.Handle("/invoice/{id}", live.NewHandler(func() live.View { return &Invoice{} }, &live.Options{
		ErrorPage: func(r *http.Request, status int, err error) templ.Component {
			return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
				_, werr := fmt.Fprintf(w, `<h1>%d</h1><p>No invoice here. <a href="/invoices">All invoices</a></p>`, status)
				return werr
			})
		},
		Logger: slog.New(slog.DiscardHandler),
	}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/invoice/7")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output: 404 Not Found
}

func ExampleOptions_onCrash() {
	report := func(c live.Crash) {
		// Send it to an error tracker; this runs on its own goroutine.
		fmt.Printf("%s crashed in %s %q at %s: %v\n", c.View, c.During, c.Event, c.Path, c.Value)
	}
	_ = live.NewHandler(func() live.View { return &Counter{} }, &live.Options{OnCrash: report})
}
