// Command templive-demo serves every templive example on one port.
//
//	go run ./cmd/templive-demo [-addr 127.0.0.1:8080] [-dev auto|true|false]
//
// It is the same server as `templive demo`. Several instances share their
// chat rooms through NATS: -nats-serve HOST:PORT starts an embedded NATS
// server there, -nats nats://HOST:PORT joins one. With JetStream on that
// server (-nats-dir DIR makes -nats-serve run it), a stopped instance
// saves its counters, and their pages get them back from whichever
// instance they reconnect to.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/templive/templive/internal/demo"
)

func main() {
	if err := demo.Main("templive-demo", os.Args[1:], os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "templive-demo:", err)
		os.Exit(1)
	}
}
