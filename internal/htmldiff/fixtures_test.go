package htmldiff

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/templive/templive/internal/protocol"
)

var update = flag.Bool("update", false, "rewrite testdata/fixtures/*/ops.json from Diff's output")

// A fixture is a before/after pair with the exact ops Diff must produce.
// The browser client's tests apply the same folders.
type fixture struct {
	name, dir     string
	before, after string
	ops           []byte // ops.json, nil when missing
}

func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "fixtures", "*", "before.html"))
	if err != nil {
		t.Fatal(err)
	}
	var out []fixture
	for _, f := range dirs {
		dir := filepath.Dir(f)
		before, err := os.ReadFile(filepath.Join(dir, "before.html"))
		if err != nil {
			t.Fatal(err)
		}
		after, err := os.ReadFile(filepath.Join(dir, "after.html"))
		if err != nil {
			t.Fatal(err)
		}
		ops, err := os.ReadFile(filepath.Join(dir, "ops.json"))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out = append(out, fixture{name: filepath.Base(dir), dir: dir, before: string(before), after: string(after), ops: ops})
	}
	return out
}

func TestFixtures(t *testing.T) {
	fixtures := loadFixtures(t)
	if len(fixtures) < 25 {
		t.Errorf("found %d fixtures in testdata/fixtures, want at least 25", len(fixtures))
	}
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			from, to := mustParse(t, fx.before), mustParse(t, fx.after)
			ops := Diff(nil, from, to)
			got := append(protocol.AppendOps(nil, ops), '\n')
			if *update {
				if err := os.WriteFile(filepath.Join(fx.dir, "ops.json"), got, 0o644); err != nil {
					t.Fatal(err)
				}
				fx.ops = got
			}
			if !bytes.Equal(got, fx.ops) {
				t.Errorf("Diff gave\n%s\nwant (ops.json; go test -update rewrites it)\n%s", got, fx.ops)
			}
			if err := Apply(from, ops); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if ok, where := Equal(from, to); !ok {
				t.Fatalf("Apply(Diff) differs from after.html %s", where)
			}

			// What the browser client does: decode ops.json, apply to before.
			dec, err := protocol.DecodeOps(fx.ops)
			if err != nil {
				t.Fatalf("DecodeOps(ops.json): %v", err)
			}
			again := mustParse(t, fx.before)
			if err := Apply(again, dec); err != nil {
				t.Fatalf("Apply(ops.json): %v", err)
			}
			if ok, where := Equal(again, to); !ok {
				t.Fatalf("Apply(ops.json) differs from after.html %s", where)
			}
		})
	}
}
