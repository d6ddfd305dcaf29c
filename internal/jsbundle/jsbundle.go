// Package jsbundle embeds the templive browser client, built from js/src by
// `npm run build`. The build writes js/dist/templive.js, the file people
// measure and read, and a copy here, because go:embed reaches only files
// under its own package's folder and this package must be internal: users
// import live, which serves the client (live.Assets), not the bytes.
// TestBundleIsDist fails when the copy and js/dist differ.
package jsbundle

import _ "embed"

//go:embed templive.js
var bundle []byte

// Bundle returns the minified client bundle. The slice is shared: callers
// must not modify it.
func Bundle() []byte { return bundle }
