// Command app is a templive app: one live page, its stylesheet, the
// client's script, a health check, a strict Content-Security-Policy and a
// graceful shutdown.
//
//	TEMPLIVE_SECRET=$(openssl rand -hex 32) go run .
//
// Under `templive dev` (make dev) it is rebuilt and restarted on every
// change, and TEMPLIVE_DEV=1 makes it serve static/ from the disk, so a
// stylesheet change needs no rebuild.
package main

import (
	"context"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// csp allows what templive needs and nothing more: no inline script, no
// eval, scripts, styles and connections from this origin only.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

//go:embed static
var embedded embed.FS

func main() {
	// The secret signs the tokens that tie a page to its view: the same on
	// every instance and across restarts, or open pages reload instead of
	// recovering their forms.
	secret, err := hex.DecodeString(os.Getenv("TEMPLIVE_SECRET"))
	if err != nil || len(secret) < 32 {
		log.Fatal("set TEMPLIVE_SECRET to 32 random bytes in hex: export TEMPLIVE_SECRET=$(openssl rand -hex 32)")
	}
	addr := os.Getenv("TEMPLIVE_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	dev := os.Getenv("TEMPLIVE_DEV") == "1"

	var static fs.FS = os.DirFS(".") // under templive dev: edits show without a rebuild
	if !dev {
		static = embedded
	}

	homePage := live.NewHandler(func() live.View { return &Home{} }, &live.Options{
		Layout:  func(page templ.Component) templ.Component { return layout("Hello", page) },
		Secrets: [][]byte{secret},
	})
	mux := http.NewServeMux()
	mux.Handle("/{$}", homePage)             // the page and its live connection
	mux.Handle("/_templive/", live.Assets()) // the client script, content-hashed and cached
	mux.Handle("/static/", http.FileServerFS(static))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	srv := &http.Server{Addr: addr, Handler: secure(mux), ReadHeaderTimeout: 10 * time.Second}

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
	// their pages reconnect to the next process and recover their forms.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Print(err)
	}
	homePage.Close()
}

// secure sets the security headers of every response.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
