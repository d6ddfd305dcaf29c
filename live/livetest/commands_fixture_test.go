package livetest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// commandFixture is one file of testdata/commands, which
// js/test/command-fixtures.test.js runs with the browser client.
type commandFixture struct {
	Style   string
	HTML    string
	Focus   string
	Steps   []struct{ El, Chain json.RawMessage }
	Want    string
	Sent    [][2]json.RawMessage
	Focused *string
}

// TestCommandFixtures runs the shared fixtures on the Go runner: what the
// page shows, the events sent and the focus must be what the client gives.
func TestCommandFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/commands/*.json")
	if len(files) < 5 {
		t.Fatalf("only %d fixtures in testdata/commands", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var fx commandFixture
			if err := json.Unmarshal(raw, &fx); err != nil {
				t.Fatal(err)
			}
			p := fixturePage(t, fx.Style, fx.HTML)
			if fx.Focus != "" {
				p.focusTo(p.query(t, fx.Focus))
			}
			var sent [][2]any
			for _, s := range fx.Steps {
				var sel string
				json.Unmarshal(s.El, &sel)
				p.execute(string(s.Chain), p.query(t, sel), func(name string, v map[string]string) {
					sent = append(sent, [2]any{name, v})
				}, 0, &execBudget{runs: maxRuns})
			}
			want, err := html.ParseFragment(strings.NewReader(fx.Want), p.root)
			if err != nil {
				t.Fatal(err)
			}
			box := &html.Node{Type: html.ElementNode, Data: "div"}
			for _, n := range want {
				box.AppendChild(n)
			}
			if got, w := canon(p.root), canon(box); got != w {
				t.Errorf("page\n got %s\nwant %s", got, w)
			}
			var wantSent [][2]any
			for _, s := range fx.Sent {
				var name string
				var v map[string]string
				json.Unmarshal(s[0], &name)
				json.Unmarshal(s[1], &v)
				wantSent = append(wantSent, [2]any{name, v})
			}
			if !reflect.DeepEqual(sent, wantSent) {
				t.Errorf("sent %v, want %v", sent, wantSent)
			}
			var wantFocus *html.Node
			if fx.Focused != nil {
				wantFocus = p.query(t, *fx.Focused)
			}
			if p.focused != wantFocus {
				t.Errorf("focus on %s, want %s", describe(p.focused), describe(wantFocus))
			}
		})
	}
}

// fixturePage is a Page without a server: its DOM is body's content in a
// live root, with the display rules of style.
func fixturePage(t *testing.T, style, body string) *Page {
	doc, err := html.Parse(strings.NewReader("<!doctype html><html><head><style>" + style + "</style></head><body><div live-root>" + body + "</div></body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	p := &Page{t: t, path: "/fixture", doc: doc, css: newSheet(), sticky: map[*html.Node]*sticky{},
		typed: map[*html.Node]string{}, mounted: map[*html.Node]bool{}, removed: map[*html.Node]bool{}}
	p.root = cascadia.Query(doc, cascadia.MustCompile("[live-root]"))
	p.css.add(style, 1)
	return p
}

func (p *Page) query(t *testing.T, sel string) *html.Node {
	t.Helper()
	n := cascadia.Query(p.doc, cascadia.MustCompile(sel))
	if n == nil {
		t.Fatalf("no element %s", sel)
	}
	return n
}

// canon serializes n's children as command-fixtures.test.js does:
// attributes sorted, class names sorted, style declarations sorted, empty
// class and style dropped.
func canon(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			b.WriteString(html.EscapeString(c.Data))
		case html.ElementNode:
			var attrs []string
			for _, a := range c.Attr {
				v := a.Val
				switch a.Key {
				case "class":
					f := strings.Fields(v)
					slices.Sort(f)
					v = strings.Join(f, " ")
				case "style":
					var ds []string
					for _, d := range strings.Split(v, ";") {
						k, x, _ := strings.Cut(d, ":")
						if d = strings.TrimSpace(k) + ": " + strings.TrimSpace(x); strings.TrimSpace(k) != "" {
							ds = append(ds, d)
						}
					}
					slices.Sort(ds)
					v = strings.Join(ds, "; ")
				}
				if (a.Key == "class" || a.Key == "style") && v == "" {
					continue
				}
				attrs = append(attrs, a.Key+`="`+strings.NewReplacer("&", "&amp;", `"`, "&quot;").Replace(v)+`"`)
			}
			slices.Sort(attrs)
			b.WriteString("<" + c.Data)
			for _, a := range attrs {
				b.WriteString(" " + a)
			}
			b.WriteString(">")
			switch c.Data {
			case "area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr":
			default:
				b.WriteString(canon(c) + "</" + c.Data + ">")
			}
		}
	}
	return b.String()
}

// TestNewCommandsBadInput: malformed args of the newer ops are warnings in
// the browser, so they neither fail a test nor change the page.
func TestNewCommandsBadInput(t *testing.T) {
	const page = `<button id="b">b</button><div id="d" class="k">d</div>`
	for _, chain := range []string{
		`[["toggle_attr",{}]]`,
		`[["toggle_attr",{"attr":""}]]`,
		`[["show",{"to":"#d","in":"not a list"}],["hide",{"to":"#d","out":[1,null,{}]}],["show",{"to":"#d"}]]`,
		`[["pop_focus",{}],["pop_focus"]]`,
		`[["focus_first",{"to":"#none"}],["focus_first",{"to":"#d"}]]`,
		`[["push_focus",{"to":"#none"}],["pop_focus",{}]]`,
	} {
		p := fixturePage(t, "", page)
		p.execute(chain, p.query(t, "#b"), nil, 0, &execBudget{runs: maxRuns})
		if got := canon(p.root); got != `<button id="b">b</button><div class="k" id="d" style="display: block">d</div>` &&
			got != `<button id="b">b</button><div class="k" id="d">d</div>` {
			t.Errorf("%s changed the page to %s", chain, got)
		}
		if p.focused != nil {
			t.Errorf("%s focused %s", chain, describe(p.focused))
		}
	}
}
