package chat

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestHandleInfoRefusesBadMessages(t *testing.T) {
	long := strings.Repeat("é", MaxText+5)
	tests := []struct {
		name string
		msg  any
		want []Message // what the room shows after it
		err  bool
	}{
		{"good", Message{ID: "a1", From: "ann", Text: "hi"}, []Message{{ID: "a1", From: "ann", Text: "hi"}}, false},
		{"not a Message", "hi", nil, true},
		{"no id", Message{From: "ann", Text: "hi"}, nil, true},
		{"id that is no key", Message{ID: `x" onclick="`, Text: "hi"}, nil, true},
		{"no text", Message{ID: "a2", From: "ann"}, nil, true},
		{"too long", Message{ID: "a3", From: strings.Repeat("n", 40), Text: long}, []Message{{ID: "a3", From: strings.Repeat("n", MaxName), Text: long[:2*MaxText]}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &View{}
			err := v.HandleInfo(context.Background(), nil, tt.msg)
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error: %v", err, tt.err)
			}
			if fmt.Sprint(v.Messages) != fmt.Sprint(tt.want) {
				t.Fatalf("room shows %v, want %v", v.Messages, tt.want)
			}
		})
	}
}

func TestRoomKeepsTheLatestMessages(t *testing.T) {
	v := &View{}
	for i := range MaxMessages + 10 {
		v.HandleInfo(context.Background(), nil, Message{ID: fmt.Sprint("m", i), Text: "x"})
	}
	if len(v.Messages) != MaxMessages || v.Messages[0].ID != "m10" || v.Messages[MaxMessages-1].ID != fmt.Sprint("m", MaxMessages+9) {
		t.Fatalf("room keeps %d messages, %s to %s", len(v.Messages), v.Messages[0].ID, v.Messages[len(v.Messages)-1].ID)
	}
}
