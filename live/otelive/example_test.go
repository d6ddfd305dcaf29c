package otelive_test

import (
	"log"
	"net/http"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/otelive"
)

func ExampleNew() {
	// With the global providers, which the app's OpenTelemetry setup
	// (exporters, resource, sampling) has installed.
	obs, err := otelive.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/notes/{id}", live.NewHandler(func() live.View { return &noteView{} }, &live.Options{Observer: obs}))
}
