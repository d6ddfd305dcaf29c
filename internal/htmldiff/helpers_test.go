package htmldiff

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

func mustParse(t testing.TB, src string) *html.Node {
	t.Helper()
	root, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return root
}

// checkDiff checks the differ's contract for one pair: the ops, applied to
// a, give b, both directly and after a trip through JSON. It returns the
// ops.
func checkDiff(t testing.TB, a, b string) []protocol.Op {
	t.Helper()
	if strings.Contains(a, protocol.AttrUpdate) || strings.Contains(b, protocol.AttrUpdate) {
		// A stream container's children are the client's, not the
		// render's: stream_test.go states what holds for them.
		t.Skip("stream container")
	}
	from, to := mustParse(t, a), mustParse(t, b)
	ops := Diff(nil, from, to)
	if err := Apply(from, ops); err != nil {
		t.Fatalf("Apply(Diff(%q, %q)): %v\nops: %s", a, b, err, protocol.AppendOps(nil, ops))
	}
	if ok, where := Equal(from, to); !ok {
		t.Fatalf("Apply(Diff(%q, %q)) differs from the new tree %s\nops: %s", a, b, where, protocol.AppendOps(nil, ops))
	}

	for i, op := range ops {
		// Text travels as text: HTML payloads hold elements (or comments)
		// only at their top level. A morph of the root is the exception: it
		// carries the root's inner HTML, as the resync morph does.
		rootMorph := op.Kind == protocol.OpMorph && op.Target == "" && len(op.Path) == 0
		if (op.Kind == protocol.OpInsert || op.Kind == protocol.OpMorph) && !rootMorph && !strings.HasPrefix(op.Data, "<") {
			t.Fatalf("op %d for %q -> %q carries text as HTML: %s", i, a, b, protocol.AppendOps(nil, ops[i:i+1]))
		}
	}

	enc := protocol.AppendOps(nil, ops)
	dec, err := protocol.DecodeOps(enc)
	if err != nil {
		t.Fatalf("DecodeOps(AppendOps(ops)) for %q -> %q: %v\njson: %s", a, b, err, enc)
	}
	if validOps(ops) {
		if i := firstOpDifference(ops, dec); i >= 0 {
			t.Fatalf("JSON round trip changed op %d for %q -> %q:\n got %+v\nwant %+v", i, a, b, dec[i], ops[i])
		}
		again := mustParse(t, a)
		if err := Apply(again, dec); err != nil {
			t.Fatalf("Apply(decoded ops) for %q -> %q: %v\njson: %s", a, b, err, enc)
		}
		if ok, where := Equal(again, to); !ok {
			t.Fatalf("Apply(decoded ops) for %q -> %q differs %s\njson: %s", a, b, where, enc)
		}
	}
	return ops
}

// validOps reports whether every string in ops is valid UTF-8, the only
// case where JSON carries them unchanged.
func validOps(ops []protocol.Op) bool {
	for _, op := range ops {
		if !utf8.ValidString(op.Target) || !utf8.ValidString(op.Name) || !utf8.ValidString(op.Data) {
			return false
		}
		for _, a := range op.Attrs {
			if !utf8.ValidString(a.Key) || !utf8.ValidString(a.Val) {
				return false
			}
		}
	}
	return true
}

// firstOpDifference returns the index of the first op that differs, or -1;
// nil and empty paths and attribute lists are the same.
func firstOpDifference(a, b []protocol.Op) int {
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) {
			return i
		}
		x, y := a[i], b[i]
		if x.Kind != y.Kind || x.Target != y.Target || !slices.Equal(x.Path, y.Path) ||
			x.Index != y.Index || x.To != y.To || x.Name != y.Name || x.NS != y.NS ||
			x.Data != y.Data || !slices.Equal(x.Attrs, y.Attrs) || !sameStream(x.Stream, y.Stream) {
			return i
		}
	}
	return -1
}

func sameStream(a, b *protocol.StreamOp) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Reset == b.Reset && a.Limit == b.Limit && slices.Equal(a.Deletes, b.Deletes) && slices.Equal(a.Inserts, b.Inserts)
}
