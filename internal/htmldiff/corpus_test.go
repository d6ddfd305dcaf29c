package htmldiff

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/templive/templive/internal/protocol"
)

// corpusDir is the html5lib tree-construction corpus shared by the project,
// next to the repository.
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpus", "html5lib-tree-construction")

// loadCorpus returns the #data section of every test in the corpus, in
// file and test order.
func loadCorpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.dat"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("html5lib corpus not found at %s (it lives in the project's shared folder next to the repository)", corpusDir)
	}
	var cases []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, datSections(src)...)
	}
	return cases
}

// datSections extracts the #data sections of a .dat file: the lines after
// "#data" up to the line "#errors", without the final newline.
func datSections(src []byte) []string {
	var out []string
	lines := bytes.SplitAfter(src, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		if string(bytes.TrimRight(lines[i], "\n")) != "#data" {
			continue
		}
		var data []byte
		for i++; i < len(lines) && string(bytes.TrimRight(lines[i], "\n")) != "#errors"; i++ {
			data = append(data, lines[i]...)
		}
		out = append(out, string(bytes.TrimSuffix(data, []byte("\n"))))
	}
	return out
}

func TestCorpusParse(t *testing.T) {
	cases := loadCorpus(t)
	for i, c := range cases {
		if _, err := Parse([]byte(c)); err != nil {
			t.Errorf("case %d: Parse(%q): %v", i, c, err)
		}
	}
	t.Logf("parsed %d cases", len(cases))
}

// TestCorpusPairs diffs every case against the next one, across files too,
// in both directions, and every case against itself (no ops).
func TestCorpusPairs(t *testing.T) {
	cases := loadCorpus(t)
	pairs := 0
	for i := 0; i+1 < len(cases); i++ {
		checkDiff(t, cases[i], cases[i+1])
		checkDiff(t, cases[i+1], cases[i])
		pairs += 2
	}
	for _, c := range cases {
		if ops := Diff(nil, mustParse(t, c), mustParse(t, c)); len(ops) != 0 {
			t.Errorf("Diff of %q with itself: %s", c, protocol.AppendOps(nil, ops))
		}
	}
	t.Logf("%d cases, %d ordered pairs (%d consecutive pairs, both ways): Apply(Diff(a, b), a) equals b for all", len(cases), pairs, pairs/2)
}
