package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/htmldiff"
	"github.com/templive/templive/internal/protocol"
)

// diffCmd prints the ops that turn one render into another, one per line,
// and the size of the frame that would carry them.
func diffCmd(args []string, w, stderr io.Writer) error {
	fs := flag.NewFlagSet("templive diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: templive diff OLD.html NEW.html

Prints the patch ops that turn the render OLD.html into NEW.html, one a
line, and the size of the frame that would carry them.
`)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return fmt.Errorf("diff: want OLD.html NEW.html")
	}
	var trees [2]*html.Node
	for i, name := range fs.Args() {
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		n, err := htmldiff.Parse(src)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		trees[i] = n
	}
	ops := htmldiff.Diff(nil, trees[0], trees[1])
	if len(ops) == 0 {
		fmt.Fprintln(w, "no changes: the update is an empty acknowledgement")
		return nil
	}
	for _, op := range ops {
		one := protocol.AppendOps(nil, []protocol.Op{op})
		fmt.Fprintf(w, "%-13s %s\n", op.Kind, one[1:len(one)-1]) // without the list's brackets
	}
	frame := protocol.AppendPatch(nil, protocol.AppendOps(nil, ops))
	fmt.Fprintf(w, "%d ops, %d bytes in a patch frame\n", len(ops), len(frame))
	return nil
}
