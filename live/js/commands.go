package js

import "github.com/templive/templive/internal/protocol"

// Each command is a method, to extend a chain, and a function of the same
// name, to start one: js.Show(...) is Commands("").Show(...).

// AddClass adds the classes, separated by spaces, to the targets.
func (c Commands) AddClass(classes string, opts ...Option) Commands {
	return c.add(protocol.CmdAddClass, args{Names: classes}, opts)
}

// RemoveClass removes the classes, separated by spaces, from the targets.
func (c Commands) RemoveClass(classes string, opts ...Option) Commands {
	return c.add(protocol.CmdRemoveClass, args{Names: classes}, opts)
}

// ToggleClass adds each of the classes, separated by spaces, to the targets
// that lack it and removes it from those that have it.
func (c Commands) ToggleClass(classes string, opts ...Option) Commands {
	return c.add(protocol.CmdToggleClass, args{Names: classes}, opts)
}

// Show shows the targets by setting their CSS display (see Display), with
// the In or Transition option's classes for the Time.
func (c Commands) Show(opts ...Option) Commands {
	return c.add(protocol.CmdShow, args{}, opts)
}

// Hide hides the targets (display: none), after the Time of an Out or
// Transition option if there is one.
func (c Commands) Hide(opts ...Option) Commands {
	return c.add(protocol.CmdHide, args{}, opts)
}

// Toggle shows the targets that are hidden (their computed display is none)
// and hides the others, as Show (with In) and Hide (with Out) do.
func (c Commands) Toggle(opts ...Option) Commands {
	return c.add(protocol.CmdToggle, args{}, opts)
}

// SetAttribute sets the attribute name to value on the targets.
func (c Commands) SetAttribute(name, value string, opts ...Option) Commands {
	return c.add(protocol.CmdSetAttr, args{Attr: name, Val: &value}, opts)
}

// RemoveAttribute removes the attribute name from the targets.
func (c Commands) RemoveAttribute(name string, opts ...Option) Commands {
	return c.add(protocol.CmdRemoveAttr, args{Attr: name}, opts)
}

// ToggleAttribute toggles the attribute name on each target. With off
// empty it adds the attribute with the value on where it is missing and
// removes it where it is present: ToggleAttribute("open", "", "") opens and
// closes a <details>. With off given it never removes the attribute but
// sets off where the value is on, and on everywhere else:
// ToggleAttribute("aria-expanded", "true", "false").
func (c Commands) ToggleAttribute(name, on, off string, opts ...Option) Commands {
	a := args{Attr: name, Val: &on}
	if off != "" {
		a.Alt = &off
	}
	return c.add(protocol.CmdToggleAttr, a, opts)
}

// Focus focuses the first target.
func (c Commands) Focus(opts ...Option) Commands {
	return c.add(protocol.CmdFocus, args{}, opts)
}

// FocusFirst focuses the first focusable element inside the first target
// (a link, a button, a field, anything with tabindex ≥ 0, that is neither
// disabled nor hidden): a dialog's first field, when it opens.
func (c Commands) FocusFirst(opts ...Option) Commands {
	return c.add(protocol.CmdFocusFirst, args{}, opts)
}

// PushFocus remembers the focused element, or with a target option the
// first target, on the page's focus stack, for PopFocus to go back to: push
// the button that opens a dialog, pop when it closes.
func (c Commands) PushFocus(opts ...Option) Commands {
	return c.add(protocol.CmdPushFocus, args{}, opts)
}

// PopFocus focuses the element that the last PushFocus remembered, and
// forgets it. An element no longer in the page is skipped for the one
// before it.
func (c Commands) PopFocus() Commands {
	return c.add(protocol.CmdPopFocus, args{}, nil)
}

// Dispatch dispatches a bubbling DOM CustomEvent named event on the
// targets, its detail an object of the Value options, for the page's own
// scripts or other elements to hear.
func (c Commands) Dispatch(event string, opts ...Option) Commands {
	return c.add(protocol.CmdDispatch, args{Event: event}, opts)
}

// Send sends the server event named event to the view's HandleEvent, with
// the binding's values (live-value-* attributes, form fields, key) and the
// Value options, which win over them. It is the only command that uses the
// connection; the element that fired gets the binding's loading class until
// the view has handled the event. (Send goes to the view, as Conn.Send
// does; a push, Conn.Push, goes the other way, to the page.)
func (c Commands) Send(event string, opts ...Option) Commands {
	return c.add(protocol.CmdSend, args{Event: event}, opts)
}

// Exec runs the commands stored in attribute attr of each target, with that
// target as their own element: define a chain once on an element (a modal's
// data-close, say) and run it from many places. Chains that Exec each other
// stop at a depth of 8, and one run executes at most 1,000 chains; the
// browser warns of what it skips.
func (c Commands) Exec(attr string, opts ...Option) Commands {
	return c.add(protocol.CmdExec, args{Attr: attr}, opts)
}

// PlaySound plays the sound declared as name by a live-sounds container of
// the page, in the browser, at once: no round trip, so it starts within the
// click that asked for it, which also satisfies browsers' autoplay rules.
// Conn.PlaySound plays one later, from the server.
func (c Commands) PlaySound(name string) Commands {
	return c.add(protocol.CmdPlaySound, args{Sound: name}, nil)
}
