// Package protocol defines templive's wire format: the frames, their kinds,
// a strict decoder for what clients send and an allocation-light encoder for
// what the server sends, and the patch ops that reply and patch frames carry
// (Op, AppendOps and DecodeOps). docs/protocol.md is the reference; keys.go
// mirrors js/src/constants.js and a test checks that the two agree.
//
// Nothing here knows about views, and nothing parses HTML: internal/htmldiff
// produces the ops, and frames take them already encoded.
package protocol
