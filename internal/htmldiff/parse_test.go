package htmldiff

import "testing"

// Parse must build what a browser builds for div.innerHTML = src.
func TestParseLikeInnerHTML(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"plain", `<p>a</p>b`, `<p>a</p>b`},
		{"table parts outside a table are dropped", `<td>x</td><tr>y</tr>`, `xy`},
		{"implied tbody", `<table><tr><td>1</td></tr></table>`, `<table><tbody><tr><td>1</td></tr></tbody></table>`},
		{"stray end tags", `a</div></p>b`, `a<p></p>b`},
		{"no html or body", `<html><body><p>x</p></body></html>`, `<p>x</p>`},
		{"doctype ignored", `<!DOCTYPE html><i>i</i>`, `<i>i</i>`},
		{"rcdata", `<title><b>t</b></title><textarea><i></textarea>`, `<title>&lt;b&gt;t&lt;/b&gt;</title><textarea>&lt;i&gt;</textarea>`},
		{"foreign content", `<svg viewbox="0 0 1 1"><foreignobject><p>x</p></foreignobject></svg>`, `<svg viewBox="0 0 1 1"><foreignObject><p>x</p></foreignObject></svg>`},
		{"empty", ``, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := mustParse(t, tt.src)
			if root.Data != "div" || root.Parent != nil {
				t.Fatalf("root is <%s> with parent %v, want a detached <div>", root.Data, root.Parent)
			}
			got, err := InnerHTML(root)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("InnerHTML(Parse(%q)) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}
