package js

// The functions below start a chain with one command; each is the method
// of the same name on the empty chain.

// AddClass starts a chain with Commands.AddClass.
func AddClass(classes string, opts ...Option) Commands {
	return Commands("").AddClass(classes, opts...)
}

// RemoveClass starts a chain with Commands.RemoveClass.
func RemoveClass(classes string, opts ...Option) Commands {
	return Commands("").RemoveClass(classes, opts...)
}

// ToggleClass starts a chain with Commands.ToggleClass.
func ToggleClass(classes string, opts ...Option) Commands {
	return Commands("").ToggleClass(classes, opts...)
}

// Show starts a chain with Commands.Show.
func Show(opts ...Option) Commands { return Commands("").Show(opts...) }

// Hide starts a chain with Commands.Hide.
func Hide(opts ...Option) Commands { return Commands("").Hide(opts...) }

// Toggle starts a chain with Commands.Toggle.
func Toggle(opts ...Option) Commands { return Commands("").Toggle(opts...) }

// SetAttribute starts a chain with Commands.SetAttribute.
func SetAttribute(name, value string, opts ...Option) Commands {
	return Commands("").SetAttribute(name, value, opts...)
}

// RemoveAttribute starts a chain with Commands.RemoveAttribute.
func RemoveAttribute(name string, opts ...Option) Commands {
	return Commands("").RemoveAttribute(name, opts...)
}

// ToggleAttribute starts a chain with Commands.ToggleAttribute.
func ToggleAttribute(name, on, off string, opts ...Option) Commands {
	return Commands("").ToggleAttribute(name, on, off, opts...)
}

// Focus starts a chain with Commands.Focus.
func Focus(opts ...Option) Commands { return Commands("").Focus(opts...) }

// FocusFirst starts a chain with Commands.FocusFirst.
func FocusFirst(opts ...Option) Commands { return Commands("").FocusFirst(opts...) }

// PushFocus starts a chain with Commands.PushFocus.
func PushFocus(opts ...Option) Commands { return Commands("").PushFocus(opts...) }

// PopFocus starts a chain with Commands.PopFocus.
func PopFocus() Commands { return Commands("").PopFocus() }

// Dispatch starts a chain with Commands.Dispatch.
func Dispatch(event string, opts ...Option) Commands { return Commands("").Dispatch(event, opts...) }

// Send starts a chain with Commands.Send.
func Send(event string, opts ...Option) Commands { return Commands("").Send(event, opts...) }

// Exec starts a chain with Commands.Exec.
func Exec(attr string, opts ...Option) Commands { return Commands("").Exec(attr, opts...) }

// PlaySound starts a chain with Commands.PlaySound.
func PlaySound(name string) Commands { return Commands("").PlaySound(name) }
