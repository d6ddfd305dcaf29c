package livetest

import (
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// The test DOM knows no layout, but JS commands (toggle) and live-click-away
// ask whether an element is displayed, which a stylesheet decides as often
// as an inline style does: .hidden { display: none }. So a page reads the
// display declarations of its stylesheets (<style> elements and same-origin
// <link rel="stylesheet">) and cascades them: !important, then the inline
// style, then specificity, then source order. Media queries, other
// properties, inheritance and pseudo-classes the selector engine does not
// know are ignored.

// A displayRule is one selector of a rule that declares display.
type displayRule struct {
	sel       cascadia.Sel
	spec      cascadia.Specificity
	order     int
	value     string
	important bool
}

// A sheet holds a page's display rules, the browser's defaults first.
type sheet struct{ rules []displayRule }

// uaCSS is the part of the browser's own stylesheet that hides elements.
const uaCSS = `[hidden], head, script, style, template, title, meta, link, datalist, noscript { display: none }`

func newSheet() *sheet {
	s := &sheet{}
	s.add(uaCSS, -1<<20) // below any author rule
	return s
}

// add parses css and adds its display rules. base orders them among the
// rules of other sheets.
func (s *sheet) add(css string, base int) {
	css = stripComments(css)
	order := base
	for len(css) > 0 {
		open := strings.IndexByte(css, '{')
		if open < 0 {
			return
		}
		prelude := strings.TrimSpace(css[:open])
		end := matchBrace(css, open)
		body := css[open+1 : end]
		if end < len(css) {
			css = css[end+1:]
		} else {
			css = ""
		}
		if strings.HasPrefix(prelude, "@") {
			// An at-rule's prelude may hold a statement before it
			// (@import ...;): keep what follows the last ';'.
			continue
		}
		if i := strings.LastIndexByte(prelude, ';'); i >= 0 {
			prelude = strings.TrimSpace(prelude[i+1:])
		}
		value, important, ok := displayDecl(body)
		if !ok {
			continue
		}
		for _, text := range splitTop(prelude, ',') {
			sel, err := cascadia.Parse(strings.TrimSpace(text))
			if err != nil || sel.PseudoElement() != "" {
				continue
			}
			order++
			s.rules = append(s.rules, displayRule{sel, sel.Specificity(), order, value, important})
		}
	}
}

// display returns n's computed display, as far as the sheet and n's inline
// style tell.
func (s *sheet) display(n *html.Node) string {
	var best *displayRule
	for i := range s.rules {
		if r := &s.rules[i]; r.sel.Match(n) && (best == nil || r.beats(best)) {
			best = r
		}
	}
	if best != nil && best.important && !best.ua() {
		return best.value
	}
	if v, ok := styleDisplay(n); ok {
		return v
	}
	if best != nil {
		return best.value
	}
	return "initial"
}

// ua reports whether r is one of the browser's own rules.
func (r *displayRule) ua() bool { return r.order < 0 }

// beats reports whether r wins over o in the cascade: importance, origin,
// specificity, then source order.
func (r *displayRule) beats(o *displayRule) bool {
	switch {
	case r.important != o.important:
		return r.important
	case r.ua() != o.ua():
		return o.ua()
	case r.spec != o.spec:
		return o.spec.Less(r.spec)
	}
	return r.order > o.order
}

// hidden reports whether n's computed display is none.
func (s *sheet) hidden(n *html.Node) bool { return s.display(n) == "none" }

// visible reports whether n is rendered: neither it nor an ancestor has
// display none.
func (s *sheet) visible(n *html.Node) bool {
	for ; n != nil && n.Type == html.ElementNode; n = n.Parent {
		if s.hidden(n) {
			return false
		}
	}
	return true
}

func displayDecl(body string) (value string, important, ok bool) {
	for _, d := range splitTop(body, ';') {
		k, v, found := strings.Cut(d, ":")
		if !found || !strings.EqualFold(strings.TrimSpace(k), "display") {
			continue
		}
		v = strings.TrimSpace(v)
		if i := strings.Index(v, "!"); i >= 0 {
			important = strings.EqualFold(strings.TrimSpace(v[i+1:]), "important")
			v = strings.TrimSpace(v[:i])
		}
		value, ok = strings.ToLower(v), v != "" // the last declaration wins
	}
	return value, important, ok
}

func stripComments(css string) string {
	var b strings.Builder
	for {
		i := strings.Index(css, "/*")
		if i < 0 {
			b.WriteString(css)
			return b.String()
		}
		b.WriteString(css[:i])
		j := strings.Index(css[i+2:], "*/")
		if j < 0 {
			return b.String()
		}
		css = css[i+2+j+2:]
	}
}

// matchBrace returns the index of the '}' that closes the '{' at open, or
// len(s).
func matchBrace(s string, open int) int {
	depth := 0
	var quote byte
	for i := open; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s)
}

// splitTop splits s at sep where it is outside quotes, parentheses and
// brackets.
func splitTop(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == sep && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
