// Command todos runs the todos example on its own: copy it to start an app.
//
//	go run ./examples/todos/cmd/todos -addr 127.0.0.1:8080
package main

import (
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/templive/templive/examples/todos"
	"github.com/templive/templive/live"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()

	app := todos.New(todos.Config{
		Options: &live.Options{
			// Set Secrets (32+ random bytes, from a secret store) in
			// production, so pages survive a restart.
			Site: live.NewSite(), // the app's pages navigate over one connection
		},
	})
	defer app.Close()
	mux := http.NewServeMux()
	app.Routes(mux)
	mux.Handle("/_templive/", live.Assets()) // the client script, for every route
	mux.Handle("/{$}", http.RedirectHandler("/todos", http.StatusSeeOther))

	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("todos on http://%s/todos", *addr)
	log.Fatal(srv.ListenAndServe())
}
