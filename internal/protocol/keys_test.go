package protocol

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestConstantsMatchClient checks that keys.go and the client's
// constants.js name the same constants with the same values.
func TestConstantsMatchClient(t *testing.T) {
	src, err := os.ReadFile("../../js/src/constants.js")
	if err != nil {
		t.Fatal(err)
	}
	js := map[string]string{}
	re := regexp.MustCompile(`(?m)^export const ([A-Z0-9_]+) = (.+);$`)
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		js[goName(m[1])] = m[2]
	}
	if len(js) < 20 {
		t.Fatalf("parsed only %d constants from constants.js: has its form changed?", len(js))
	}

	f, err := parser.ParseFile(token.NewFileSet(), "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	goConsts := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s: keys.go holds literal values only", name.Name)
				}
				goConsts[name.Name] = lit.Value
			}
		}
	}
	for name, v := range js {
		if g, ok := goConsts[name]; !ok {
			t.Errorf("constants.js has %s = %s; keys.go lacks %s", name, v, name)
		} else if g != v {
			t.Errorf("%s: keys.go says %s, constants.js says %s", name, g, v)
		}
	}
	for name, v := range goConsts {
		if _, ok := js[name]; !ok {
			t.Errorf("keys.go has %s = %s; constants.js lacks it", name, v)
		}
	}
}

var acronyms = map[string]bool{"URL": true, "NS": true, "HTML": true, "SVG": true, "XML": true, "XMLNS": true, "ID": true}

// goName spells a JavaScript constant name the Go way: KEY_URL is KeyURL.
func goName(js string) string {
	var b strings.Builder
	for _, part := range strings.Split(js, "_") {
		if acronyms[part] {
			b.WriteString(part)
		} else if part != "" {
			b.WriteString(part[:1] + strings.ToLower(part[1:]))
		}
	}
	return b.String()
}
