// Command hello is a whole templive app: one live counter page, the
// client's script, a health check and a graceful shutdown.
//
//	HELLO_SECRET=$(openssl rand -hex 32) go run .
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Counter is one page's state; each page load gets its own.
type Counter struct{ Count int }

func (c *Counter) Render() templ.Component { return counter(c.Count) }

func (c *Counter) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		c.Count++
	case "dec":
		c.Count--
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func main() {
	// The secret signs the tokens that tie a page to its view: the same on
	// every instance and across restarts, or open pages reload instead of
	// recovering their forms.
	secret, err := hex.DecodeString(os.Getenv("HELLO_SECRET"))
	if err != nil || len(secret) < 32 {
		log.Fatal("set HELLO_SECRET to 32 random bytes in hex: export HELLO_SECRET=$(openssl rand -hex 32)")
	}
	addr := os.Getenv("HELLO_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}

	counterPage := live.NewHandler(func() live.View { return &Counter{} }, &live.Options{
		Layout:  func(page templ.Component) templ.Component { return layout("Counter", page) },
		Secrets: [][]byte{secret},
	})
	mux := http.NewServeMux()
	mux.Handle("/{$}", counterPage)          // the page and its live connection
	mux.Handle("/_templive/", live.Assets()) // the client script, content-hashed and cached
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		log.Printf("listening on http://%s/", addr)
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	<-ctx.Done()

	// Stop taking requests and let plain ones finish, then close the live
	// connections (http.Server.Shutdown does not know about WebSockets):
	// their pages reconnect to the next process.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Print(err)
	}
	counterPage.Close()
}
