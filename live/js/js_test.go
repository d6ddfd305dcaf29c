package js_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/internal/protocol"
	"github.com/templive/templive/live/js"
)

func TestCommandsEncodeEveryOp(t *testing.T) {
	tests := []struct {
		name string
		cmd  js.Commands
		want string
	}{
		{"zero value", js.Commands(""), `[]`},
		{"add class", js.AddClass("a b"), `[["add_class",{"names":"a b"}]]`},
		{"remove class", js.RemoveClass("a"), `[["remove_class",{"names":"a"}]]`},
		{"toggle class", js.ToggleClass("hidden", js.To("#x")), `[["toggle_class",{"names":"hidden","to":["#x"]}]]`},
		{"several selectors", js.ToggleClass("hidden", js.To("#a > .t", "#a > .e")), `[["toggle_class",{"names":"hidden","to":["#a \u003e .t","#a \u003e .e"]}]]`},
		{"closest", js.AddClass("open", js.Closest("li")), `[["add_class",{"names":"open","closest":"li"}]]`},
		{"inner", js.AddClass("open", js.Inner(".x")), `[["add_class",{"names":"open","inner":".x"}]]`},
		{"last target wins", js.AddClass("c", js.To("#a"), js.Inner(".x")), `[["add_class",{"names":"c","inner":".x"}]]`},
		{"transition", js.ToggleClass("rotate-180", js.Inner(".chevron"), js.Transition("turning"), js.Time(300*time.Millisecond)),
			`[["toggle_class",{"names":"rotate-180","inner":".chevron","time":300,"transition":"turning"}]]`},
		{"negative time", js.Hide(js.Time(-time.Second)), `[["hide",{}]]`},
		{"show", js.Show(js.Display("flex")), `[["show",{"display":"flex"}]]`},
		{"hide", js.Hide(js.To("#m")), `[["hide",{"to":["#m"]}]]`},
		{"toggle", js.Toggle(), `[["toggle",{}]]`},
		{"set attribute", js.SetAttribute("aria-expanded", "true"), `[["set_attr",{"attr":"aria-expanded","val":"true"}]]`},
		{"set attribute empty", js.SetAttribute("open", ""), `[["set_attr",{"attr":"open","val":""}]]`},
		{"remove attribute", js.RemoveAttribute("open"), `[["remove_attr",{"attr":"open"}]]`},
		{"focus", js.Focus(js.To("#q")), `[["focus",{"to":["#q"]}]]`},
		{"dispatch", js.Dispatch("copy", js.Value("text", "hi")), `[["dispatch",{"event":"copy","value":{"text":"hi"}}]]`},
		{"toggle attribute", js.ToggleAttribute("open", "", ""), `[["toggle_attr",{"attr":"open","val":""}]]`},
		{"toggle attribute values", js.ToggleAttribute("aria-expanded", "true", "false", js.To("#b")), `[["toggle_attr",{"attr":"aria-expanded","val":"true","alt":"false","to":["#b"]}]]`},
		{"focus first", js.FocusFirst(js.To("#dlg")), `[["focus_first",{"to":["#dlg"]}]]`},
		{"push focus", js.PushFocus(), `[["push_focus",{}]]`},
		{"push focus to", js.PushFocus(js.To("#open")), `[["push_focus",{"to":["#open"]}]]`},
		{"pop focus", js.PopFocus(), `[["pop_focus",{}]]`},
		{"show in", js.Show(js.In("fade", "o-0", "o-100"), js.Time(150*time.Millisecond)), `[["show",{"time":150,"in":["fade","o-0","o-100"]}]]`},
		{"hide out", js.Hide(js.Out("fade", "o-100", "o-0")), `[["hide",{"out":["fade","o-100","o-0"]}]]`},
		{"play sound", js.PlaySound("ding"), `[["play_sound",{"sound":"ding"}]]`},
		{"send", js.Send("inc", js.Value("by", "2"), js.Value("n", "1")), `[["send",{"event":"inc","value":{"by":"2","n":"1"}}]]`},
		{"exec", js.Exec("data-close", js.To("#modal")), `[["exec",{"attr":"data-close","to":["#modal"]}]]`},
		{"chain", js.ToggleClass("hidden").Send("inc"), `[["toggle_class",{"names":"hidden"}],["send",{"event":"inc"}]]`},
		{"patch", js.Patch("/shop?tab=2"), `[["patch",{"href":"/shop?tab=2"}]]`},
		{"patch replace", js.Patch("/shop?tab=2", js.Replace()), `[["patch",{"href":"/shop?tab=2","replace":true}]]`},
		{"navigate", js.Hide(js.To("#dlg")).Navigate("/modal"), `[["hide",{"to":["#dlg"]}],["navigate",{"href":"/modal"}]]`},
		{"quotes", js.SetAttribute("title", `"<b>"`), `[["set_attr",{"attr":"title","val":"\"\u003cb\u003e\""}]]`},
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
	base := js.ToggleClass("hidden", js.Inner(".body"))
	want := base.String()
	var wg sync.WaitGroup
	got := make([]js.Commands, 8)
	for i := range got {
		wg.Go(func() { got[i] = base.Send(fmt.Sprint("e", i)) })
	}
	wg.Wait()
	for i, c := range got {
		if w := strings.TrimSuffix(want, "]") + fmt.Sprintf(`,["send",{"event":"e%d"}]]`, i); c.String() != w {
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
	cmd := js.ToggleClass("hidden", js.To(`#a > [data-x="1"]`)).Send("go", js.Value("q", `it's <&>`))
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

// TestArgKeysAreProtocols checks that every args key the chains use is one
// of internal/protocol's Arg* names, which js/src/constants.js mirrors.
func TestArgKeysAreProtocols(t *testing.T) {
	keys := map[string]bool{}
	for _, k := range []string{protocol.ArgNames, protocol.ArgEvent, protocol.ArgAttr, protocol.ArgVal, protocol.ArgAlt,
		protocol.ArgTo, protocol.ArgClosest, protocol.ArgInner, protocol.ArgTime, protocol.ArgTransition,
		protocol.ArgIn, protocol.ArgOut, protocol.ArgDisplay, protocol.ArgValue, protocol.ArgSound,
		protocol.ArgHref, protocol.ArgReplace} {
		keys[k] = true
	}
	all := js.AddClass("a", js.To("#x"), js.Time(time.Second), js.Transition("t"), js.In("a", "b", "c"), js.Out("a", "b", "c"), js.Display("flex")).
		AddClass("a", js.Closest("li")).AddClass("a", js.Inner("li")).
		ToggleAttribute("a", "1", "2").Send("e", js.Value("k", "v")).PlaySound("s").Patch("/p", js.Replace())
	var pairs [][2]json.RawMessage
	if err := json.Unmarshal([]byte(all.String()), &pairs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range pairs {
		var a map[string]json.RawMessage
		json.Unmarshal(p[1], &a)
		for k := range a {
			seen[k] = true
			if !keys[k] {
				t.Errorf("args key %q is not a protocol.Arg* constant", k)
			}
		}
	}
	for k := range keys {
		if !seen[k] && k != protocol.ArgEvent {
			t.Errorf("protocol key %q never produced: is the test missing an option?", k)
		}
	}
}

func unescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`).Replace(s)
}

func Example() {
	// In a .templ file: <div live-click={ menu }>…</div>
	menu := js.
		ToggleClass("hidden", js.To("#menu")).
		ToggleClass("rotate-180", js.Inner(".chevron"), js.Transition("turning"), js.Time(300*time.Millisecond))
	fmt.Println(menu)
	// Output:
	// [["toggle_class",{"names":"hidden","to":["#menu"]}],["toggle_class",{"names":"rotate-180","inner":".chevron","time":300,"transition":"turning"}]]
}

func ExampleSend() {
	// Close the dialog at once, in the browser, and tell the server.
	fmt.Println(js.Hide(js.Closest("dialog")).Send("dismiss", js.Value("reason", "cancel")))
	// Output:
	// [["hide",{"closest":"dialog"}],["send",{"event":"dismiss","value":{"reason":"cancel"}}]]
}

func ExampleToggleAttribute() {
	// A disclosure button: aria-expanded swaps, the panel shows or hides.
	fmt.Println(js.ToggleAttribute("aria-expanded", "true", "false").Toggle(js.To("#panel")))
	// Output:
	// [["toggle_attr",{"attr":"aria-expanded","val":"true","alt":"false"}],["toggle",{"to":["#panel"]}]]
}

func ExamplePushFocus() {
	// Open a dialog: remember the opener, fade the dialog in, focus its
	// first field; closing it gives the focus back.
	open := js.PushFocus().
		Show(js.To("#dlg"), js.In("fading", "faded", "opaque"), js.Time(150*time.Millisecond)).
		FocusFirst(js.To("#dlg"))
	closeIt := js.Hide(js.To("#dlg"), js.Out("fading", "opaque", "faded")).PopFocus()
	fmt.Println(open)
	fmt.Println(closeIt)
	// Output:
	// [["push_focus",{}],["show",{"to":["#dlg"],"time":150,"in":["fading","faded","opaque"]}],["focus_first",{"to":["#dlg"]}]]
	// [["hide",{"to":["#dlg"],"out":["fading","opaque","faded"]}],["pop_focus",{}]]
}

func ExamplePatch() {
	// A tab bar of buttons: the URL follows the tab, the view's
	// HandleParams renders it, and back does not step through every tab.
	fmt.Println(js.Patch("/shop?tab=reviews", js.Replace()))
	// Output:
	// [["patch",{"href":"/shop?tab=reviews","replace":true}]]
}

func ExampleNavigate() {
	// A table row that opens the item's page over the open connection.
	fmt.Println(js.Navigate("/todos/42"))
	// Output:
	// [["navigate",{"href":"/todos/42"}]]
}
