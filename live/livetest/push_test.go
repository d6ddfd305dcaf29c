package livetest_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/templive/templive/live/livetest"
)

// TestPushPayloadIsPlainJSON: a pushed payload and a reply arrive as the
// JSON of the view's value, markup characters unescaped, and Decode reads
// them back into a value.
func TestPushPayloadIsPlainJSON(t *testing.T) {
	p := livetest.Open(t, newBoard(nil), "/board")
	reply := p.Hook("#chart", "markup", nil)
	if got, want := string(reply), `{"html":"<i>ok</i>"}`; got != want {
		t.Errorf("reply %s, want %s", got, want)
	}
	x := p.AwaitPush("markup")
	if got, want := string(x.Payload), `{"html":"<b>Tom & Jerry</b>"}`; got != want {
		t.Errorf("payload %s, want %s", got, want)
	}
	var v struct{ HTML string }
	if err := x.Decode(&v); err != nil || v.HTML != "<b>Tom & Jerry</b>" {
		t.Errorf("Decode: %+v, %v", v, err)
	}
	var n int
	err := x.Decode(&n)
	var typeErr *json.UnmarshalTypeError
	if err == nil || !strings.Contains(err.Error(), `push "markup"`) || !errors.As(err, &typeErr) {
		t.Errorf("Decode into an int: %v, want an error naming the push and wrapping *json.UnmarshalTypeError", err)
	}
}
