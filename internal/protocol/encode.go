package protocol

import (
	"encoding/json"
	"iter"
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

// AppendAnswer appends a reply frame answering ref that carries the
// view's answer to a hook's pushEvent (JSON): [0, ref, ops or [], answer].
func AppendAnswer(dst []byte, ref uint64, ops, answer []byte) []byte {
	if len(ops) == 0 {
		ops = []byte("[]")
	}
	dst = AppendReply(dst, ref, ops)
	dst = append(dst[:len(dst)-1], ',')
	dst = append(dst, answer...)
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

// AppendPushes appends one push frame holding, in order, the named
// events with their JSON payloads that events yields:
// [5, name, payload, name, payload, ...]. It appends nothing when events
// yields none.
func AppendPushes(dst []byte, events iter.Seq2[string, []byte]) []byte {
	n := len(dst)
	for name, payload := range events {
		if len(dst) == n {
			dst = append(dst, '[', '0'+KindPush)
		}
		dst = append(dst, ',')
		dst = AppendString(dst, name)
		dst = append(dst, ',')
		dst = append(dst, payload...)
	}
	if len(dst) == n {
		return dst
	}
	return append(dst, ']')
}

// AppendLog appends a dev console frame for the page whose view is self:
// [6, self, [record, ...], dropped?], each record already encoded, and the
// count of records the page missed when it is not 0.
func AppendLog(dst []byte, self string, records [][]byte, dropped int) []byte {
	dst = append(dst, '[', '0'+KindLog, ',')
	dst = AppendString(dst, self)
	dst = append(dst, ',', '[')
	for i, rec := range records {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, rec...)
	}
	dst = append(dst, ']')
	if dropped > 0 {
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(dropped), 10)
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
