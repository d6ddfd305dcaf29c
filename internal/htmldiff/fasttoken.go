package htmldiff

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The fast builder's tokenizer: text, comments, tags and raw text, read
// as x/net/html's tokenizer reads them, or refused.

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r'
}

func allSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// text reads the text up to the next "<".
func (b *builder) text() error {
	s := b.src
	start := b.pos
	end := strings.IndexByte(s[start:], '<')
	if end < 0 {
		end = len(s)
	} else {
		end += start
	}
	b.pos = end
	data := s[start:end]
	if strings.IndexByte(data, '&') >= 0 {
		data = html.UnescapeString(data)
	} else {
		data = b.str(start, end)
	}
	p := b.top()
	if p.Namespace == "" {
		switch p.DataAtom {
		case atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Colgroup:
			if !allSpace(data) {
				return errSlow // foster parenting
			}
		case atom.Pre, atom.Listing:
			if p.FirstChild == nil && data[0] == '\n' {
				data = data[1:] // the newline after <pre> is dropped
				if data == "" {
					// No node holds it: count it in the start tag.
					b.spans[b.spanAt[len(b.spanAt)-1]].open++
					return nil
				}
			}
		}
	}
	if p.LastChild != nil && p.LastChild.Type == html.TextNode {
		return errSlow // would be merged
	}
	n := b.newNode(html.TextNode)
	n.Data = data
	b.add(n)
	b.spans = append(b.spans, span{size: int32(end - start), count: 1})
	return nil
}

// comment reads a comment. Comments with dashes or ">" in odd places are
// the tokenizer's business.
func (b *builder) comment() error {
	s := b.src
	start := b.pos
	if !strings.HasPrefix(s[start:], "<!--") {
		return errSlow // doctype, CDATA, bogus comment
	}
	i := start + 4
	j := strings.Index(s[i:], "--")
	if j < 0 {
		return errSlow
	}
	j += i
	if j+2 >= len(s) || s[j+2] != '>' {
		return errSlow
	}
	data := s[i:j]
	if strings.HasPrefix(data, ">") || strings.HasPrefix(data, "->") || strings.HasSuffix(data, "-") {
		return errSlow
	}
	if strings.IndexByte(data, '&') >= 0 {
		data = html.UnescapeString(data) // as x/net/html does
	} else {
		data = b.str(i, j)
	}
	b.pos = j + 3
	n := b.newNode(html.CommentNode)
	n.Data = data
	b.add(n)
	b.spans = append(b.spans, span{size: int32(b.pos - start), count: 1})
	return nil
}

// nameByte reports whether c may be in a tag name the fast builder takes.
func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
}

// readName reads a tag name from b.pos and sets b.name and b.tag.
func (b *builder) readName() error {
	s := b.src
	start := b.pos
	upper := false
	for b.pos < len(s) && nameByte(s[b.pos]) {
		if c := s[b.pos]; 'A' <= c && c <= 'Z' {
			upper = true
		}
		b.pos++
	}
	if b.pos == len(s) || !isSpace(s[b.pos]) && s[b.pos] != '>' && s[b.pos] != '/' {
		return errSlow
	}
	raw := b.buf[start:b.pos]
	lower := ""
	if upper {
		lower = asciiLower(s[start:b.pos])
		raw = []byte(lower)
	}
	b.tag = atom.Lookup(raw)
	switch {
	case b.tag != 0:
		b.name = b.tag.String()
	case upper:
		b.name = lower
	default:
		b.name = b.str(start, b.pos)
	}
	return nil
}

func (b *builder) skipSpace() {
	for b.pos < len(b.src) && isSpace(b.src[b.pos]) {
		b.pos++
	}
}

// attrByte reports whether c may be in an attribute name.
func attrByte(c byte) bool {
	return c > ' ' && c != '"' && c != '\'' && c != '<' && c != '>' && c != '/' && c != '=' && c != '`' && c != 0x7f
}

// readStartTag reads a start tag from b.pos ("<" included) to its ">",
// its attributes into b.tmp.
func (b *builder) readStartTag() error {
	s := b.src
	b.pos++
	if err := b.readName(); err != nil {
		return err
	}
	b.tmp = b.tmp[:0]
	b.selfClosing = false
	for {
		b.skipSpace()
		if b.pos == len(s) {
			return errSlow
		}
		switch s[b.pos] {
		case '>':
			b.pos++
			return nil
		case '/':
			if b.pos+1 < len(s) && s[b.pos+1] == '>' {
				b.selfClosing = true
				b.pos += 2
				return nil
			}
			return errSlow
		}
		if err := b.readAttr(); err != nil {
			return err
		}
	}
}

func (b *builder) readAttr() error {
	s := b.src
	start := b.pos
	upper := false
	for b.pos < len(s) && attrByte(s[b.pos]) {
		if c := s[b.pos]; 'A' <= c && c <= 'Z' {
			upper = true
		}
		b.pos++
	}
	if b.pos == start {
		return errSlow
	}
	var key string
	raw := b.buf[start:b.pos]
	if upper {
		key = asciiLower(s[start:b.pos])
		raw = []byte(key)
	}
	if a := atom.Lookup(raw); a != 0 {
		key = a.String()
	} else if !upper {
		key = b.str(start, b.pos)
	}
	for _, a := range b.tmp {
		if a.Key == key {
			return errSlow // the tokenizer drops the duplicate
		}
	}
	b.skipSpace()
	val := ""
	if b.pos < len(s) && s[b.pos] == '=' {
		b.pos++
		b.skipSpace()
		if b.pos == len(s) {
			return errSlow
		}
		switch q := s[b.pos]; q {
		case '"', '\'':
			end := strings.IndexByte(s[b.pos+1:], q)
			if end < 0 {
				return errSlow
			}
			vs, ve := b.pos+1, b.pos+1+end
			b.pos += end + 2
			if b.pos < len(s) && !isSpace(s[b.pos]) && s[b.pos] != '>' && s[b.pos] != '/' {
				return errSlow // attributes run together
			}
			var err error
			if val, err = b.attrVal(vs, ve); err != nil {
				return err
			}
		default:
			vs := b.pos
			for b.pos < len(s) && !isSpace(s[b.pos]) && s[b.pos] != '>' {
				switch s[b.pos] {
				case '"', '\'', '<', '=', '`', '/':
					return errSlow
				}
				b.pos++
			}
			if b.pos == vs {
				return errSlow
			}
			var err error
			if val, err = b.attrVal(vs, b.pos); err != nil {
				return err
			}
		}
	}
	b.tmp = append(b.tmp, html.Attribute{Key: key, Val: val})
	return nil
}

// attrVal returns the attribute value in the source bytes [i, j), decoded.
func (b *builder) attrVal(i, j int) (string, error) {
	v := b.src[i:j]
	if strings.IndexByte(v, '&') < 0 {
		return b.str(i, j), nil
	}
	if !plainAttrEntities(v) {
		return "", errSlow
	}
	return html.UnescapeString(v), nil
}

// plainAttrEntities reports whether every character reference in the
// attribute value v is numeric or one of a few named ones ended by ";":
// then html.UnescapeString decodes v as the tokenizer decodes attributes.
func plainAttrEntities(v string) bool {
	for i := strings.IndexByte(v, '&'); i >= 0; {
		r := v[i+1:]
		switch {
		case strings.HasPrefix(r, "#"):
		case strings.HasPrefix(r, "amp;"), strings.HasPrefix(r, "lt;"), strings.HasPrefix(r, "gt;"),
			strings.HasPrefix(r, "quot;"), strings.HasPrefix(r, "apos;"), strings.HasPrefix(r, "nbsp;"):
		default:
			return false
		}
		j := strings.IndexByte(r, '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return true
}

// rawText reads an element whose content is text up to its end tag:
// escaped (RCDATA) or not.
func (b *builder) rawText(tagStart int, rcdata bool) error {
	s := b.src
	n := b.element("")
	if err := b.open(n, tagStart); err != nil {
		return err
	}
	start := b.pos
	for i := start; ; {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return errSlow
		}
		j += i
		k := j + 2 + len(n.Data)
		if k < len(s) && asciiEqualFold(s[j+2:k], n.Data) && (isSpace(s[k]) || s[k] == '/' || s[k] == '>') {
			content := s[start:j]
			if n.DataAtom == atom.Script && strings.Contains(content, "<!--") {
				return errSlow // script data escapes
			}
			for k < len(s) && isSpace(s[k]) {
				k++
			}
			if k == len(s) || s[k] != '>' {
				return errSlow
			}
			if content != "" {
				data := content
				if rcdata && strings.IndexByte(data, '&') >= 0 {
					data = html.UnescapeString(data)
				} else {
					data = b.str(start, j)
				}
				if n.DataAtom == atom.Textarea && data[0] == '\n' {
					data = data[1:]
				}
				if data != "" {
					t := b.newNode(html.TextNode)
					t.Data = data
					b.add(t)
					b.spans = append(b.spans, span{size: int32(len(content)), count: 1})
				}
			}
			b.pos = k + 1
			b.pop(j)
			return nil
		}
		i = j + 2
	}
}

func (b *builder) endTag() error {
	tagStart := b.pos
	b.pos += 2
	if err := b.readName(); err != nil {
		return err
	}
	b.skipSpace()
	if b.pos == len(b.src) || b.src[b.pos] != '>' {
		return errSlow
	}
	b.pos++
	if len(b.stack) == b.base {
		return errSlow // closes an element the parse did not open
	}
	p := b.top()
	if p.Namespace != "" {
		if !asciiEqualFold(p.Data, b.name) {
			return errSlow
		}
	} else if p.DataAtom != b.tag || p.Data != b.name {
		return errSlow // misnested or stray
	}
	b.pop(tagStart)
	return nil
}

// asciiEqualFold is strings.EqualFold for ASCII letters only, as the
// tokenizer compares tag names.
func asciiEqualFold(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c, d := s[i], t[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// asciiLower lower-cases the ASCII letters of s and nothing else, as the
// tokenizer does.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
