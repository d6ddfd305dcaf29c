// Package tools pins the development tools of templive as go.mod tool
// directives of a module of their own, so that they stay out of the
// module graph of apps that import templive: the templ CLI (make
// generate), staticcheck and govulncheck (make lint). Run one from the
// repository's root with go tool -modfile=tools/go.mod NAME.
package tools
