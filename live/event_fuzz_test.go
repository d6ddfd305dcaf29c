package live_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/templive/templive/internal/protocol"
	"github.com/templive/templive/live"
)

// FuzzEventValues fuzzes what a view does with a client's event: the frame
// is decoded as the server decodes it, and every Event accessor is asked
// for key. None may panic; a refusal wraps ErrBadValue; what Int and Float
// accept is what strconv makes of String.
func FuzzEventValues(f *testing.F) {
	for _, s := range [][2]string{
		{`[1,1,"set",{"n":"3"}]`, "n"},
		{`[1,1,"set",{"n":"three"}]`, "n"},
		{`[1,1,"set",{"n":[]}]`, "n"},
		{`[1,1,"set",{"n":["1","2"]}]`, "n"},
		{`[1,1,"set",{"x":1e308,"y":-0}]`, "x"},
		{`[1,1,"set",{"n":"99999999999999999999"}]`, "n"},
		{`[1,1,"save",{"agree":"on","_target":"agree"}]`, "agree"},
		{`[1,1,"save",{"agree":false}]`, "agree"},
		{`[1,1,"save"]`, "missing"},
		{`[0,{"v":1,"t":"x","u":"y","f":[["f","validate",{"query":"<b>"}]]}]`, "query"},
	} {
		f.Add([]byte(s[0]), s[1])
	}
	f.Fuzz(func(t *testing.T, frame []byte, key string) {
		m, err := protocol.Decode(frame)
		if err != nil {
			return
		}
		var events []live.Event
		switch m.Kind {
		case protocol.KindEvent:
			events = append(events, live.Event{Name: m.Event.Name, Values: m.Event.Values})
		case protocol.KindJoin:
			for _, fs := range m.Join.Forms {
				events = append(events, live.Event{Name: fs.Event, Values: fs.Values})
			}
		}
		for _, e := range events {
			s := e.Get(key)
			if n, err := e.Int(key); err != nil {
				if !errors.Is(err, live.ErrBadValue) {
					t.Fatalf("Int(%q): %v does not wrap ErrBadValue", key, err)
				}
			} else if want, _ := strconv.Atoi(s); n != want {
				t.Fatalf("Int(%q) = %d, String = %q", key, n, s)
			}
			if x, err := e.Float(key); err != nil {
				if !errors.Is(err, live.ErrBadValue) {
					t.Fatalf("Float(%q): %v does not wrap ErrBadValue", key, err)
				}
			} else if want, _ := strconv.ParseFloat(s, 64); x != want && x == x {
				t.Fatalf("Float(%q) = %v, String = %q", key, x, s)
			}
			if e.Bool(key) && (s == "" || s == "false" || s == "off" || s == "0") {
				t.Fatalf("Bool(%q) true for %q", key, s)
			}
			_ = e.Target()
		}
	})
}
