package live

import (
	"fmt"
	"net/url"
	"strconv"
)

// An Event is a browser event bound to a view with a live-* attribute, for
// example live-click="inc". Values holds the element's live-value-*
// attributes, or a form's fields for live-change and live-submit.
type Event struct {
	Name   string
	Values url.Values
}

// Get returns the first value for key, or "" if there is none, as
// [url.Values.Get] does.
func (e Event) Get(key string) string { return e.Values.Get(key) }

// Int returns the value for key as an int. A missing or malformed value
// gives an error wrapping ErrBadValue that names the event and the key.
func (e Event) Int(key string) (int, error) {
	s, err := e.need(key)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, e.bad(key, "want an integer, got %q", s)
	}
	return n, nil
}

// Float returns the value for key as a float64, with errors as Int.
func (e Event) Float(key string) (float64, error) {
	s, err := e.need(key)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, e.bad(key, "want a number, got %q", s)
	}
	return f, nil
}

// Bool reports whether key is present with a value other than "", "false",
// "off" or "0": an HTML checkbox is sent as "on" when checked and not at
// all otherwise.
func (e Event) Bool(key string) bool {
	switch s, ok := e.Values[key]; {
	case !ok || len(s) == 0:
		return false
	default:
		switch s[0] {
		case "", "false", "off", "0":
			return false
		}
		return true
	}
}

// Target returns the name of the form field whose change fired a
// live-change event, or "".
func (e Event) Target() string { return e.Values.Get("_target") }

func (e Event) need(key string) (string, error) {
	v, ok := e.Values[key]
	if !ok || len(v) == 0 {
		return "", e.bad(key, "missing")
	}
	return v[0], nil
}

func (e Event) bad(key, format string, args ...any) error {
	return fmt.Errorf("%w: event %q: %q: %s", ErrBadValue, e.Name, key, fmt.Sprintf(format, args...))
}
