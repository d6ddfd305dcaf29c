// Package protocol defines templive's wire frames: their kinds, a strict
// decoder for what clients send and an allocation-light encoder for what the
// server sends. docs/protocol.md is the reference; keys.go mirrors
// js/src/constants.js and a test checks that the two agree.
//
// Nothing here knows about views or HTML: ops travel as already-encoded JSON
// produced by internal/htmldiff.
package protocol
