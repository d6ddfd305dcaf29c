package live

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/templive/templive/internal/jsbundle"
)

// clientScript is the embedded client bundle, served under a
// content-hashed name so browsers may cache it forever.
type clientScript struct {
	name string // templive.<hash>.js
	raw  []byte
	gz   []byte
}

var loadClient = sync.OnceValue(func() *clientScript {
	raw := jsbundle.Bundle()
	sum := sha256.Sum256(raw)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	return &clientScript{name: "templive." + hex.EncodeToString(sum[:6]) + ".js", raw: raw, gz: buf.Bytes()}
})

// Assets returns a handler that serves the client script. Mount it at the
// handlers' AssetPrefix (default "/_templive/") when live handlers are
// mounted on exact paths that requests for the script would not reach:
//
//	mux.Handle("/_templive/", live.Assets())
func Assets() http.Handler {
	return http.HandlerFunc(serveAsset)
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	cs := loadClient()
	if !strings.HasSuffix(r.URL.Path, "/"+cs.name) {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	body := cs.raw
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = cs.gz
	}
	http.ServeContent(w, r, cs.name, time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}
