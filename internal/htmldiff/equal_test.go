package htmldiff

import (
	"strings"
	"testing"
)

func TestEqual(t *testing.T) {
	tests := []struct {
		name, a, b string
		where      string // "" when equal; else a substring of the report
	}{
		{"same", `<p class="x">a<!--c--></p>`, `<p class="x">a<!--c--></p>`, ""},
		{"attribute order does not matter", `<p a="1" b="2"></p>`, `<p b="2" a="1"></p>`, ""},
		{"text", `<p>a</p><p>b</p>`, `<p>a</p><p>c</p>`, `at [1 0]: data "b" vs "c"`},
		{"tag", `<p>a</p>`, `<div>a</div>`, `at [0]: <p> vs <div>`},
		{"namespace", `<svg><a></a></svg>`, `<a></a>`, `at [0]: <svg svg> vs <a>`},
		{"foreign element", `<svg><title>t</title></svg>`, `<svg><desc>t</desc></svg>`, `at [0 0]: <svg title> vs <svg desc>`},
		{"attribute value", `<p a="1"></p>`, `<p a="2"></p>`, `attribute a: "1" vs "2"`},
		{"missing attribute", `<p></p>`, `<p a=""></p>`, `missing attribute a`},
		{"extra attribute", `<p a="" b=""></p>`, `<p a=""></p>`, `unexpected attribute b`},
		{"namespaced attribute", `<svg><use xlink:href="#a"></use></svg>`, `<svg><use href="#a"></use></svg>`, `unexpected attribute xlink:href`},
		{"comment vs text", `<!--a-->`, `a`, `at [0]: comment "a" vs text "a"`},
		{"missing child", `<p>a</p>`, `<p>a</p><p></p>`, `at [1]: missing <p>`},
		{"extra child", `<p>a<b></b></p>`, `<p>a</p>`, `at [0 1]: unexpected <b>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, where := Equal(mustParse(t, tt.a), mustParse(t, tt.b))
			if ok != (tt.where == "") {
				t.Fatalf("Equal(%q, %q) = %v, %q", tt.a, tt.b, ok, where)
			}
			if !strings.Contains(where, tt.where) {
				t.Errorf("Equal(%q, %q) reports %q, want it to contain %q", tt.a, tt.b, where, tt.where)
			}
		})
	}
}
