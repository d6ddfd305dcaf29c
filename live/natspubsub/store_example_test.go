package natspubsub_test

import (
	"context"
	"log"
	"time"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/natspubsub"
)

// One NATS connection carries the PubSub and the Store of every Handler
// of the app; the NATS server needs JetStream.
func ExampleNewStore() {
	ps, err := natspubsub.Connect("nats://127.0.0.1:4222", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer ps.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	store, err := natspubsub.NewStore(ctx, ps.Conn(), &natspubsub.StoreOptions{TTL: 10 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	opts := &live.Options{PubSub: ps, Store: store}
	_ = opts // live.NewHandler(newView, opts) for every route
}
