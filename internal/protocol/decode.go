package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"unicode/utf8"
)

// ErrMalformed is wrapped by every error Decode returns for input that is
// not a valid client frame.
var ErrMalformed = errors.New("malformed frame")

// Limits that bound what one frame may hold, beyond the transport's byte
// limit. They keep a hostile client from making the server allocate much per
// byte sent.
const (
	MaxValues    = 1024 // distinct keys in one event's values
	MaxMultiple  = 1024 // values under one key
	MaxForms     = 64   // forms recovered in one join
	MaxNameBytes = 256  // an event or form name
)

// Values are an event's values: each key maps to one or more strings.
type Values = url.Values

// FormState is a form the client asks the server to recover after a rejoin:
// its id, the event to send its values to, and the values.
type FormState struct {
	ID     string
	Event  string
	Values Values
	// Component is the id of the stateful component the form's events go
	// to (live-target), or "" for the view.
	Component string
}

// Join is the first frame of every connection.
type Join struct {
	Version int
	Token   string
	URL     string
	Applied uint64 // patch-carrying frames the page applied since it loaded
	Forms   []FormState
	// Skipped says why each form entry that was not well formed (an id
	// that is not a string, values that do not decode) was left out of
	// Forms: one bad form must not cost the page its join.
	Skipped []string
}

// Event is a client event bound to a view.
type Event struct {
	Ref    uint64
	Name   string
	Values Values
	// Component is the id of the stateful component the event is for
	// (live-target), or "" for the view itself.
	Component string
}

// Message is one decoded client frame. Kind says which field is set.
type Message struct {
	Kind     int
	Join     *Join
	Event    *Event
	Upload   *Upload   // KindUpload (upload.go)
	Progress *Progress // KindProgress
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// Decode parses one client frame. It never panics; any input that is not a
// well-formed frame of a known kind returns an error wrapping ErrMalformed
// that says what is wrong.
func Decode(data []byte) (Message, error) {
	if len(data) == 3 && data[0] == '[' && data[2] == ']' && (data[1] == '0'+KindHeartbeat || data[1] == '0'+KindResync) {
		return Message{Kind: int(data[1] - '0')}, nil // every idle page's, every 30 s: no JSON decoder
	}
	if !utf8.Valid(data) {
		return Message{}, malformed("not UTF-8")
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(data, &parts); err != nil {
		return Message{}, malformed("not a JSON array: %v", err)
	}
	if len(parts) == 0 {
		return Message{}, malformed("empty array")
	}
	kind, err := decodeUint(parts[0], "kind")
	if err != nil {
		return Message{}, err
	}
	switch kind {
	case KindJoin:
		if len(parts) != 2 {
			return Message{}, malformed("join: want 2 elements, got %d", len(parts))
		}
		j, err := decodeJoin(parts[1])
		if err != nil {
			return Message{}, err
		}
		return Message{Kind: KindJoin, Join: j}, nil
	case KindEvent:
		if len(parts) < 3 || len(parts) > 5 {
			return Message{}, malformed("event: want 3 to 5 elements, got %d", len(parts))
		}
		ref, err := decodeUint(parts[1], "event ref")
		if err != nil {
			return Message{}, err
		}
		if ref == 0 {
			return Message{}, malformed("event ref must be positive")
		}
		var name string
		if err := json.Unmarshal(parts[2], &name); err != nil || !isString(parts[2]) {
			return Message{}, malformed("event name: want a string")
		}
		if name == "" || len(name) > MaxNameBytes {
			return Message{}, malformed("event name: want 1 to %d bytes", MaxNameBytes)
		}
		e := &Event{Ref: ref, Name: name}
		if len(parts) >= 4 {
			if e.Values, err = decodeValues(parts[3]); err != nil {
				return Message{}, err
			}
		}
		if len(parts) == 5 {
			if json.Unmarshal(parts[4], &e.Component) != nil || !isString(parts[4]) {
				return Message{}, malformed("event component: want a string")
			}
			if e.Component == "" || len(e.Component) > MaxNameBytes {
				return Message{}, malformed("event component: want 1 to %d bytes", MaxNameBytes)
			}
		}
		return Message{Kind: KindEvent, Event: e}, nil
	case KindUpload:
		return decodeUpload(parts)
	case KindProgress:
		return decodeProgress(parts)
	case KindHeartbeat, KindResync:
		if len(parts) != 1 {
			return Message{}, malformed("kind %d: want 1 element, got %d", kind, len(parts))
		}
		return Message{Kind: int(kind)}, nil
	}
	return Message{}, malformed("unknown kind %d", kind)
}

// maxSafeInt is the largest integer a JavaScript number holds exactly.
const maxSafeInt = 1<<53 - 1

func isString(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '"'
}

func decodeUint(raw json.RawMessage, what string) (uint64, error) {
	raw = bytes.TrimSpace(raw)
	n, err := strconv.ParseUint(string(raw), 10, 64)
	if err != nil || n > maxSafeInt {
		return 0, malformed("%s: want a non-negative integer below 2^53, got %.20q", what, raw)
	}
	return n, nil
}

func decodeJoin(raw json.RawMessage) (*Join, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, malformed("join: want an object")
	}
	j := &Join{}
	v, ok := obj[KeyVersion]
	if !ok {
		return nil, malformed("join: no protocol version")
	}
	ver, err := decodeUint(v, "join version")
	if err != nil {
		return nil, err
	}
	j.Version = int(ver)
	if err := decodeString(obj, KeyToken, &j.Token); err != nil {
		return nil, err
	}
	if err := decodeString(obj, KeyURL, &j.URL); err != nil {
		return nil, err
	}
	if n, ok := obj[KeyApplied]; ok {
		if j.Applied, err = decodeUint(n, "join applied count"); err != nil {
			return nil, err
		}
	}
	if f, ok := obj[KeyForms]; ok {
		var forms []json.RawMessage
		if err := json.Unmarshal(f, &forms); err != nil {
			return nil, malformed("join forms: want an array")
		}
		if len(forms) > MaxForms {
			return nil, malformed("join forms: more than %d", MaxForms)
		}
		for i, fr := range forms {
			fs, err := decodeForm(fr)
			if err != nil {
				j.Skipped = append(j.Skipped, fmt.Sprintf("form %d: %v", i, err))
				continue
			}
			j.Forms = append(j.Forms, fs)
		}
	}
	return j, nil
}

// decodeForm decodes one [id, event, values] entry of a join's forms.
func decodeForm(raw json.RawMessage) (fs FormState, err error) {
	var triple []json.RawMessage
	if err := json.Unmarshal(raw, &triple); err != nil || len(triple) != 3 && len(triple) != 4 {
		return fs, malformed("join form: want [id, event, values, component?]")
	}
	if json.Unmarshal(triple[0], &fs.ID) != nil || !isString(triple[0]) ||
		json.Unmarshal(triple[1], &fs.Event) != nil || !isString(triple[1]) {
		return fs, malformed("join form: id and event must be strings")
	}
	if fs.Event == "" || len(fs.Event) > MaxNameBytes || len(fs.ID) > MaxNameBytes {
		return fs, malformed("join form: bad id or event name")
	}
	if fs.Values, err = decodeValues(triple[2]); err != nil {
		return fs, err
	}
	if len(triple) == 4 {
		if json.Unmarshal(triple[3], &fs.Component) != nil || !isString(triple[3]) ||
			fs.Component == "" || len(fs.Component) > MaxNameBytes {
			return fs, malformed("join form: component: want 1 to %d bytes", MaxNameBytes)
		}
	}
	return fs, nil
}

func decodeString(obj map[string]json.RawMessage, key string, dst *string) error {
	raw, ok := obj[key]
	if !ok {
		return malformed("join: missing %q", key)
	}
	if !isString(raw) || json.Unmarshal(raw, dst) != nil {
		return malformed("join: %q must be a string", key)
	}
	return nil
}

// decodeValues accepts an object whose values are strings or arrays of
// strings. Numbers and booleans are accepted too and kept in their JSON
// spelling, since hooks may push them; anything nested deeper is refused.
func decodeValues(raw json.RawMessage) (Values, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, malformed("values: want an object")
	}
	if len(obj) > MaxValues {
		return nil, malformed("values: more than %d keys", MaxValues)
	}
	vals := make(Values, len(obj))
	for k, v := range obj {
		v = bytes.TrimSpace(v)
		if len(v) > 0 && v[0] == '[' {
			var list []json.RawMessage
			if err := json.Unmarshal(v, &list); err != nil {
				return nil, malformed("values[%q]: %v", k, err)
			}
			if len(list) > MaxMultiple {
				return nil, malformed("values[%q]: more than %d entries", k, MaxMultiple)
			}
			ss := make([]string, 0, len(list))
			for _, item := range list {
				s, err := scalar(item)
				if err != nil {
					return nil, malformed("values[%q]: %v", k, err)
				}
				ss = append(ss, s)
			}
			vals[k] = ss
			continue
		}
		s, err := scalar(v)
		if err != nil {
			return nil, malformed("values[%q]: %v", k, err)
		}
		vals[k] = []string{s}
	}
	return vals, nil
}

func scalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", errors.New("empty")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case '{', '[':
		return "", errors.New("want a string, a number, a boolean or null")
	case 'n':
		return "", nil
	}
	return string(raw), nil // number or boolean, valid per json.Unmarshal above
}
