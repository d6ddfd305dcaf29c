package live_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/templive/templive/live"
)

// Subscribers that leave in any order leave every other one subscribed,
// each hearing each message once.
func TestLocalPubSubManyLeaveInAnyOrder(t *testing.T) {
	ps := live.NewLocalPubSub()
	ctx := context.Background()
	const n = 200
	heard := make([]int, n)
	unsub := make([]func(), n)
	for i := range n {
		unsub[i], _ = ps.Subscribe("room", func([]byte) { heard[i]++ })
	}
	left := make([]bool, n)
	for round, step := range []int{7, 3, 1} { // every 7th leaves, then every 3rd, then all
		for i := 0; i < n; i += step {
			if !left[i] {
				unsub[i]()
				left[i] = true
			}
		}
		clear(heard)
		ps.Publish(ctx, "room", []byte("hi"))
		for i, got := range heard {
			if want := map[bool]int{false: 1, true: 0}[left[i]]; got != want {
				t.Fatalf("round %d: subscriber %d (left: %v) heard %d messages, want %d", round, i, left[i], got, want)
			}
		}
	}
	unsub[0]() // again: a no-op
}

// BenchmarkLocalRoomJoinLeave is what a room costs as its pages come and
// go: n subscribe, then all unsubscribe, oldest first.
func BenchmarkLocalRoomJoinLeave(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		b.Run(fmt.Sprint(n, " subscribers"), func(b *testing.B) {
			ps := live.NewLocalPubSub()
			unsub := make([]func(), n)
			b.ReportAllocs()
			for b.Loop() {
				for i := range unsub {
					unsub[i], _ = ps.Subscribe("room", func([]byte) {})
				}
				for _, u := range unsub {
					u()
				}
			}
		})
	}
}
