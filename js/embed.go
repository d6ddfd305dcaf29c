// Package js holds the templive browser client, built from js/src by
// `npm run build`.
package js

import _ "embed"

//go:embed dist/templive.js
var bundle []byte

// Bundle returns the minified client bundle (js/dist/templive.js). The slice
// is shared: callers must not modify it.
func Bundle() []byte { return bundle }
