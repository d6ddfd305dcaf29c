// The templive command's module: go install
// github.com/templive/templive/cmd/templive@latest installs it. go install
// refuses a module with replace directives, so this one has none: in the
// checkout, go.work points its requirements at the local modules; a
// release tags the root module, live/natspubsub and internal/demo first
// and requires those versions here.
module github.com/templive/templive/cmd

go 1.26.0

require (
	github.com/templive/templive v0.0.0-00010101000000-000000000000
	github.com/templive/templive/internal/demo v0.0.0-00010101000000-000000000000
	golang.org/x/net v0.62.0
)

require (
	github.com/a-h/templ v0.3.977 // indirect
	github.com/antithesishq/antithesis-sdk-go v0.8.0-default-no-op // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/google/go-tpm v0.9.8 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/minio/highwayhash v1.0.4 // indirect
	github.com/nats-io/jwt/v2 v2.8.2 // indirect
	github.com/nats-io/nats-server/v2 v2.15.2 // indirect
	github.com/nats-io/nats.go v1.55.0 // indirect
	github.com/nats-io/nkeys v0.4.16 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	github.com/templive/templive/live/natspubsub v0.0.0-00010101000000-000000000000 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)
