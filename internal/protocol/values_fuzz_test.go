package protocol

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzValues fuzzes the decoding of an event's values, the part of a frame
// that carries what the user typed into a form. Whatever the input, the
// decoder must not panic, must refuse with ErrMalformed, and what it
// accepts must survive a round trip through JSON unchanged and decode the
// same way inside a whole event frame.
func FuzzValues(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"query":"hi","_target":"query"}`,
		`{"tags":["a","b"],"on":true,"n":3,"x":-1.5e3,"z":null}`,
		`{"a":[]}`,
		`{"a":"1","a":"2"}`,
		`{"k":"\u0000\ud800\u2028<img src=x onerror=alert(1)>"}`,
		`{"a":{"b":1}}`,
		`{"a":[[1]]}`,
		`{"a":[{"b":1}]}`,
		` { "a" : [ "x" , 1 , false , null ] } `,
		`{"n":123456789012345678901234567890}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, err := decodeValues(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if vals == nil {
			t.Fatal("accepted values are nil")
		}
		if len(vals) > MaxValues {
			t.Fatalf("accepted %d keys, limit %d", len(vals), MaxValues)
		}
		for k, v := range vals {
			if len(v) > MaxMultiple {
				t.Fatalf("accepted %d values under %q, limit %d", len(v), k, MaxMultiple)
			}
			for _, s := range v {
				if !utf8.ValidString(s) {
					t.Fatalf("value %q under %q is not UTF-8", s, k)
				}
			}
		}
		enc, err := json.Marshal(map[string][]string(vals))
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeValues(enc)
		if err != nil {
			t.Fatalf("decodeValues(%s), re-encoded from %q: %v", enc, data, err)
		}
		if !reflect.DeepEqual(vals, again) {
			t.Fatalf("round trip changed the values:\n got %q\nwant %q", again, vals)
		}
		if !utf8.Valid(data) {
			return // Decode refuses the frame as a whole
		}
		frame := append(append([]byte(`[1,1,"e",`), data...), ']')
		m, err := Decode(frame)
		if err != nil {
			t.Fatalf("Decode(%q) refused values decodeValues accepts: %v", frame, err)
		}
		if !reflect.DeepEqual(m.Event.Values, vals) {
			t.Fatalf("Decode(%q) values %q, want %q", frame, m.Event.Values, vals)
		}
	})
}
