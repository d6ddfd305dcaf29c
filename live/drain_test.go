package live_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/templive/templive/live"
)

// A view's callbacks run one at a time and see every message, whichever
// goroutine runs them: a waiting view has none, and the first message
// starts one. Many senders and the page's events race the hand-over here,
// again and again (bursts, then quiet), under the race detector.
func TestViewCallbacksRunOneAtATime(t *testing.T) {
	const senders, perSender = 8, 200
	var inside atomic.Int32
	var overlap atomic.Bool
	enter := func() func() {
		if inside.Add(1) != 1 {
			overlap.Store(true)
		}
		return func() { inside.Add(-1) }
	}
	conns := make(chan *live.Conn, 1)
	infos := 0 // the view's own state: no lock, the loop owns it
	s, _ := probeServer(t, func() live.View {
		return &probe{
			mount: func(v *probe, c *live.Conn) error {
				conns <- c
				return nil
			},
			onInfo: func(v *probe, c *live.Conn, msg any) error {
				defer enter()()
				infos++
				return nil
			},
			onEvent: func(v *probe, c *live.Conn, e live.Event) error {
				defer enter()()
				v.out = e.Name + " " + strconv.Itoa(infos)
				return nil
			},
		}
	}, nil)
	_, tok := s.page(t, "/view")
	conn := <-conns
	c, _ := s.join(t, "/view", tok, 0)

	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := range perSender {
				for {
					err := conn.Send(j)
					if !errors.Is(err, live.ErrMailboxFull) {
						if err != nil {
							t.Errorf("sender %d: %v", i, err)
						}
						break
					}
					time.Sleep(time.Millisecond)
				}
				if j%50 == 0 {
					time.Sleep(2 * time.Millisecond) // quiet: the loop's goroutine ends
				}
			}
		})
	}
	for ref := 1; ref <= 50; ref++ { // events race the messages
		c.send(fmt.Sprintf(`[1,%d,"count"]`, ref))
		c.readUntil(fmt.Sprintf(`[0,%d`, ref))
	}
	wg.Wait()
	c.send(`[1,51,"total"]`)
	if got, want := c.readUntil(`[0,51`), fmt.Sprintf(`"total %d"`, senders*perSender); !strings.Contains(got, want) {
		t.Fatalf("after every message, the reply %s does not show %s messages", got, want)
	}
	if overlap.Load() {
		t.Fatal("two callbacks of one view ran at the same time")
	}
}
