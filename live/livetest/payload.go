package livetest

import "encoding/json"

// plainJSON returns the JSON text b with the escapes that encoding/json
// adds for HTML's sake (\u003c, \u003e, \u0026) turned back into the
// characters <, > and &. The wire keeps them escaped, as every string of
// the protocol is; a test compares payloads with the JSON of its own
// values, so it reads {"html":"<b>"}, which means the same. Other escapes,
// and the bytes outside strings, are kept as they are.
func plainJSON(b json.RawMessage) json.RawMessage {
	out := make(json.RawMessage, 0, len(b))
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			inString = !inString
		case inString && c == '\\' && i+1 < len(b):
			if b[i+1] == 'u' && i+5 < len(b) {
				if r, ok := htmlEscape(b[i+2 : i+6]); ok {
					out = append(out, r)
					i += 5
					continue
				}
			}
			out = append(out, c, b[i+1]) // an escape is two bytes at least: \" must not end the string
			i++
			continue
		}
		out = append(out, c)
	}
	return out
}

// htmlEscape reports which of <, > and & the four hex digits h stand for.
func htmlEscape(h []byte) (byte, bool) {
	if h[0] != '0' || h[1] != '0' {
		return 0, false
	}
	switch string(h[2:]) {
	case "3c", "3C":
		return '<', true
	case "3e", "3E":
		return '>', true
	case "26":
		return '&', true
	}
	return 0, false
}
