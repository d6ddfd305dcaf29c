package live

import (
	"bufio"
	"net"
	"syscall"
	"time"
)

// pollSys is an epoll set of its own: the runtime's netpoller keeps the
// descriptors too (a descriptor may be in several sets), and wakes the
// goroutine that reads once the poller has started it.
type pollSys struct {
	epfd   int
	opened bool // epfd is open: the first arm opens it
	failed bool // it could not be opened: nothing parks
	events []syscall.EpollEvent
}

// arm asks for one readable, hang-up or error event on fd, adding it to the
// set if it is not there yet.
func (s *pollSys) arm(fd int32, added bool) bool {
	if !s.opened {
		if s.failed {
			return false
		}
		epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if err != nil {
			s.failed = true
			return false
		}
		s.epfd, s.opened = epfd, true
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: fd}
	op := syscall.EPOLL_CTL_MOD
	if !added {
		op = syscall.EPOLL_CTL_ADD
	}
	return syscall.EpollCtl(s.epfd, op, int(fd), &ev) == nil
}

func (s *pollSys) remove(fd int32) {
	syscall.EpollCtl(s.epfd, syscall.EPOLL_CTL_DEL, int(fd), nil)
}

// wait appends the descriptors that are ready to fds, waiting at most d.
// Only the poller's goroutine calls it.
func (s *pollSys) wait(fds []int32, d time.Duration) []int32 {
	if s.events == nil {
		s.events = make([]syscall.EpollEvent, 256)
	}
	n, err := syscall.EpollWait(s.epfd, s.events, int(d/time.Millisecond))
	if err != nil { // EINTR: the caller calls again
		return fds
	}
	for _, ev := range s.events[:n] {
		fds = append(fds, ev.Fd)
	}
	return fds
}

// newParking prepares c, a hijacked connection read through br, to park
// while idle; it returns nil, and c is read as before, when c has no
// descriptor of its own (TLS: the Go TLS stack may hold a record it has
// decrypted but not handed out).
func newParking(c net.Conn, br *bufio.Reader, bw *bufio.Writer) *parking {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	pk := &parking{conn: c, br: br, bw: bw, fd: -1}
	rc.Control(func(fd uintptr) { pk.fd = int32(fd) })
	if pk.fd < 0 {
		return nil
	}
	return pk
}
