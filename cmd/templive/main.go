// Command templive is templive's tool:
//
//	templive new   NAME [-module PATH] [-dir DIR]   write a new app: a live page, its test, Makefile, CI
//	templive dev   [-addr 127.0.0.1:8080] [-latency D] [-- BUILD FLAGS]
//	                                            rebuild and restart the app in . on every change
//	templive demo  [-addr 127.0.0.1:8080] [-dev]   serve every example on one port
//	templive diff  OLD.html NEW.html              print the patch ops between two renders and their size
//	templive bench -url URL [-url URL2 ...] [-clients N] [-procs P] [-rate R -duration D -event NAME | -idle -hold D [-reconnect]] [-broadcast EVENT -values Q] [-json]
//	                                            measure live pages under load
//
// Several demo instances share their chat rooms through NATS: -nats-serve
// HOST:PORT starts an embedded NATS server there, -nats nats://HOST:PORT
// joins one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/templive/templive/internal/demo"
)

const usage = `usage:
  templive new NAME [-module PATH] [-dir DIR]   write a new app: a live page, its livetest test,
                                               a Makefile, a CI workflow, a strict CSP
  templive dev [-addr 127.0.0.1:8080] [-latency D] [-- BUILD FLAGS]
                                               run the app in . behind a dev proxy; rebuild and
                                               restart it on every .templ/.go/.css change
  templive demo [-addr 127.0.0.1:8080] [-dev]   serve every example on one port
  templive diff OLD.html NEW.html              print the patch ops between two renders and their size
  templive bench -url URL [-clients N] [-rate R -duration D -event NAME | -idle -hold D] [-json]
                                               measure a live page under load
  templive bench -url URL -url URL2 ... -procs P -broadcast EVENT -values Q -idle -reconnect
                                               several nodes, clients in P processes; a
                                               broadcast's fan-out; rejoins after a node dies

  templive COMMAND -h                          a command's flags

  templive demo -nats-serve HOST:PORT          also start an embedded NATS server there, for other instances
  templive demo -nats nats://HOST:PORT         join other instances through that NATS server
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "templive:", err)
		os.Exit(1)
	}
}

// run runs the command args names. A -h or -help prints the command's
// help and is no error.
func run(args []string, stdout, stderr io.Writer) error {
	err := dispatch(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command")
	}
	switch args[0] {
	case "new":
		return newCmd(args[1:], stdout, stderr)
	case "dev":
		return devCmd(args[1:], stdout, stderr)
	case "demo":
		return demo.Main("templive demo", args[1:], stderr)
	case "diff":
		return diffCmd(args[1:], stdout, stderr)
	case "bench":
		return benchCmd(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
