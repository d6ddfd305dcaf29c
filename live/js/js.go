// Package js builds JS commands: chains of changes to the page that the
// browser makes by itself when a live-* binding fires, without a round trip
// to the server, such as toggling a class or showing an element. Start a
// chain with any command and put it where an event name would go:
//
//	<div live-click={ js.ToggleClass("hidden", js.To("#menu")) }>
//
// Commands run in order. A chain sends a server event only through Send, and
// goes to another URL only through Patch and Navigate, so a chain without
// them uses no connection. What commands change on an
// element (classes, attributes, display) is sticky: it survives later
// patches of that element.
//
// A chain is an immutable string of JSON data that the client interprets:
// no script is generated, so a strict Content-Security-Policy holds. Each
// method returns a new chain, so a chain may be defined once, in a
// package-level variable, and extended or reused from any goroutine.
package js

import (
	"encoding/json"
	"time"
)

// Commands is a chain of JS commands. The zero value is the empty chain. In
// a templ.Attributes map, which templ renders only for plain strings, use
// its String method.
type Commands string

// String returns the chain as the JSON that the client reads: an array of
// [op, args] pairs. templ calls it to render a Commands attribute value.
func (c Commands) String() string {
	if c == "" {
		return "[]"
	}
	return string(c)
}

// An Option refines one command: which elements it applies to (To,
// Closest, Inner; by default the element whose binding fired), and how
// (Time, Transition, In, Out, Display, Value). An option that means nothing
// to a command is ignored; of several target options, the last counts.
type Option func(*args)

// To targets the elements matching any of the CSS selectors, anywhere in
// the document.
func To(selectors ...string) Option {
	return func(a *args) { a.target(); a.To = selectors }
}

// Closest targets the closest ancestor of the element, or the element
// itself, that matches the CSS selector.
func Closest(selector string) Option {
	return func(a *args) { a.target(); a.Closest = selector }
}

// Inner targets the descendants of the element that match the CSS
// selector: a list item can address its own children without ids.
func Inner(selector string) Option {
	return func(a *args) { a.target(); a.Inner = selector }
}

// Time sets how long a transition lasts (default 200ms when Transition, In
// or Out is given). Hide hides its targets when the time is up.
func Time(d time.Duration) Option {
	return func(a *args) { a.Time = max(0, d.Milliseconds()) }
}

// Transition names classes, separated by spaces, that a command puts on its
// targets for the duration of its Time, for CSS transitions or animations.
func Transition(classes string) Option {
	return func(a *args) { a.Transition = classes }
}

// In gives Show, and Toggle when it shows, a three-phase transition, each
// argument classes separated by spaces: run stays on for the Time, start is
// on as the element appears and is swapped for end at once after, so that
// CSS transitions from start to end. In("transition-opacity", "opacity-0",
// "opacity-100") fades in.
func In(run, start, end string) Option {
	return func(a *args) { a.In = []string{run, start, end} }
}

// Out is In for Hide, and Toggle when it hides: the element is hidden when
// the Time is up, after CSS transitioned it from start to end.
func Out(run, start, end string) Option {
	return func(a *args) { a.Out = []string{run, start, end} }
}

// Display sets the CSS display value that Show and Toggle give shown
// elements (default "block").
func Display(value string) Option {
	return func(a *args) { a.Display = value }
}

// Value adds a value to Send's event (the view reads it from Event.Values,
// alongside the binding's own values) or to Dispatch's event detail.
func Value(key, value string) Option {
	return func(a *args) {
		if a.Value == nil {
			a.Value = map[string]string{}
		}
		a.Value[key] = value
	}
}

// args is the args object of one [op, args] pair. Its JSON names are the
// client's (protocol.Arg*, js/src/constants.js); TestArgKeysAreProtocols
// checks the tags.
type args struct {
	Names      string            `json:"names,omitempty"`
	Event      string            `json:"event,omitempty"`
	Attr       string            `json:"attr,omitempty"`
	Val        *string           `json:"val,omitempty"`
	Alt        *string           `json:"alt,omitempty"`
	To         []string          `json:"to,omitempty"`
	Closest    string            `json:"closest,omitempty"`
	Inner      string            `json:"inner,omitempty"`
	Time       int64             `json:"time,omitempty"`
	Transition string            `json:"transition,omitempty"`
	In         []string          `json:"in,omitempty"`
	Out        []string          `json:"out,omitempty"`
	Display    string            `json:"display,omitempty"`
	Value      map[string]string `json:"value,omitempty"`
	Sound      string            `json:"sound,omitempty"`
	Href       string            `json:"href,omitempty"`
	Replace    bool              `json:"replace,omitempty"`
}

func (a *args) target() { a.To, a.Closest, a.Inner = nil, "", "" }

// add returns c with the op appended.
func (c Commands) add(op string, a args, opts []Option) Commands {
	for _, o := range opts {
		o(&a)
	}
	// A struct of strings, ints and a map of strings always marshals.
	b, _ := json.Marshal([]any{op, a})
	if c == "" {
		return Commands("[" + string(b) + "]")
	}
	return c[:len(c)-1] + "," + Commands(b) + "]"
}
