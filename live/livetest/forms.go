package livetest

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// Forms as js/src/forms.js reads and fills them, on the test DOM, where a
// field's value is its value attribute (an option's selected attribute, a
// checkbox's checked attribute). A textarea's text is its default value,
// as in the browser: what a user types in it is kept apart (Page.typed),
// so that the server's patches of its text apply as they do in a browser.

// formOf returns the form that field belongs to: its form attribute's, or
// its nearest form ancestor.
func formOf(doc, field *html.Node) *html.Node {
	if id, ok := attr(field, "form"); ok {
		f := byID(doc, id)
		if isElement(f, "form") {
			return f
		}
		return nil
	}
	return closest(field.Parent, func(n *html.Node) bool { return isElement(n, "form") })
}

func byID(doc *html.Node, id string) *html.Node {
	var found *html.Node
	walk(doc, func(n *html.Node) {
		if found == nil && attrOr(n, "id", "\x00") == id && !inTemplate(n) {
			found = n
		}
	})
	return found
}

func inTemplate(n *html.Node) bool {
	return closest(n.Parent, func(a *html.Node) bool { return isElement(a, "template") }) != nil
}

// isField reports whether n is a form-associated control.
func isField(n *html.Node) bool {
	if n.Type != html.ElementNode || n.Namespace != "" {
		return false
	}
	switch n.Data {
	case "input", "select", "textarea", "button":
		return true
	}
	return false
}

// elements returns form's controls in tree order: its descendants and the
// fields elsewhere whose form attribute names it (form.elements).
func elements(doc, form *html.Node) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if isField(n) && !inTemplate(n) && formOf(doc, n) == form {
			out = append(out, n)
		}
	})
	return out
}

// fieldType returns an input's type, lower case, "text" by default.
func fieldType(n *html.Node) string {
	if !isElement(n, "input") {
		return n.Data
	}
	t := strings.ToLower(attrOr(n, "type", "text"))
	if t == "" {
		return "text"
	}
	return t
}

func disabled(n *html.Node) bool {
	if hasAttr(n, "disabled") {
		return true
	}
	// A disabled fieldset disables its fields but those in its first legend.
	for a := n.Parent; a != nil; a = a.Parent {
		if isElement(a, "fieldset") && hasAttr(a, "disabled") {
			return true
		}
	}
	return false
}

// isSubmitter reports whether n submits its form when clicked.
func isSubmitter(n *html.Node) bool {
	switch {
	case isElement(n, "button"):
		t := strings.ToLower(attrOr(n, "type", "submit"))
		return t == "submit" || t == ""
	case isElement(n, "input"):
		t := fieldType(n)
		return t == "submit" || t == "image"
	}
	return false
}

func options(sel *html.Node) []*html.Node {
	var out []*html.Node
	walk(sel, func(n *html.Node) {
		if isElement(n, "option") {
			out = append(out, n)
		}
	})
	return out
}

var spaces = regexp.MustCompile(`[ \t\n\f\r]+`)

func optionValue(o *html.Node) string {
	if v, ok := attr(o, "value"); ok {
		return v
	}
	return strings.TrimSpace(spaces.ReplaceAllString(textContent(o), " "))
}

// selected returns the values of a select's selected options. A single
// select with none selected has its first enabled option selected, as a
// browser shows it.
func selected(sel *html.Node) []string {
	var out []string
	opts := options(sel)
	for _, o := range opts {
		if hasAttr(o, "selected") {
			out = append(out, optionValue(o))
			if !hasAttr(sel, "multiple") {
				break
			}
		}
	}
	if len(out) == 0 && !hasAttr(sel, "multiple") {
		for _, o := range opts {
			if !hasAttr(o, "disabled") {
				return []string{optionValue(o)}
			}
		}
	}
	return out
}

// formValues returns the values a form sends (FormData): its enabled,
// named fields; checkboxes and radios only when checked; buttons only as
// the submitter.
func (p *Page) formValues(form, submitter *html.Node) url.Values {
	v := url.Values{}
	for _, f := range elements(p.doc, form) {
		name, _ := attr(f, "name")
		if name == "" || disabled(f) {
			continue
		}
		switch t := fieldType(f); t {
		case "select":
			for _, s := range selected(f) {
				v.Add(name, s)
			}
		case "textarea":
			v.Add(name, p.textarea(f))
		case "checkbox", "radio":
			if hasAttr(f, "checked") {
				v.Add(name, attrOr(f, "value", "on"))
			}
		case "button", "submit", "image", "reset":
			if f == submitter && isSubmitter(f) {
				v.Add(name, attrOr(f, "value", ""))
			}
		case "file":
		default:
			v.Add(name, attrOr(f, "value", ""))
		}
	}
	return v
}

// valuesJSON turns values into the object an event frame carries: a name
// that occurs once is a string, more often an array.
func valuesJSON(v url.Values) map[string]any {
	out := make(map[string]any, len(v))
	for k, vs := range v {
		if len(vs) == 1 {
			out[k] = vs[0]
		} else {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// typable reports whether a user can type or choose a value in f, and if
// not, why.
func typable(f *html.Node) (bool, string) {
	if disabled(f) {
		return false, "it is disabled"
	}
	switch fieldType(f) {
	case "hidden", "submit", "image", "reset", "button", "file":
		return false, "a user cannot type into an input of type " + fieldType(f)
	}
	if isElement(f, "button") {
		return false, "it is a button"
	}
	return true, ""
}

// setValue sets field f to vals as a user would: the text of a text field
// or textarea, the chosen options of a select, checked or not for a
// checkbox or radio (checked when vals holds its value, or "on").
func (p *Page) setValue(f *html.Node, vals []string) {
	switch t := fieldType(f); t {
	case "select":
		multiple := hasAttr(f, "multiple")
		picked := false
		for _, o := range options(f) {
			on := slices.Contains(vals, optionValue(o)) && (multiple || !picked)
			picked = picked || on
			setBoolAttr(o, "selected", on)
		}
	case "textarea":
		p.typed[f] = strings.Join(vals, "")
	case "checkbox", "radio":
		on := len(vals) > 0 && (slices.Contains(vals, attrOr(f, "value", "on")) || vals[0] == "on")
		setChecked(p.doc, f, on)
	default:
		setAttr(f, "value", strings.Join(vals, ""))
	}
}

// setChecked checks or unchecks a checkbox or radio; checking a radio
// unchecks the others of its group.
func setChecked(doc, f *html.Node, on bool) {
	setBoolAttr(f, "checked", on)
	if !on || fieldType(f) != "radio" {
		return
	}
	name := attrOr(f, "name", "")
	form := formOf(doc, f)
	walk(doc, func(n *html.Node) {
		if n != f && fieldType(n) == "radio" && isElement(n, "input") && name != "" &&
			attrOr(n, "name", "") == name && formOf(doc, n) == form {
			removeAttr(n, "checked")
		}
	})
}

// hasLiveValue reports whether f's value is the user's (patch.js): a
// server patch does not overwrite it while f has the focus.
func hasLiveValue(f *html.Node) bool {
	switch fieldType(f) {
	case "textarea", "select":
		return true
	case "checkbox", "radio", "hidden", "submit", "reset", "button", "image", "file":
		return false
	}
	return isElement(f, "input")
}

// textarea returns a textarea's value: what the user typed, else its text
// (its default value), as in the browser.
func (p *Page) textarea(f *html.Node) string {
	if v, ok := p.typed[f]; ok {
		return v
	}
	return textContent(f)
}

// readValue returns what hasLiveValue protects.
func (p *Page) readValue(f *html.Node) []string {
	switch fieldType(f) {
	case "textarea":
		return []string{p.textarea(f)}
	case "select":
		return selected(f)
	}
	return []string{attrOr(f, "value", "")}
}

// A savedForm is a recoverable form: [formId, event, values, component?].
type savedForm struct {
	id, event string
	values    url.Values
	target    string // the component its events go to (component.go)
}

// recoverableForms returns the forms of the root that a join carries
// (collectRecoverableForms): those with an id and a live-change, the event
// being live-auto-recover's if set; "ignore" opts out.
func (p *Page) recoverableForms() []savedForm {
	root := p.root
	var out []savedForm
	walk(root, func(f *html.Node) {
		if !isElement(f, "form") || !hasAttr(f, "id") || !hasAttr(f, protocol.AttrChange) || inTemplate(f) || !ownedBy(root, f) {
			return
		}
		event := attrOr(f, protocol.AttrAutoRecover, "")
		if event == "" {
			event = attrOr(f, protocol.AttrChange, "")
		}
		if event == protocol.AutoRecoverIgnore {
			return
		}
		out = append(out, savedForm{attrOr(f, "id", ""), event, p.formValues(f, nil), p.targetOf(f)})
	})
	return out
}

// fillForm sets form's fields to values (fillForm in forms.js): by name,
// and by position among fields of the same name; hidden fields, buttons,
// files and disabled fields keep what the server rendered.
func (p *Page) fillForm(form *html.Node, values url.Values) {
	seen := map[string]int{}
	for _, f := range elements(p.doc, form) {
		name := attrOr(f, "name", "")
		if name == "" || disabled(f) {
			continue
		}
		v := values[name]
		switch t := fieldType(f); t {
		case "hidden", "submit", "reset", "button", "image", "file":
		case "select":
			p.setValue(f, v)
		case "checkbox", "radio":
			setBoolAttr(f, "checked", slices.Contains(v, attrOr(f, "value", "on")))
		default:
			i := seen[name]
			seen[name] = i + 1
			if i < len(v) {
				p.setValue(f, v[i:i+1])
			}
		}
	}
}

// ownedBy reports whether n belongs to root and not to a live root nested
// in it.
func ownedBy(root, n *html.Node) bool {
	return closest(n, func(a *html.Node) bool { return hasAttr(a, protocol.AttrRoot) }) == root
}
