package live_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

func TestCommandsEncodeEveryOp(t *testing.T) {
	tests := []struct {
		name string
		cmd  live.Commands
		want string
	}{
		{"empty", live.JS(), `[]`},
		{"zero value", live.Commands(""), `[]`},
		{"add class", live.JS().AddClass("a b"), `[["add_class",{"names":"a b"}]]`},
		{"remove class", live.JS().RemoveClass("a"), `[["remove_class",{"names":"a"}]]`},
		{"toggle class", live.JS().ToggleClass("hidden", live.To("#x")), `[["toggle_class",{"names":"hidden","to":["#x"]}]]`},
		{"several selectors", live.JS().ToggleClass("hidden", live.To("#a > .t", "#a > .e")), `[["toggle_class",{"names":"hidden","to":["#a \u003e .t","#a \u003e .e"]}]]`},
		{"closest", live.JS().AddClass("open", live.Closest("li")), `[["add_class",{"names":"open","closest":"li"}]]`},
		{"inner", live.JS().AddClass("open", live.Inner(".x")), `[["add_class",{"names":"open","inner":".x"}]]`},
		{"last target wins", live.JS().AddClass("c", live.To("#a"), live.Inner(".x")), `[["add_class",{"names":"c","inner":".x"}]]`},
		{"transition", live.JS().ToggleClass("rotate-180", live.Inner(".chevron"), live.Transition("turning"), live.Time(300*time.Millisecond)),
			`[["toggle_class",{"names":"rotate-180","inner":".chevron","time":300,"transition":"turning"}]]`},
		{"negative time", live.JS().Hide(live.Time(-time.Second)), `[["hide",{}]]`},
		{"show", live.JS().Show(live.Display("flex")), `[["show",{"display":"flex"}]]`},
		{"hide", live.JS().Hide(live.To("#m")), `[["hide",{"to":["#m"]}]]`},
		{"toggle", live.JS().Toggle(), `[["toggle",{}]]`},
		{"set attribute", live.JS().SetAttribute("aria-expanded", "true"), `[["set_attr",{"attr":"aria-expanded","val":"true"}]]`},
		{"set attribute empty", live.JS().SetAttribute("open", ""), `[["set_attr",{"attr":"open","val":""}]]`},
		{"remove attribute", live.JS().RemoveAttribute("open"), `[["remove_attr",{"attr":"open"}]]`},
		{"focus", live.JS().Focus(live.To("#q")), `[["focus",{"to":["#q"]}]]`},
		{"dispatch", live.JS().Dispatch("copy", live.Value("text", "hi")), `[["dispatch",{"event":"copy","value":{"text":"hi"}}]]`},
		{"push", live.JS().Push("inc", live.Value("by", "2"), live.Value("n", "1")), `[["push",{"event":"inc","value":{"by":"2","n":"1"}}]]`},
		{"exec", live.JS().Exec("data-close", live.To("#modal")), `[["exec",{"attr":"data-close","to":["#modal"]}]]`},
		{"chain", live.JS().ToggleClass("hidden").Push("inc"), `[["toggle_class",{"names":"hidden"}],["push",{"event":"inc"}]]`},
		{"quotes", live.JS().SetAttribute("title", `"<b>"`), `[["set_attr",{"attr":"title","val":"\"\u003cb\u003e\""}]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cmd.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			var v [][2]json.RawMessage
			if err := json.Unmarshal([]byte(tt.cmd.String()), &v); err != nil {
				t.Errorf("not an array of [op, args] pairs: %v", err)
			}
		})
	}
}

// TestCommandsAreImmutable checks that a chain defined once can be extended
// in different ways, concurrently, without the extensions seeing each other.
func TestCommandsAreImmutable(t *testing.T) {
	base := live.JS().ToggleClass("hidden", live.Inner(".body"))
	want := base.String()
	var wg sync.WaitGroup
	got := make([]live.Commands, 8)
	for i := range got {
		wg.Go(func() { got[i] = base.Push(fmt.Sprint("e", i)) })
	}
	wg.Wait()
	for i, c := range got {
		if w := strings.TrimSuffix(want, "]") + fmt.Sprintf(`,["push",{"event":"e%d"}]]`, i); c.String() != w {
			t.Errorf("extension %d = %s, want %s", i, c, w)
		}
	}
	if base.String() != want {
		t.Errorf("base changed to %s", base)
	}
}

// TestCommandsInTemplAttribute checks that templ accepts a Commands value
// as an attribute expression and renders it escaped, so that the browser
// reads back the JSON exactly.
func TestCommandsInTemplAttribute(t *testing.T) {
	cmd := live.JS().ToggleClass("hidden", live.To(`#a > [data-x="1"]`)).Push("go", live.Value("q", `it's <&>`))
	// What templ generates for live-click={ cmd }.
	s, err := templ.JoinStringErrs(cmd)
	if err != nil {
		t.Fatal(err)
	}
	attr := templ.EscapeString(s)
	if strings.ContainsAny(attr, `"<>'`) {
		t.Errorf("attribute value not escaped: %s", attr)
	}
	var got, want any
	if err := json.Unmarshal([]byte(unescape(attr)), &got); err != nil {
		t.Fatalf("rendered %s: %v", attr, err)
	}
	json.Unmarshal([]byte(cmd.String()), &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("browser reads %v, want %v", got, want)
	}
}

func unescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`).Replace(s)
}

func ExampleJS() {
	// In a .templ file: <div live-click={ menu }>…</div>
	menu := live.JS().
		ToggleClass("hidden", live.To("#menu")).
		ToggleClass("rotate-180", live.Inner(".chevron"), live.Transition("turning"), live.Time(300*time.Millisecond))
	fmt.Println(menu)
	// Output:
	// [["toggle_class",{"names":"hidden","to":["#menu"]}],["toggle_class",{"names":"rotate-180","inner":".chevron","time":300,"transition":"turning"}]]
}

func ExampleCommands_Push() {
	// Close the dialog at once, in the browser, and tell the server.
	fmt.Println(live.JS().Hide(live.Closest("dialog")).Push("dismiss", live.Value("reason", "cancel")))
	// Output:
	// [["hide",{"closest":"dialog"}],["push",{"event":"dismiss","value":{"reason":"cancel"}}]]
}
