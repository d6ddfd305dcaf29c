package livetest

import (
	"encoding/json"
	"testing"
)

func TestPlainJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"html":"\u003cb\u003eA \u0026 B\u003c/b\u003e"}`, `{"html":"<b>A & B</b>"}`},
		{`"\u003C\u003E"`, `"<>"`},
		{`"a\\u003cb"`, `"a\\u003cb"`},           // an escaped backslash, then text
		{`"q\"\u003c"`, `"q\"<"`},                // an escaped quote does not end the string
		{`"\u2028\u00e9\n"`, `"\u2028\u00e9\n"`}, // other escapes stay
		{`[1,true,null,{"k":"v"}]`, `[1,true,null,{"k":"v"}]`},
		{`"\u003`, `"\u003`}, // truncated: kept as it is
	}
	for _, tt := range tests {
		got := string(plainJSON(json.RawMessage(tt.in)))
		if got != tt.want {
			t.Errorf("plainJSON(%s) = %s, want %s", tt.in, got, tt.want)
		}
		if json.Valid([]byte(tt.in)) {
			var a, b any
			json.Unmarshal([]byte(tt.in), &a)
			if err := json.Unmarshal([]byte(got), &b); err != nil || !jsonEqual(a, b) {
				t.Errorf("plainJSON(%s) = %s means something else (%v)", tt.in, got, err)
			}
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
