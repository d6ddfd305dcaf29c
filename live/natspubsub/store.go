package natspubsub

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// StoreOptions configure a Store. A nil *StoreOptions uses the defaults.
type StoreOptions struct {
	// Bucket names the JetStream key-value bucket, created if missing
	// and updated to these options if not. Apps sharing a NATS server
	// need one each. Default "templive_views".
	Bucket string

	// TTL is how long the bucket keeps a snapshot whose page never came
	// back for it. Make it longer than a deploy takes; a page whose
	// instance closed comes back within seconds. Default 10 minutes.
	TTL time.Duration

	// Replicas is the number of copies a clustered JetStream keeps.
	// Default 1.
	Replicas int

	// Memory keeps the bucket in the NATS server's memory rather than on
	// its disk: faster, and lost when that server restarts. Default false.
	Memory bool
}

// A Store is a live.Store on a NATS JetStream key-value bucket, so that
// the views an instance saves as it shuts down (live.Options.Store,
// live.Snapshotter) are restored on the instance their pages reconnect to.
// The NATS server must have JetStream enabled. It is safe for concurrent
// use.
type Store struct {
	kv jetstream.KeyValue
}

// NewStore returns a Store on nc, creating or updating its bucket. nc stays
// the caller's (PubSub.Conn gives the PubSub's). It fails if JetStream is
// off or the bucket cannot be made with these options.
func NewStore(ctx context.Context, nc *nats.Conn, opts *StoreOptions) (*Store, error) {
	var o StoreOptions
	if opts != nil {
		o = *opts
	}
	if o.Bucket == "" {
		o.Bucket = "templive_views"
	}
	if o.TTL <= 0 {
		o.TTL = 10 * time.Minute
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natspubsub: NewStore: %w", err)
	}
	storage := jetstream.FileStorage
	if o.Memory {
		storage = jetstream.MemoryStorage
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      o.Bucket,
		Description: "templive: views saved for their pages to resume",
		History:     1,
		TTL:         o.TTL,
		Storage:     storage,
		Replicas:    o.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("natspubsub: NewStore: bucket %q: %w", o.Bucket, err)
	}
	return &Store{kv: kv}, nil
}

// Conn returns the PubSub's NATS connection, to share it with a Store.
func (p *PubSub) Conn() *nats.Conn { return p.nc }

// Put stores value under key, replacing any.
func (s *Store) Put(ctx context.Context, key string, value []byte) error {
	if _, err := s.kv.Put(ctx, key, value); err != nil {
		return fmt.Errorf("natspubsub: Store.Put: %w", err)
	}
	return nil
}

// Take returns the value under key and deletes it, or nil if there is
// none. Of concurrent Takes of one key, on any node, one gets the value:
// the delete is conditional on the revision read.
func (s *Store) Take(ctx context.Context, key string) ([]byte, error) {
	e, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("natspubsub: Store.Take: %w", err)
	}
	err = s.kv.Delete(ctx, key, jetstream.LastRevision(e.Revision()))
	var api *jetstream.APIError
	if errors.As(err, &api) && (api.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || api.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
		return nil, nil // another Take had it first
	}
	if err != nil {
		return nil, fmt.Errorf("natspubsub: Store.Take: %w", err)
	}
	return e.Value(), nil
}
