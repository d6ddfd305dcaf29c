//go:build !linux

package live

import (
	"bufio"
	"net"
	"time"
)

// pollSys is empty where there is no epoll: connections never park.
type pollSys struct{}

func (*pollSys) arm(int32, bool) bool { return false }
func (*pollSys) remove(int32)         {}
func (*pollSys) wait(fds []int32, d time.Duration) []int32 {
	time.Sleep(d)
	return fds
}

func newParking(net.Conn, *bufio.Reader, *bufio.Writer) *parking { return nil }
