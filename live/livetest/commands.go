package livetest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// JS commands, interpreted on the test DOM as js/src/commands.js interprets
// them in the browser. Transitions take no time: their classes come and go
// at once and a Hide hides at once, so a test sees each command's final
// state.

// maxDepth bounds exec chains that run each other, and maxRuns the chains
// one run executes in all, exec included (commands.js).
const (
	maxDepth = 8
	maxRuns  = 1000
)

// execBudget counts the chains one run may still execute.
type execBudget struct{ runs int }

// cmdArgs is the args object of one [op, args] pair (live/js's args); its
// JSON names are protocol.Arg*.
type cmdArgs struct {
	Names      string                     `json:"names"`
	Event      string                     `json:"event"`
	Attr       string                     `json:"attr"`
	Val        json.RawMessage            `json:"val"`
	Alt        json.RawMessage            `json:"alt"`
	To         json.RawMessage            `json:"to"`
	Closest    string                     `json:"closest"`
	Inner      string                     `json:"inner"`
	Transition string                     `json:"transition"`
	In         json.RawMessage            `json:"in"`
	Out        json.RawMessage            `json:"out"`
	Display    string                     `json:"display"`
	Value      map[string]json.RawMessage `json:"value"`
	Sound      string                     `json:"sound"`
	Href       json.RawMessage            `json:"href"`
	Replace    json.RawMessage            `json:"replace"`
}

// sendFunc sends a chain's send op: the binding's values with extra over them.
type sendFunc func(name string, extra map[string]string)

// sticky is what commands changed on an element: re-applied after every
// patch of it.
type sticky struct {
	classes []onOff
	attrs   []attrVal
	display *string
}

type onOff struct {
	name string
	on   bool
}

type attrVal struct {
	name string
	val  *string // nil: removed
}

func (p *Page) record(el *html.Node) *sticky {
	s := p.sticky[el]
	if s == nil {
		s = &sticky{}
		p.sticky[el] = s
	}
	return s
}

func (s *sticky) setClass(name string, on bool) {
	for i := range s.classes {
		if s.classes[i].name == name {
			s.classes[i].on = on
			return
		}
	}
	s.classes = append(s.classes, onOff{name, on})
}

func (s *sticky) dropClass(name string) {
	s.classes = slices.DeleteFunc(s.classes, func(c onOff) bool { return c.name == name })
}

func (s *sticky) setAttr(name string, val *string) {
	for i := range s.attrs {
		if s.attrs[i].name == name {
			s.attrs[i].val = val
			return
		}
	}
	s.attrs = append(s.attrs, attrVal{name, val})
}

// restoreAll puts back what commands changed on the elements still in the
// page, and forgets the others.
func (p *Page) restoreAll() {
	for el, s := range p.sticky {
		if !inTree(p.doc, el) {
			delete(p.sticky, el)
			continue
		}
		for _, a := range s.attrs {
			if a.val == nil {
				removeAttr(el, a.name)
			} else {
				setAttr(el, a.name, *a.val)
			}
		}
		for _, c := range s.classes {
			setClass(el, c.name, c.on)
		}
		if s.display != nil {
			setStyleDisplay(el, *s.display)
		}
	}
}

// execute runs the chain held in a binding or exec attribute for el. A
// malformed chain or an op livetest does not know is an error; what the
// browser only warns about (a target that matches nothing) is logged.
func (p *Page) execute(chain string, el *html.Node, push sendFunc, depth int, budget *execBudget) {
	p.t.Helper()
	if budget.runs--; budget.runs < 0 {
		if budget.runs == -1 {
			p.warn(el, fmt.Sprintf("exec ran more than %d chains: the rest is skipped", maxRuns))
		}
		return
	}
	var cmds []json.RawMessage
	if err := json.Unmarshal([]byte(chain), &cmds); err != nil {
		p.report("%s: bad JS commands on %s (%v): %s", p.path, describe(el), err, chain)
		return
	}
	for _, raw := range cmds {
		var pair []json.RawMessage
		var op string
		var a cmdArgs
		if json.Unmarshal(raw, &pair) != nil || len(pair) == 0 || json.Unmarshal(pair[0], &op) != nil {
			p.report("%s: bad JS command on %s: %s", p.path, describe(el), raw)
			continue
		}
		if len(pair) > 1 && string(pair[1]) != "null" {
			if err := json.Unmarshal(pair[1], &a); err != nil {
				p.report("%s: bad arguments of JS command %s on %s: %v", p.path, op, describe(el), err)
				continue
			}
		}
		p.command(op, &a, el, push, depth, budget)
	}
}

func (p *Page) command(op string, a *cmdArgs, el *html.Node, push sendFunc, depth int, budget *execBudget) {
	p.t.Helper()
	switch op {
	case protocol.CmdAddClass, protocol.CmdRemoveClass, protocol.CmdToggleClass:
		for _, t := range p.targets(op, a, el) {
			p.transition(t, a, func() {
				for _, n := range strings.Fields(a.Names) {
					on := op == protocol.CmdAddClass || op == protocol.CmdToggleClass && !hasClass(t, n)
					setClass(t, n, on)
					p.record(t).setClass(n, on)
				}
			}, nil, nil)
		}
	case protocol.CmdShow, protocol.CmdHide, protocol.CmdToggle:
		for _, t := range p.targets(op, a, el) {
			if op == protocol.CmdShow || op == protocol.CmdToggle && p.css.hidden(t) {
				p.transition(t, a, func() { p.display(t, cmp(a.Display, "block")) }, nil, a.In)
			} else {
				p.transition(t, a, nil, func() { p.display(t, "none") }, a.Out)
			}
		}
	case protocol.CmdSetAttr, protocol.CmdRemoveAttr:
		var val *string
		if op == protocol.CmdSetAttr {
			v := jsString(a.Val)
			val = &v
		}
		for _, t := range p.targets(op, a, el) {
			p.setAttrSticky(t, a.Attr, val)
		}
	case protocol.CmdToggleAttr:
		if a.Attr == "" {
			p.warn(el, "toggle_attr without an attribute")
			return
		}
		on := ""
		if len(a.Val) > 0 && string(a.Val) != "null" {
			on = jsString(a.Val)
		}
		for _, t := range p.targets(op, a, el) {
			cur, has := attr(t, a.Attr)
			var val *string
			switch {
			case len(a.Alt) > 0 && string(a.Alt) != "null":
				v := on
				if has && cur == on {
					v = jsString(a.Alt)
				}
				val = &v
			case !has:
				val = &on
			}
			p.setAttrSticky(t, a.Attr, val)
		}
	case protocol.CmdFocus:
		if ts := p.targets(op, a, el); len(ts) > 0 {
			p.focusTo(ts[0])
		}
	case protocol.CmdFocusFirst:
		if ts := p.targets(op, a, el); len(ts) > 0 {
			if f := p.focusables(ts[0]); len(f) > 0 {
				p.focusTo(f[0])
			} else {
				p.warn(ts[0], "nothing focusable inside")
			}
		}
	case protocol.CmdPushFocus:
		if len(a.To) > 0 || a.Closest != "" || a.Inner != "" {
			if ts := p.targets(op, a, el); len(ts) > 0 {
				p.focusStack = append(p.focusStack, ts[0])
			}
		} else if p.focused != nil {
			p.focusStack = append(p.focusStack, p.focused)
		} else {
			// The browser remembers the body, which focus() then leaves alone.
			p.focusStack = append(p.focusStack, nil)
		}
	case protocol.CmdPopFocus:
		p.popFocus()
	case protocol.CmdDispatch:
		for _, t := range p.targets(op, a, el) {
			p.dispatched = append(p.dispatched, Dispatch{Event: a.Event, Target: describe(t), Detail: jsStrings(a.Value)})
		}
	case protocol.CmdSend:
		switch {
		case a.Event == "":
			p.warn(el, "send without an event")
		case push == nil:
			p.warn(el, fmt.Sprintf("nowhere to send %q", a.Event))
		default:
			push(a.Event, jsStrings(a.Value))
		}
	case protocol.CmdPlaySound:
		p.playSound(a.Sound)
	case protocol.CmdPatch, protocol.CmdNavigate:
		p.goCommand(op, a, el) // navigate.go
	case protocol.CmdExec:
		if depth >= maxDepth {
			p.warn(el, "exec nested too deep")
			return
		}
		for _, t := range p.targets(op, a, el) {
			if chain, ok := attr(t, a.Attr); ok {
				p.execute(chain, t, push, depth+1, budget)
			} else {
				p.warn(t, "no attribute "+a.Attr+" to exec")
			}
		}
	default:
		p.report("%s: livetest does not know the JS command %q (on %s): teach live/livetest/commands.go what js/src/commands.js does with it",
			p.path, op, describe(el))
	}
}

func cmp(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// targets returns the elements an op applies to: to (selectors matched in
// the document), closest (el's closest ancestor-or-self matching), inner
// (el's descendants matching), else el.
func (p *Page) targets(op string, a *cmdArgs, el *html.Node) []*html.Node {
	p.t.Helper()
	var sels []string
	if len(a.To) > 0 && string(a.To) != "null" {
		var one string
		if json.Unmarshal(a.To, &one) == nil {
			sels = []string{one}
		} else if json.Unmarshal(a.To, &sels) != nil {
			p.report("%s: JS command %s on %s: bad target %s", p.path, op, describe(el), a.To)
			return nil
		}
	}
	compile := func(s string) cascadia.Selector {
		sel, err := cascadia.Compile(s)
		if err != nil {
			p.report("%s: JS command %s on %s: bad selector %q: %v", p.path, op, describe(el), s, err)
			return nil
		}
		return sel
	}
	var list []*html.Node
	var what string
	switch {
	case sels != nil:
		what = strings.Join(sels, ", ")
		for _, s := range sels {
			if sel := compile(s); sel != nil {
				list = append(list, cascadia.QueryAll(p.doc, sel)...)
			}
		}
	case a.Closest != "":
		what = a.Closest
		if sel := compile(a.Closest); sel != nil {
			if c := closest(el, sel.Match); c != nil {
				list = append(list, c)
			}
		}
	case a.Inner != "":
		what = a.Inner
		if sel := compile(a.Inner); sel != nil {
			list = cascadia.QueryAll(el, sel)
		}
	default:
		return []*html.Node{el}
	}
	if len(list) == 0 {
		p.warn(el, fmt.Sprintf("JS command %s: no element matches %q", op, what))
	}
	return list
}

// transition runs fn with a's transition classes on el, then after. The
// transition takes no time in livetest: phases ([run, start, end] of an In
// or Out option) come and go at once, as the Transition classes do.
func (p *Page) transition(el *html.Node, a *cmdArgs, fn, after func(), phases json.RawMessage) {
	t := strings.Fields(a.Transition)
	var ph []json.RawMessage
	if len(phases) > 0 && json.Unmarshal(phases, &ph) == nil {
		for _, x := range ph {
			t = append(t, strings.Fields(jsString(x))...)
		}
	}
	r := p.record(el)
	for _, n := range t {
		setClass(el, n, true)
		r.setClass(n, true)
	}
	if fn != nil {
		fn()
	}
	for _, n := range t {
		r.dropClass(n)
		setClass(el, n, false)
	}
	if after != nil {
		after()
	}
}

func (p *Page) setAttrSticky(el *html.Node, name string, val *string) {
	if val == nil {
		removeAttr(el, name)
	} else {
		setAttr(el, name, *val)
	}
	p.record(el).setAttr(name, val)
}

func (p *Page) display(el *html.Node, v string) {
	setStyleDisplay(el, v)
	p.record(el).display = &v
}

// playSound plays the sound name declared by a live-sounds container of the
// root, as sound.js does: it records the templive:sound event the page
// dispatches.
func (p *Page) playSound(name string) {
	found := false
	check := func(n *html.Node) {
		spec, ok := attr(n, protocol.AttrSounds)
		if found || !ok {
			return
		}
		var decl map[string]json.RawMessage
		if json.Unmarshal([]byte(spec), &decl) != nil {
			return
		}
		if d, ok := decl[name]; ok {
			var url string
			var obj struct{ URL string }
			found = json.Unmarshal(d, &url) == nil && url != "" || json.Unmarshal(d, &obj) == nil && obj.URL != ""
		}
	}
	walk(p.root, check)
	check(p.root)
	if !found {
		p.warn(p.root, fmt.Sprintf("sound %q is not declared by any %s container; nothing played", name, protocol.AttrSounds))
		return
	}
	p.dispatched = append(p.dispatched, Dispatch{Event: protocol.EventSound, Target: "window", Detail: map[string]string{"name": name}})
}

func (p *Page) warn(el *html.Node, msg string) {
	p.t.Helper()
	p.t.Logf("livetest: %s: the browser would warn: %s, on %s", p.path, msg, describe(el))
}

// jsString is String(v) for a JSON value: a string as it is, anything
// else in its JSON spelling.
func jsString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if len(raw) == 0 {
		return "undefined"
	}
	return string(raw)
}

func jsStrings(m map[string]json.RawMessage) map[string]string {
	out := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out[k] = jsString(m[k])
	}
	return out
}
