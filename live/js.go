package live

import (
	"encoding/json"
	"time"
)

// Commands is a chain of JS commands: changes to the page that the browser
// makes by itself when a live-* binding fires, without a round trip to the
// server, such as toggling a class or showing an element. Build one with JS
// and put it where an event name would go:
//
//	<div live-click={ live.JS().ToggleClass("hidden", live.To("#menu")) }>
//
// Commands run in order. A chain sends a server event only through Push, so
// a chain without Push sends nothing over the connection. What commands
// change on an element (classes, attributes, display) is sticky: it survives
// later patches of that element.
//
// A Commands value is an immutable string of JSON data that the client
// interprets (no script is generated, so a strict Content-Security-Policy
// holds). Each method returns a new chain, so one chain may be defined once,
// for example in a package-level variable, and extended or reused freely
// from any goroutine. The zero value is the empty chain. In a
// templ.Attributes map, which templ renders only for plain strings, use
// the chain's String method.
type Commands string

// JS returns the empty chain of commands, to build on.
func JS() Commands { return "" }

// String returns the chain as the JSON that the client reads: an array of
// [op, args] pairs. templ calls it to render a Commands attribute value.
func (c Commands) String() string {
	if c == "" {
		return "[]"
	}
	return string(c)
}

// A CommandOption refines one command: which elements it applies to (To,
// Closest, Inner; by default the element whose binding fired), and how
// (Time, Transition, Display, Value). An option that means nothing to a
// command is ignored; of several target options, the last counts.
type CommandOption func(*command)

// To targets the elements matching any of the CSS selectors, anywhere in
// the document.
func To(selectors ...string) CommandOption {
	return func(c *command) { c.target(); c.To = selectors }
}

// Closest targets the closest ancestor of the element, or the element
// itself, that matches the CSS selector.
func Closest(selector string) CommandOption {
	return func(c *command) { c.target(); c.Closest = selector }
}

// Inner targets the descendants of the element that match the CSS
// selector: a list item can address its own children without ids.
func Inner(selector string) CommandOption {
	return func(c *command) { c.target(); c.Inner = selector }
}

// Time sets how long a transition lasts (default 200ms when Transition is
// given). Hide hides its targets when the time is up.
func Time(d time.Duration) CommandOption {
	return func(c *command) { c.Time = max(0, d.Milliseconds()) }
}

// Transition names classes, separated by spaces, that a command puts on its
// targets for the duration of its Time, for CSS transitions or animations.
func Transition(classes string) CommandOption {
	return func(c *command) { c.Transition = classes }
}

// Display sets the CSS display value that Show and Toggle give shown
// elements (default "block").
func Display(value string) CommandOption {
	return func(c *command) { c.Display = value }
}

// Value adds a value to Push's event (the view reads it from Event.Values,
// alongside the binding's own values) or to Dispatch's event detail.
func Value(key, value string) CommandOption {
	return func(c *command) {
		if c.Value == nil {
			c.Value = map[string]string{}
		}
		c.Value[key] = value
	}
}

// command is the args object of one [op, args] pair; its JSON names are the
// client's (js/src/commands.js).
type command struct {
	Names      string            `json:"names,omitempty"`
	Event      string            `json:"event,omitempty"`
	Attr       string            `json:"attr,omitempty"`
	Val        *string           `json:"val,omitempty"`
	To         []string          `json:"to,omitempty"`
	Closest    string            `json:"closest,omitempty"`
	Inner      string            `json:"inner,omitempty"`
	Time       int64             `json:"time,omitempty"`
	Transition string            `json:"transition,omitempty"`
	Display    string            `json:"display,omitempty"`
	Value      map[string]string `json:"value,omitempty"`
	Sound      string            `json:"sound,omitempty"`
}

func (c *command) target() { c.To, c.Closest, c.Inner = nil, "", "" }

// add returns c with the op appended. New ops (for other features of
// package live) are a method that calls add.
func (c Commands) add(op string, args command, opts []CommandOption) Commands {
	for _, o := range opts {
		o(&args)
	}
	// A struct of strings, ints and a map of strings always marshals.
	b, _ := json.Marshal([]any{op, args})
	if c == "" {
		return Commands("[" + string(b) + "]")
	}
	return c[:len(c)-1] + "," + Commands(b) + "]"
}

// AddClass adds the classes, separated by spaces, to the targets.
func (c Commands) AddClass(classes string, opts ...CommandOption) Commands {
	return c.add("add_class", command{Names: classes}, opts)
}

// RemoveClass removes the classes, separated by spaces, from the targets.
func (c Commands) RemoveClass(classes string, opts ...CommandOption) Commands {
	return c.add("remove_class", command{Names: classes}, opts)
}

// ToggleClass adds each of the classes, separated by spaces, to the targets
// that lack it and removes it from those that have it.
func (c Commands) ToggleClass(classes string, opts ...CommandOption) Commands {
	return c.add("toggle_class", command{Names: classes}, opts)
}

// Show shows the targets by setting their CSS display (see Display).
func (c Commands) Show(opts ...CommandOption) Commands {
	return c.add("show", command{}, opts)
}

// Hide hides the targets (display: none), after the Time of a Transition if
// there is one.
func (c Commands) Hide(opts ...CommandOption) Commands {
	return c.add("hide", command{}, opts)
}

// Toggle shows the targets that are hidden (their computed display is none)
// and hides the others, as Show and Hide do.
func (c Commands) Toggle(opts ...CommandOption) Commands {
	return c.add("toggle", command{}, opts)
}

// SetAttribute sets the attribute name to value on the targets.
func (c Commands) SetAttribute(name, value string, opts ...CommandOption) Commands {
	return c.add("set_attr", command{Attr: name, Val: &value}, opts)
}

// RemoveAttribute removes the attribute name from the targets.
func (c Commands) RemoveAttribute(name string, opts ...CommandOption) Commands {
	return c.add("remove_attr", command{Attr: name}, opts)
}

// Focus focuses the first target.
func (c Commands) Focus(opts ...CommandOption) Commands {
	return c.add("focus", command{}, opts)
}

// Dispatch dispatches a bubbling DOM CustomEvent named event on the
// targets, its detail an object of the Value options, for the page's own
// scripts or other elements to hear.
func (c Commands) Dispatch(event string, opts ...CommandOption) Commands {
	return c.add("dispatch", command{Event: event}, opts)
}

// Push sends the server event named event to the view, with the binding's
// values (live-value-* attributes, form fields, key) and the Value options,
// which win over them. It is the only command that uses the connection; the
// element that fired gets the binding's loading class until the view has
// handled the event.
func (c Commands) Push(event string, opts ...CommandOption) Commands {
	return c.add("push", command{Event: event}, opts)
}

// Exec runs the commands stored in attribute attr of each target, with that
// target as their own element: define a chain once on an element (a modal's
// data-close, say) and run it from many places. Chains that Exec each other
// stop at a depth of 8, and one run executes at most 1,000 chains; the
// browser warns of what it skips.
func (c Commands) Exec(attr string, opts ...CommandOption) Commands {
	return c.add("exec", command{Attr: attr}, opts)
}

// PlaySound plays the sound declared as name by a live-sounds container of
// the page, in the browser, at once: no round trip, so it starts within the
// click that asked for it, which also satisfies browsers' autoplay rules. A
// view chooses the name as it renders, from its state. Conn.PlaySound plays
// one later, from the server. See the package documentation, Sound.
func (c Commands) PlaySound(name string) Commands {
	return c.add("play_sound", command{Sound: name}, nil)
}
