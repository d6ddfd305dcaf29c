package protocol

import (
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Message
	}{
		{"click", `[1,3,"inc"]`, Message{Kind: KindEvent, Event: &Event{Ref: 3, Name: "inc"}}},
		{"values", `[1,4,"set",{"n":"3","tags":["a","b"],"on":true,"x":1.5,"z":null}]`,
			Message{Kind: KindEvent, Event: &Event{Ref: 4, Name: "set", Values: Values{
				"n": {"3"}, "tags": {"a", "b"}, "on": {"true"}, "x": {"1.5"}, "z": {""},
			}}}},
		{"component", `[1,5,"add",{},"cart-1"]`, Message{Kind: KindEvent, Event: &Event{Ref: 5, Name: "add", Values: Values{}, Component: "cart-1"}}},
		{"join component form", `[0,{"v":1,"t":"tok","u":"u","f":[["f","note",{},"cart-1"]]}]`,
			Message{Kind: KindJoin, Join: &Join{Version: 1, Token: "tok", URL: "u",
				Forms: []FormState{{ID: "f", Event: "note", Values: Values{}, Component: "cart-1"}}}}},
		{"heartbeat", `[2]`, Message{Kind: KindHeartbeat}},
		{"resync", ` [ 3 ] `, Message{Kind: KindResync}},
		{"join", `[0,{"v":1,"t":"tok","u":"http://x/counter","n":7,"f":[["form","validate",{"query":"hi"}]]}]`,
			Message{Kind: KindJoin, Join: &Join{Version: 1, Token: "tok", URL: "http://x/counter", Applied: 7,
				Forms: []FormState{{ID: "form", Event: "validate", Values: Values{"query": {"hi"}}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if err != nil {
				t.Fatalf("Decode(%s): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Decode(%s)\n got %+v %+v %+v\nwant %+v %+v %+v", tt.in, got, got.Join, got.Event, tt.want, tt.want.Join, tt.want.Event)
			}
		})
	}
}

// TestDecodeJoinSkipsBadForms: a form entry that is not well formed is
// left out and said why, and the join and the other forms are kept. A form
// with a field named "id" once sent the field element itself as its id
// (form.id in the browser), which cost the page its join.
func TestDecodeJoinSkipsBadForms(t *testing.T) {
	in := `[0,{"v":1,"t":"tok","u":"u","f":[` +
		`[{},"save",{"id":"7"}],` + // the id a shadowed form.id serialises to
		`["a"],` +
		`["ok","validate",{"q":"hi"}],` +
		`["deep","validate",{"q":{"x":1}}],` +
		`["noevent","",{}],` +
		`["a","e",{},""],` +
		`["a","e",{},7],` +
		`["a","e",{},"c",1],` +
		`["cart","save",{},"cart-1"]` +
		`]}]`
	got, err := Decode([]byte(in))
	if err != nil {
		t.Fatalf("Decode: %v, want the join with the good form", err)
	}
	want := []FormState{{ID: "ok", Event: "validate", Values: Values{"q": {"hi"}}}, {ID: "cart", Event: "save", Values: Values{}, Component: "cart-1"}}
	if !reflect.DeepEqual(got.Join.Forms, want) {
		t.Errorf("Forms = %+v, want %+v", got.Join.Forms, want)
	}
	if got.Join.Token != "tok" {
		t.Errorf("Token = %q, want tok", got.Join.Token)
	}
	wantSkipped := []string{"form 0: malformed frame: join form: id and event must be strings", "form 1: malformed frame: join form: want [id, event, values, component?]",
		`form 3: malformed frame: values["q"]`, "form 4: malformed frame: join form: bad id or event name",
		"form 5: malformed frame: join form: component", "form 6: malformed frame: join form: component", "form 7: malformed frame: join form: want"}
	if len(got.Join.Skipped) != len(wantSkipped) {
		t.Fatalf("Skipped = %q, want %d entries", got.Join.Skipped, len(wantSkipped))
	}
	for i, w := range wantSkipped {
		if !strings.HasPrefix(got.Join.Skipped[i], w) {
			t.Errorf("Skipped[%d] = %q, want it to start %q", i, got.Join.Skipped[i], w)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct{ in, wantErr string }{
		{``, "not a JSON array"},
		{`{}`, "not a JSON array"},
		{`[]`, "empty array"},
		{"[1,1,\"\xff\"]", "not UTF-8"},
		{`[9]`, "unknown kind 9"},
		{`[-1]`, "kind"},
		{`["1"]`, "kind"},
		{`[1.5]`, "kind"},
		{`[1e400]`, "kind"},
		{`[99999999999999999999999]`, "kind"},
		{`[1,0,"x"]`, "ref must be positive"},
		{`[1,9007199254740993,"x"]`, "event ref"},
		{`[1,1,5]`, "event name"},
		{`[1,1,""]`, "event name"},
		{`[1,1,"` + strings.Repeat("a", 300) + `"]`, "event name"},
		{`[1,1,"x",[1]]`, "values: want an object"},
		{`[1,1,"x",{"a":{"b":1}}]`, "values[\"a\"]"},
		{`[1,1,"x",{"a":[[1]]}]`, "values[\"a\"]"},
		{`[1,1,"x",{},5]`, "event component: want a string"},
		{`[1,1,"x",{},""]`, "event component: want 1 to"},
		{`[1,1,"x",{},"` + strings.Repeat("c", 300) + `"]`, "event component: want 1 to"},
		{`[1,1,"x",{},"c",6]`, "want 3 to 5"},
		{`[2,1]`, "want 1 element"},
		{`[0]`, "join: want 2"},
		{`[0,{"t":"x","u":"y"}]`, "no protocol version"},
		{`[0,{"v":1,"u":"y"}]`, `missing "t"`},
		{`[0,{"v":1,"t":5,"u":"y"}]`, `"t" must be a string`},
		{`[0,null]`, "join: want an object"},
		{strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "not a JSON array"},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			_, err := Decode([]byte(tt.in))
			if err == nil {
				t.Fatalf("Decode(%.60s) = nil error, want %q", tt.in, tt.wantErr)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		got  []byte
		want string
	}{
		{AppendReply(nil, 3, nil), `[0,3]`},
		{AppendReply(nil, 3, []byte(`[[0,"count",[0],"3"]]`)), `[0,3,[[0,"count",[0],"3"]]]`},
		{AppendPatch(nil, []byte(`[[7,"",[1]]]`)), `[1,[[7,"",[1]]]]`},
		{AppendError(nil, 5, `unknown event "x"`), `[3,5,"unknown event \"x\""]`},
		{AppendReload(nil, "token expired"), `[4,"token expired"]`},
		{AppendRedirect(nil, "redirect", "/login?next=%2Fa&b=<c>"), `[4,"redirect","/login?next=%2Fa\u0026b=\u003cc\u003e"]`},
		{AppendPushes(nil, maps.All(map[string][]byte{"sound": []byte(`{"name":"click"}`)})), `[5,"sound",{"name":"click"}]`},
		{AppendPushes(nil, maps.All(map[string][]byte{})), ``},
		{AppendAnswer(nil, 4, nil, []byte(`{"ok":true}`)), `[0,4,[],{"ok":true}]`},
		{AppendLog(nil, "v1", [][]byte{[]byte(`[1,"a"]`), []byte(`[2,"b"]`)}, 0), `[6,"v1",[[1,"a"],[2,"b"]]]`},
		{AppendLog(nil, "v1", nil, 3), `[6,"v1",[],3]`},
		{AppendAnswer(nil, 4, []byte(`[[0,"n",[0],"1"]]`), []byte(`1`)), `[0,4,[[0,"n",[0],"1"]],1]`},
		{AppendString(nil, "a\u2028<b>\xff"), `"a\u2028\u003cb\u003e\ufffd"`},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`[1,3,"inc"]`, `[1,4,"set",{"n":"3","t":["a"]}]`, `[2]`, `[3]`,
		`[0,{"v":1,"t":"tok","u":"/x","n":1,"f":[["f","v",{"q":"x"}]]}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		switch m.Kind {
		case KindEvent:
			if m.Event == nil || m.Event.Ref == 0 || m.Event.Name == "" {
				t.Fatalf("accepted a bad event: %+v", m.Event)
			}
		case KindJoin:
			if m.Join == nil {
				t.Fatal("join without body")
			}
		}
	})
}

// Heartbeats and resyncs skip the JSON decoder; they decode as the same
// frames spelled with spaces, which take it.
func TestShortFramesDecodeAsLongOnes(t *testing.T) {
	for _, f := range []string{"[2]", "[3]"} {
		fast, err := Decode([]byte(f))
		if err != nil {
			t.Fatal(err)
		}
		slow, err := Decode([]byte(" [ " + f[1:2] + " ] "))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, slow) || fast.Kind != int(f[1]-'0') {
			t.Fatalf("%s decodes to %+v, with spaces to %+v", f, fast, slow)
		}
	}
	if _, err := Decode([]byte("[4]")); err == nil {
		t.Fatal("[4] decoded")
	}
}
