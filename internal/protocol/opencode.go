package protocol

import (
	"strconv"
	"unicode/utf8"
)

// AppendOps appends ops to dst as the compact JSON array of op arrays of
// docs/protocol.md (`[[0,"count",[0],"2"]]`), the ops of a reply or patch
// frame, and returns the extended buffer. Strings are escaped so that any
// JSON parser reads them back: quote, backslash and control characters are
// escaped, U+2028 and U+2029 too (old JavaScript engines reject them raw),
// and invalid UTF-8 becomes U+FFFD the way a browser decodes the page (one
// per maximal ill-formed subsequence), so names and text still match the
// browser's DOM. Unlike AppendString, it leaves <, > and & as they are:
// frames are never embedded in HTML. An op of unknown Kind is written as
// [kind,target,path], which DecodeOps rejects.
func AppendOps(dst []byte, ops []Op) []byte {
	dst = append(dst, '[')
	for i := range ops {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendOp(dst, &ops[i])
	}
	return append(dst, ']')
}

func appendOp(dst []byte, op *Op) []byte {
	dst = append(dst, '[')
	dst = strconv.AppendUint(dst, uint64(op.Kind), 10)
	dst = append(dst, ',')
	dst = appendOpString(dst, op.Target)
	dst = append(dst, ',', '[')
	for i, p := range op.Path {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, int64(p), 10)
	}
	dst = append(dst, ']')
	switch op.Kind {
	case OpText, OpMorph:
		dst = append(dst, ',')
		dst = appendOpString(dst, op.Data)
	case OpAttr:
		dst = append(dst, ',')
		dst = appendOpString(dst, op.Name)
		dst = append(dst, ',')
		dst = appendOpString(dst, op.Data)
	case OpUnattr:
		dst = append(dst, ',')
		dst = appendOpString(dst, op.Name)
	case OpInsert, OpInsertText, OpInsertComment:
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(op.Index), 10)
		dst = append(dst, ',')
		dst = appendOpString(dst, op.Data)
	case OpInsertElement:
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(op.Index), 10)
		dst = append(dst, ',')
		dst = appendOpString(dst, op.Name)
		dst = append(dst, ',')
		dst = appendOpString(dst, op.NS)
		dst = append(dst, ',', '[')
		for i, a := range op.Attrs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '[')
			dst = appendOpString(dst, a.Key)
			dst = append(dst, ',')
			dst = appendOpString(dst, a.Val)
			if a.Namespace != "" {
				dst = append(dst, ',')
				dst = appendOpString(dst, a.Namespace)
			}
			dst = append(dst, ']')
		}
		dst = append(dst, ']')
	case OpMove:
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(op.Index), 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(op.To), 10)
	case OpStream:
		dst = appendStream(dst, op.Stream)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendOpString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += maximalSubpart(s[i:])
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// maximalSubpart returns the length of the ill-formed sequence at the start
// of s that the WHATWG UTF-8 decoder replaces with one U+FFFD: a lead byte
// and the continuation bytes that were valid for it before the error.
func maximalSubpart(s string) int {
	lo, hi, need := byte(0x80), byte(0xbf), 0
	switch b := s[0]; {
	case 0xc2 <= b && b <= 0xdf:
		need = 1
	case b == 0xe0:
		lo, need = 0xa0, 2
	case b == 0xed:
		hi, need = 0x9f, 2
	case 0xe1 <= b && b <= 0xef:
		need = 2
	case b == 0xf0:
		lo, need = 0x90, 3
	case 0xf1 <= b && b <= 0xf3:
		need = 3
	case b == 0xf4:
		hi, need = 0x8f, 3
	}
	n := 1
	for ; need > 0 && n < len(s); need-- {
		if c := s[n]; c < lo || c > hi {
			break
		}
		n++
		lo, hi = 0x80, 0xbf
	}
	return n
}

// appendStream appends the fields of an OpStream after its path:
// ,reset,limit,[deletes],[[id,at,html],...] with reset 0 or 1.
func appendStream(dst []byte, s *StreamOp) []byte {
	if s == nil {
		s = &StreamOp{}
	}
	dst = append(dst, ',', '0', ',')
	if s.Reset {
		dst[len(dst)-2] = '1'
	}
	dst = strconv.AppendInt(dst, int64(s.Limit), 10)
	dst = append(dst, ',', '[')
	for i, id := range s.Deletes {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendOpString(dst, id)
	}
	dst = append(dst, ']', ',', '[')
	for i, it := range s.Inserts {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		dst = appendOpString(dst, it.ID)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(it.At), 10)
		dst = append(dst, ',')
		dst = appendOpString(dst, it.HTML)
		dst = append(dst, ']')
	}
	return append(dst, ']')
}
