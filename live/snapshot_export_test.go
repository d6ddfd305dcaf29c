package live

import (
	"encoding/base64"
	"strings"
	"testing"
)

// SnapshotKey returns the Store key of the view a page's token names.
func SnapshotKey(t testing.TB, tok string) string {
	t.Helper()
	p, _, _ := strings.Cut(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil || len(payload) < tokenFixed {
		t.Fatalf("token %q: %v", tok, err)
	}
	var id viewID
	copy(id[:], payload[1:17])
	return id.key()
}
