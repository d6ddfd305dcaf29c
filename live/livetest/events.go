package livetest

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// What a user does, turned into live events as js/src/events.js turns DOM
// events into them: the same bindings, found the same way, with the same
// values. Rate limits (live-debounce, live-throttle) do not apply: every
// trigger sends at once. live-disable-with is not shown.

// Click clicks the first element sel matches, as a user does: the focus
// moves to it (or to its nearest focusable ancestor, else away), every
// visible live-click-away element that does not contain it fires, then
// its nearest live-click; a checkbox or radio changes and its form's
// live-change fires; a submit button submits its form's live-submit; a
// summary opens or closes its details. A click or submit binding on an
// element with live-confirm runs only if OnConfirm's answer is yes.
// A binding's value is an event name or a JS command chain, which runs
// on the test DOM (see the package documentation).
//
// Click returns once the server has answered every event the click sent.
// It fails the test when sel matches nothing, or when nothing handles the
// click, since a browser would then do nothing at all.
func (p *Page) Click(sel string) {
	p.t.Helper()
	el := p.one("Click", sel)
	if c := closest(el, isField); c != nil && disabled(c) {
		p.t.Fatalf("livetest: Click(%q): %s is disabled: a browser sends no click\n%s", sel, describe(c), p.around(c))
	}
	p.begin()
	p.focusTo(closest(el, focusable))
	fired := false
	check := isElement(el, "input") && (fieldType(el) == "checkbox" || fieldType(el) == "radio")
	if check { // the box changes before the click's listeners run
		fired = true
		if fieldType(el) == "radio" && hasAttr(el, "checked") {
			check = false // a checked radio stays checked: no change
		} else {
			setChecked(p.doc, el, fieldType(el) == "radio" || !hasAttr(el, "checked"))
		}
	}
	for _, x := range p.bound(protocol.AttrClickAway) {
		if !contains(x, el) && p.css.visible(x) {
			p.trigger(x, protocol.AttrClickAway, attrValues(x), nil)
			fired = true
		}
	}
	if x := p.closestBound(el, protocol.AttrClick); x != nil {
		p.trigger(x, protocol.AttrClick, attrValues(x), nil)
		fired = true
	}
	// A summary opens and closes its details: the browser's own action,
	// which live-ignore-attributes="open" keeps through patches.
	if s := closest(el, func(n *html.Node) bool { return isElement(n, "summary") }); s != nil && isElement(s.Parent, "details") {
		if hasAttr(s.Parent, "open") {
			removeAttr(s.Parent, "open")
		} else {
			setAttr(s.Parent, "open", "")
		}
		fired = true
	}
	if check {
		p.changed(el)
	} else if b := closest(el, isSubmitter); b != nil {
		if form := formOf(p.doc, b); form != nil && p.ownedBound(form, protocol.AttrSubmit) {
			p.submit(form, b)
			fired = true
		}
	}
	if f := closest(el, func(n *html.Node) bool { return hasAttr(n, protocol.AttrFlash) }); f != nil && ownedBy(p.root, f) {
		p.send(protocol.NavClearFlash, map[string]any{protocol.ValueKind: attrOr(f, protocol.AttrFlash, "")}, nil, "", nil)
		fired = true
	}
	if a := p.link(el); a != nil {
		// The browser sends the click's events, then follows the link.
		p.end()
		p.follow(a)
		return
	}
	if !fired {
		p.t.Fatalf("livetest: Click(%q): nothing handles a click on %s: no %s on it or its ancestors, no %s elsewhere, no link (livetest submits no plain forms)\n%s",
			sel, describe(el), protocol.AttrClick, protocol.AttrClickAway, p.around(el))
	}
	p.end()
}

// Change types or chooses values in the form field sel matches, as a user
// does: the field gets the focus, takes the values (a text field's or
// textarea's text, a select's chosen options, for a checkbox or radio
// checked when values hold its value or "on" and unchecked when there are
// none), and its form's live-change fires with every field of the form and
// the field's name as _target. It returns once the server has answered.
//
// It fails the test when sel matches no field a user can type into or
// choose in (a disabled field, a hidden input, a button).
func (p *Page) Change(sel string, values ...string) {
	p.t.Helper()
	el := p.one("Change", sel)
	if !isField(el) {
		p.t.Fatalf("livetest: Change(%q): %s is not a form field\n%s", sel, describe(el), p.around(el))
	}
	if ok, why := typable(el); !ok {
		p.t.Fatalf("livetest: Change(%q): %s cannot be changed: %s\n%s", sel, describe(el), why, p.around(el))
	}
	if isElement(el, "select") {
		var have []string
		for _, o := range options(el) {
			have = append(have, optionValue(o))
		}
		for _, v := range values {
			if !slices.Contains(have, v) {
				p.t.Fatalf("livetest: Change(%q, %q): %s has no option %q; its options are %q", sel, values, describe(el), v, have)
			}
		}
		if len(values) > 1 && !hasAttr(el, "multiple") {
			p.t.Fatalf("livetest: Change(%q, %q): %s takes one option, not %d", sel, values, describe(el), len(values))
		}
	}
	p.begin()
	p.focusTo(el)
	p.setValue(el, values)
	p.changed(el)
	p.end()
}

// changed fires the live-change of field's form.
func (p *Page) changed(field *html.Node) {
	form := formOf(p.doc, field)
	if form == nil || !p.ownedBound(form, protocol.AttrChange) {
		return
	}
	v := p.formValues(form, nil)
	if name := attrOr(field, "name", ""); name != "" {
		v.Set(protocol.ValueTarget, name)
	}
	p.trigger(form, protocol.AttrChange, v, nil)
}

// Submit submits the form sel matches, or the form of the submit button
// it matches (the button's name and value are then sent too), to its
// live-submit, with every field of the form; it returns once the server has
// answered. It fails the test when the form has no live-submit: a browser
// would send a plain HTTP request and leave the page.
func (p *Page) Submit(sel string) {
	p.t.Helper()
	el := p.one("Submit", sel)
	form, submitter := el, (*html.Node)(nil)
	if !isElement(el, "form") {
		if !isSubmitter(el) {
			p.t.Fatalf("livetest: Submit(%q): %s is neither a form nor a submit button\n%s", sel, describe(el), p.around(el))
		}
		submitter, form = el, formOf(p.doc, el)
		if form == nil {
			p.t.Fatalf("livetest: Submit(%q): %s belongs to no form\n%s", sel, describe(el), p.around(el))
		}
	}
	if !p.ownedBound(form, protocol.AttrSubmit) {
		p.t.Fatalf("livetest: Submit(%q): %s has no %s: a browser would send it as a plain HTTP request and leave the page\n%s",
			sel, describe(form), protocol.AttrSubmit, p.around(form))
	}
	p.begin()
	p.submit(form, submitter)
	p.end()
}

func (p *Page) submit(form, submitter *html.Node) {
	p.trigger(form, protocol.AttrSubmit, p.formValues(form, submitter), form)
}

// KeyDown presses key (a KeyboardEvent.key such as "a", "Enter" or
// "Escape", optionally after modifiers: "Control+k", "Shift+Enter"; Ctrl,
// Alt, Meta and Shift are known) in the element sel matches, which gets
// the focus first if it can take it; sel "" presses it with nothing
// focused. Every live-window-keydown fires, then the nearest live-keydown
// of the element; those whose live-key names another key do not. KeyDown
// types nothing into fields and submits no form: use Change and Submit.
// It fails the test when no keydown binding exists to hear the key.
func (p *Page) KeyDown(sel, key string) {
	p.t.Helper()
	p.key("KeyDown", sel, key, protocol.AttrKeydown, protocol.AttrWindowKeydown)
}

// KeyUp releases key, as KeyDown presses it, for live-keyup and
// live-window-keyup.
func (p *Page) KeyUp(sel, key string) {
	p.t.Helper()
	p.key("KeyUp", sel, key, protocol.AttrKeyup, protocol.AttrWindowKeyup)
}

func (p *Page) key(method, sel, key, attrName, windowAttr string) {
	p.t.Helper()
	name, mods := parseKey(key)
	if name == "" {
		p.t.Fatalf("livetest: %s(%q, %q): no key", method, sel, key)
	}
	var el, x *html.Node
	if sel != "" {
		el = p.one(method, sel)
		x = p.closestBound(el, attrName)
	}
	wins := p.bound(windowAttr)
	if x == nil && len(wins) == 0 {
		where := "on the page"
		if el != nil {
			where = "on " + describe(el) + " or its ancestors"
		}
		p.t.Fatalf("livetest: %s(%q, %q): no %s %s and no %s anywhere\n%s", method, sel, key, attrName, where, windowAttr, p.around(el))
	}
	p.begin()
	if el != nil && focusable(el) {
		p.focusTo(el)
	}
	for _, w := range wins {
		if v := keyValues(w, name, mods); v != nil {
			p.trigger(w, windowAttr, v, nil)
		}
	}
	if x != nil {
		if v := keyValues(x, name, mods); v != nil {
			p.trigger(x, attrName, v, nil)
		}
	}
	p.end()
}

// parseKey splits "Control+Shift+k" into the key and the modifiers' value
// names.
func parseKey(s string) (key string, mods []string) {
	parts := strings.Split(s, "+")
	if len(parts) > 1 && parts[len(parts)-1] == "" { // "Control++" is the + key
		parts = append(parts[:len(parts)-2], "+")
	}
	for _, m := range parts[:len(parts)-1] {
		switch strings.ToLower(m) {
		case "control", "ctrl":
			mods = append(mods, protocol.ValueCtrlKey)
		case "alt", "option":
			mods = append(mods, protocol.ValueAltKey)
		case "meta", "cmd", "command":
			mods = append(mods, protocol.ValueMetaKey)
		case "shift":
			mods = append(mods, protocol.ValueShiftKey)
		default:
			return s, nil // not modifiers after all: a key name with a +
		}
	}
	return parts[len(parts)-1], mods
}

// keyValues are a key binding's values, or nil when its live-key names
// another key (case-insensitively).
func keyValues(el *html.Node, key string, mods []string) url.Values {
	if want, ok := attr(el, protocol.AttrKey); ok && want != "" && !strings.EqualFold(want, key) {
		return nil
	}
	v := attrValues(el)
	v.Set(protocol.ValueKey, key)
	for _, m := range mods {
		v.Set(m, "true")
	}
	return v
}

// Focus gives the element sel matches the focus, as a user does by
// clicking or tabbing: the element that had it fires its live-blur, sel
// fires its live-focus. Focus("") focuses the window: every
// live-window-focus fires. It returns once the server has answered.
func (p *Page) Focus(sel string) {
	p.t.Helper()
	p.begin()
	if sel == "" {
		p.windowFocus(protocol.AttrWindowFocus)
	} else {
		el := p.one("Focus", sel)
		if !focusable(el) {
			p.t.Fatalf("livetest: Focus(%q): %s cannot take the focus (not a field, button or link, no tabindex)\n%s", sel, describe(el), p.around(el))
		}
		p.focusTo(el)
	}
	p.end()
}

// Blur takes the focus away from the element sel matches, which must have
// it (Focus, Change and Click give it): it fires its live-blur. Blur("")
// blurs the window: every live-window-blur fires.
func (p *Page) Blur(sel string) {
	p.t.Helper()
	p.begin()
	if sel == "" {
		p.windowFocus(protocol.AttrWindowBlur)
	} else {
		el := p.one("Blur", sel)
		if p.focused != el {
			p.t.Fatalf("livetest: Blur(%q): %s does not have the focus (%s has it)", sel, describe(el), describe(p.focused))
		}
		p.focusTo(nil)
	}
	p.end()
}

func (p *Page) windowFocus(attrName string) {
	for _, x := range p.bound(attrName) {
		p.trigger(x, attrName, attrValues(x), nil)
	}
}

// focusTo moves the focus to el (nil: to nothing), firing live-blur on the
// element that loses it and live-focus on el.
func (p *Page) focusTo(el *html.Node) {
	if el == p.focused {
		return
	}
	old := p.focused
	p.focused = el
	if old != nil && inTree(p.doc, old) && p.ownedBound(old, protocol.AttrBlur) {
		p.trigger(old, protocol.AttrBlur, attrValues(old), nil)
	}
	if el != nil && p.ownedBound(el, protocol.AttrFocus) {
		p.trigger(el, protocol.AttrFocus, attrValues(el), nil)
	}
}

// Hook sends the event a live-hook's pushEvent(event, payload) sends from
// the element sel matches (which must have a live-hook), and returns the
// view's answer (Conn.Reply, as JSON with its HTML escapes undone, like
// [Push.Payload]), or nil when it gave none. payload's values
// must be strings, numbers, booleans, nil or slices of them, as in the
// browser.
func (p *Page) Hook(sel, event string, payload map[string]any) json.RawMessage {
	p.t.Helper()
	el := p.one("Hook", sel)
	if !hasAttr(el, protocol.AttrHook) {
		p.t.Fatalf("livetest: Hook(%q, %q): %s has no %s\n%s", sel, event, describe(el), protocol.AttrHook, p.around(el))
	}
	for k, v := range payload {
		if !flat(v) {
			p.t.Fatalf("livetest: Hook(%q, %q): value %q must be a string, number, boolean, nil or a slice of them, as pushEvent requires", sel, event, k)
		}
	}
	p.begin()
	e := p.send(event, payload, el, "", nil)
	p.end()
	return e.answer
}

func flat(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, json.Number:
		return true
	case []string, []int, []float64, []bool:
		return true
	case []any:
		for _, x := range v {
			if !flat(x) {
				return false
			}
			if _, ok := x.([]any); ok {
				return false
			}
		}
		return true
	}
	return false
}

// begin starts a user action: the events it sends are awaited by end.
func (p *Page) begin() { p.action = p.action[:0] }

// end waits for the answers to the action's events.
func (p *Page) end() {
	p.t.Helper()
	events := p.action
	p.action = nil
	p.settle(events)
	p.navigated()
}

// trigger runs el's binding attrName with the binding's values: a JS
// command chain, whose send ops send events, or an event name, sent at once.
// form is the form of a submit.
func (p *Page) trigger(el *html.Node, attrName string, values url.Values, form *html.Node) {
	p.t.Helper()
	if !p.confirmed(el, attrName) {
		return
	}
	a := strings.TrimSpace(attrOr(el, attrName, ""))
	send := func(name string, extra map[string]string) {
		v := maps.Clone(values)
		if v == nil {
			v = url.Values{}
		}
		for k, x := range extra {
			v.Set(k, x)
		}
		p.send(name, valuesJSON(v), el, attrName+protocol.LoadingSuffix, form)
	}
	switch {
	case strings.HasPrefix(a, "["):
		p.execute(a, el, send, 0, &execBudget{runs: maxRuns})
	case a != "":
		send(a, nil)
	}
}

// attrValues collects live-value-* attributes: live-value-n="3" gives n=3.
func attrValues(el *html.Node) url.Values {
	v := url.Values{}
	for _, a := range el.Attr {
		if a.Namespace == "" && strings.HasPrefix(a.Key, protocol.AttrValuePrefix) {
			v.Set(a.Key[len(protocol.AttrValuePrefix):], a.Val)
		}
	}
	return v
}

// bound returns the elements of the root with binding attrName.
func (p *Page) bound(attrName string) []*html.Node {
	var out []*html.Node
	walk(p.root, func(n *html.Node) {
		if hasAttr(n, attrName) && !inTemplate(n) && ownedBy(p.root, n) {
			out = append(out, n)
		}
	})
	return out
}

// closestBound returns el or its nearest ancestor with binding attrName,
// if it belongs to the root.
func (p *Page) closestBound(el *html.Node, attrName string) *html.Node {
	x := closest(el, func(n *html.Node) bool { return hasAttr(n, attrName) })
	if x == nil || !ownedBy(p.root, x) {
		return nil
	}
	return x
}

func (p *Page) ownedBound(el *html.Node, attrName string) bool {
	return hasAttr(el, attrName) && ownedBy(p.root, el)
}
