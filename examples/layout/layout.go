// Package layout holds what the demos share: their document, the index
// page and the stylesheet.
package layout

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"

	"github.com/a-h/templ"
)

// Demo describes one demo on the index page.
type Demo struct {
	Path, Title, About string
}

// For returns a live.Options Layout that wraps pages titled title.
func For(title string) func(templ.Component) templ.Component {
	return func(page templ.Component) templ.Component { return Page(title, page) }
}

//go:embed demo.css
var css []byte

// AssetVersion names the version of the demo's static assets (a hash of
// demo.css), for live.Options.AssetVersion: a page that rejoins a server
// whose stylesheet changed reloads to get it.
func AssetVersion() string {
	sum := sha256.Sum256(css)
	return hex.EncodeToString(sum[:8])
}

// Stylesheet serves demo.css.
func Stylesheet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(css)
}
