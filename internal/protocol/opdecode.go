package protocol

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// DecodeOps parses a JSON array of ops as AppendOps writes it. It is
// strict: an unknown kind, a wrong number of elements, a value of the wrong
// type, a negative or fractional index, an unknown namespace, invalid UTF-8
// or trailing data give an error. Insignificant whitespace is allowed.
func DecodeOps(data []byte) ([]Op, error) {
	d := opDecoder{data: data}
	ops, err := d.ops()
	if err != nil {
		return nil, err
	}
	return ops, nil
}

type opDecoder struct {
	data []byte
	pos  int
}

func (d *opDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("protocol: decode ops: offset %d: %s", d.pos, fmt.Sprintf(format, args...))
}

func (d *opDecoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next significant byte, or 0 at the end.
func (d *opDecoder) peek() byte {
	d.skipSpace()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *opDecoder) expect(c byte, what string) error {
	if d.peek() != c {
		return d.unexpected(what)
	}
	d.pos++
	return nil
}

func (d *opDecoder) unexpected(what string) error {
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end of input, want %s", what)
	}
	return d.errorf("unexpected %q, want %s", d.data[d.pos], what)
}

// next consumes a ',' before another element of an op; a ']' there means
// the op has too few elements.
func (d *opDecoder) next(kind OpKind, what string) error {
	switch d.peek() {
	case ',':
		d.pos++
		return nil
	case ']':
		return d.errorf("%s op: missing %s", kind, what)
	}
	return d.unexpected("','")
}

func (d *opDecoder) ops() ([]Op, error) {
	if err := d.expect('[', "'[' opening the op list"); err != nil {
		return nil, err
	}
	ops := []Op{}
	if d.peek() == ']' {
		d.pos++
	} else {
		for {
			op, err := d.op()
			if err != nil {
				return nil, err
			}
			ops = append(ops, op)
			if d.peek() == ',' {
				d.pos++
				continue
			}
			if err := d.expect(']', "',' or ']'"); err != nil {
				return nil, err
			}
			break
		}
	}
	if d.peek() != 0 || d.pos < len(d.data) {
		return nil, d.errorf("trailing data after the op list")
	}
	return ops, nil
}

func (d *opDecoder) op() (Op, error) {
	var op Op
	if err := d.expect('[', "'[' opening an op"); err != nil {
		return op, err
	}
	k, err := d.int()
	if err != nil {
		return op, err
	}
	if k >= int(numOpKinds) {
		return op, d.errorf("unknown op kind %d", k)
	}
	op.Kind = OpKind(k)
	if err := d.next(op.Kind, "target"); err != nil {
		return op, err
	}
	if op.Target, err = d.string(); err != nil {
		return op, err
	}
	if err := d.next(op.Kind, "path"); err != nil {
		return op, err
	}
	if op.Path, err = d.path(); err != nil {
		return op, err
	}
	switch op.Kind {
	case OpText, OpMorph:
		err = d.strings(op.Kind, &op.Data)
	case OpAttr:
		err = d.strings(op.Kind, &op.Name, &op.Data)
	case OpUnattr:
		err = d.strings(op.Kind, &op.Name)
	case OpInsert, OpInsertText, OpInsertComment:
		if err = d.next(op.Kind, "index"); err == nil {
			if op.Index, err = d.int(); err == nil {
				err = d.strings(op.Kind, &op.Data)
			}
		}
	case OpInsertElement:
		err = d.insertElement(&op)
	case OpStream:
		op.Stream, err = d.stream()
	case OpMove:
		if err = d.next(op.Kind, "from"); err == nil {
			if op.Index, err = d.int(); err == nil {
				if err = d.next(op.Kind, "to"); err == nil {
					op.To, err = d.int()
				}
			}
		}
	}
	if err != nil {
		return op, err
	}
	switch d.peek() {
	case ']':
		d.pos++
		return op, nil
	case ',':
		return op, d.errorf("%s op: too many elements", op.Kind)
	}
	return op, d.unexpected("']' closing the op")
}

// strings reads one ",string" per destination.
func (d *opDecoder) strings(kind OpKind, dst ...*string) error {
	for _, p := range dst {
		if err := d.next(kind, "string"); err != nil {
			return err
		}
		s, err := d.string()
		if err != nil {
			return err
		}
		*p = s
	}
	return nil
}

func (d *opDecoder) insertElement(op *Op) error {
	var err error
	if err = d.next(op.Kind, "index"); err != nil {
		return err
	}
	if op.Index, err = d.int(); err != nil {
		return err
	}
	if err = d.strings(op.Kind, &op.Name, &op.NS); err != nil {
		return err
	}
	if op.Name == "" {
		return d.errorf("insertelement op: empty tag name")
	}
	switch op.NS {
	case "", "svg", "math":
	default:
		return d.errorf("insertelement op: unknown namespace %q", op.NS)
	}
	if err = d.next(op.Kind, "attributes"); err != nil {
		return err
	}
	if err = d.expect('[', "'[' opening the attribute list"); err != nil {
		return err
	}
	if d.peek() == ']' {
		d.pos++
		return nil
	}
	for {
		a, err := d.attr()
		if err != nil {
			return err
		}
		op.Attrs = append(op.Attrs, a)
		if d.peek() == ',' {
			d.pos++
			continue
		}
		return d.expect(']', "',' or ']' in the attribute list")
	}
}

// attr reads [name, value] or [name, value, ns].
func (d *opDecoder) attr() (html.Attribute, error) {
	var a html.Attribute
	if err := d.expect('[', "'[' opening an attribute"); err != nil {
		return a, err
	}
	var err error
	if a.Key, err = d.string(); err != nil {
		return a, err
	}
	if a.Key == "" {
		return a, d.errorf("empty attribute name")
	}
	if err = d.expect(',', "',' before the attribute value"); err != nil {
		return a, err
	}
	if a.Val, err = d.string(); err != nil {
		return a, err
	}
	if d.peek() == ',' {
		d.pos++
		if a.Namespace, err = d.string(); err != nil {
			return a, err
		}
		switch a.Namespace {
		case "xlink", "xml", "xmlns":
		default:
			return a, d.errorf("unknown attribute namespace %q", a.Namespace)
		}
	}
	return a, d.expect(']', "']' closing an attribute")
}

func (d *opDecoder) path() ([]int, error) {
	if err := d.expect('[', "'[' opening a path"); err != nil {
		return nil, err
	}
	path := []int{}
	if d.peek() == ']' {
		d.pos++
		return path, nil
	}
	for {
		i, err := d.int()
		if err != nil {
			return nil, err
		}
		path = append(path, i)
		if d.peek() == ',' {
			d.pos++
			continue
		}
		return path, d.expect(']', "',' or ']' in a path")
	}
}

// int reads a non-negative JSON integer no larger than MaxInt32: indexes
// are child positions, and fractions, exponents and signs are bugs.
func (d *opDecoder) int() (int, error) {
	d.skipSpace()
	start := d.pos
	var n int64
	for d.pos < len(d.data) && '0' <= d.data[d.pos] && d.data[d.pos] <= '9' {
		n = n*10 + int64(d.data[d.pos]-'0')
		d.pos++
		if n > math.MaxInt32 {
			return 0, d.errorf("integer out of range")
		}
	}
	if d.pos == start {
		return 0, d.unexpected("a non-negative integer")
	}
	if d.data[start] == '0' && d.pos-start > 1 {
		return 0, d.errorf("integer with a leading zero")
	}
	if d.pos < len(d.data) {
		switch d.data[d.pos] {
		case '.', 'e', 'E':
			return 0, d.errorf("not an integer")
		}
	}
	return int(n), nil
}

func (d *opDecoder) string() (string, error) {
	if d.peek() != '"' {
		return "", d.unexpected("a string")
	}
	d.pos++
	start := d.pos
	// Fast path: no escapes, the string is a plain slice of the input.
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '"' {
			s := string(d.data[start:d.pos])
			d.pos++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		d.pos++
	}
	var b strings.Builder
	b.Write(d.data[start:d.pos])
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return b.String(), nil
		case c < 0x20:
			return "", d.errorf("control character in string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", d.errorf("invalid UTF-8 in string")
			}
			b.Write(d.data[d.pos : d.pos+size])
			d.pos += size
		case c != '\\':
			b.WriteByte(c)
			d.pos++
		default:
			if err := d.escape(&b); err != nil {
				return "", err
			}
		}
	}
	return "", d.errorf("unterminated string")
}

// escape decodes the escape sequence at d.pos into b. A lone surrogate
// becomes U+FFFD, as encoding/json does.
func (d *opDecoder) escape(b *strings.Builder) error {
	if d.pos+1 >= len(d.data) {
		return d.errorf("unterminated escape")
	}
	c := d.data[d.pos+1]
	d.pos += 2
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := d.hex4()
		if !ok {
			return d.errorf("bad \\u escape")
		}
		if utf16.IsSurrogate(r) {
			r2 := utf8.RuneError
			if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
				save := d.pos
				d.pos += 2
				if lo, ok := d.hex4(); ok {
					if dec := utf16.DecodeRune(r, lo); dec != utf8.RuneError {
						r2 = dec
					} else {
						d.pos = save // not a pair: the next escape stands alone
					}
				} else {
					return d.errorf("bad \\u escape")
				}
			}
			r = r2
		}
		b.WriteRune(r)
	default:
		return d.errorf("bad escape \\%c", c)
	}
	return nil
}

func (d *opDecoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.pos += 4
	return r, true
}

// stream reads the fields of an OpStream (see appendStream).
func (d *opDecoder) stream() (*StreamOp, error) {
	s := &StreamOp{}
	if err := d.next(OpStream, "reset"); err != nil {
		return nil, err
	}
	reset, err := d.int()
	if err != nil {
		return nil, err
	}
	if reset != 0 && reset != 1 {
		return nil, d.errorf("stream op: reset is %d, not 0 or 1", reset)
	}
	s.Reset = reset == 1
	if err := d.next(OpStream, "limit"); err != nil {
		return nil, err
	}
	if s.Limit, err = d.signed(); err != nil {
		return nil, err
	}
	if err := d.next(OpStream, "deletes"); err != nil {
		return nil, err
	}
	if err := d.list("the deletes", func() error {
		id, err := d.string()
		s.Deletes = append(s.Deletes, id)
		return err
	}); err != nil {
		return nil, err
	}
	if err := d.next(OpStream, "inserts"); err != nil {
		return nil, err
	}
	err = d.list("the inserts", func() error {
		var it StreamItem
		var err error
		if err = d.expect('[', "'[' opening an insert"); err != nil {
			return err
		}
		if it.ID, err = d.string(); err != nil {
			return err
		}
		if err = d.expect(',', "',' after the insert's id"); err != nil {
			return err
		}
		if it.At, err = d.signed(); err != nil {
			return err
		}
		if err = d.expect(',', "',' after the insert's position"); err != nil {
			return err
		}
		if it.HTML, err = d.string(); err != nil {
			return err
		}
		s.Inserts = append(s.Inserts, it)
		return d.expect(']', "']' closing an insert")
	})
	return s, err
}

// list reads a JSON array whose elements item reads.
func (d *opDecoder) list(what string, item func() error) error {
	if err := d.expect('[', "'[' opening "+what); err != nil {
		return err
	}
	if d.peek() == ']' {
		d.pos++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if d.peek() == ',' {
			d.pos++
			continue
		}
		return d.expect(']', "',' or ']' in "+what)
	}
}

// signed reads an integer that may be negative (a stream's limit and
// positions), within ±MaxInt32.
func (d *opDecoder) signed() (int, error) {
	if d.peek() == '-' {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] < '0' || d.data[d.pos] > '9') {
			return 0, d.unexpected("a digit after '-'")
		}
		n, err := d.int()
		return -n, err
	}
	return d.int()
}
