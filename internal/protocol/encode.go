package protocol

import (
	"encoding/json"
	"strconv"
)

// AppendReply appends a reply frame answering ref. ops is an encoded JSON
// array of patch ops, or nil when nothing changed.
func AppendReply(dst []byte, ref uint64, ops []byte) []byte {
	dst = append(dst, '[', '0'+KindReply, ',')
	dst = strconv.AppendUint(dst, ref, 10)
	if len(ops) > 0 {
		dst = append(dst, ',')
		dst = append(dst, ops...)
	}
	return append(dst, ']')
}

// AppendPatch appends a patch frame the server sends on its own initiative.
func AppendPatch(dst []byte, ops []byte) []byte {
	dst = append(dst, '[', '0'+KindPatch, ',')
	dst = append(dst, ops...)
	return append(dst, ']')
}

// AppendError appends an error frame for the event ref.
func AppendError(dst []byte, ref uint64, msg string) []byte {
	dst = append(dst, '[', '0'+KindError, ',')
	dst = strconv.AppendUint(dst, ref, 10)
	dst = append(dst, ',')
	dst = AppendString(dst, msg)
	return append(dst, ']')
}

// AppendReload appends a reload frame: the client reloads the page once.
func AppendReload(dst []byte, reason string) []byte {
	dst = append(dst, '[', '0'+KindReload, ',')
	dst = AppendString(dst, reason)
	return append(dst, ']')
}

// AppendPush appends a push frame: a named event with a JSON payload for
// the client's hooks and window listeners.
func AppendPush(dst []byte, name string, payload []byte) []byte {
	dst = append(dst, '[', '0'+KindPush, ',')
	dst = AppendString(dst, name)
	if len(payload) > 0 {
		dst = append(dst, ',')
		dst = append(dst, payload...)
	}
	return append(dst, ']')
}

// Pong is the server's answer to a heartbeat.
var Pong = []byte{'[', '0' + KindPong, ']'}

// AppendString appends s as a JSON string. encoding/json escapes <, > and &
// and the line separators U+2028 and U+2029, and replaces invalid UTF-8.
func AppendString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return append(dst, b...)
}

// AppendRedirect appends a redirect frame: a reload frame that names where
// the client goes instead of reloading, with a full page load.
func AppendRedirect(dst []byte, reason, url string) []byte {
	dst = append(dst, '[', '0'+KindReload, ',')
	dst = AppendString(dst, reason)
	dst = append(dst, ',')
	dst = AppendString(dst, url)
	return append(dst, ']')
}
