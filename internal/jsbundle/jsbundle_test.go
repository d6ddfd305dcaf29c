package jsbundle

import (
	"bytes"
	"os"
	"testing"
)

// TestBundleIsDist checks that the embedded copy is the built bundle: run
// `npm run build` when it fails.
func TestBundleIsDist(t *testing.T) {
	dist, err := os.ReadFile("../../js/dist/templive.js")
	if err != nil {
		t.Fatal(err)
	}
	if len(Bundle()) == 0 || !bytes.Equal(Bundle(), dist) {
		t.Fatalf("internal/jsbundle/templive.js (%d bytes) differs from js/dist/templive.js (%d bytes): run npm run build", len(Bundle()), len(dist))
	}
}
