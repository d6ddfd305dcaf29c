package live

import (
	"bufio"
	"net"
	"os"
	"syscall"
	"time"
)

// pollSys is an epoll set of its own: the runtime's netpoller keeps the
// descriptors too (a descriptor may be in several sets), and wakes the
// goroutine that reads once the poller has started it. The set's own
// descriptor is in the runtime's netpoller as well (an os.File): the
// poller's goroutine waits for it as any goroutine waits for a socket,
// holding no thread.
type pollSys struct {
	epfd   int
	file   *os.File        // epfd, for the netpoller
	raw    syscall.RawConn // file's
	opened bool            // epfd is open: the first arm opens it
	failed bool            // it could not be opened: nothing parks
	events []syscall.EpollEvent
	n      int                   // events ready, from take
	take   func(fd uintptr) bool // tryTake, made once
}

// arm asks for one readable, hang-up or error event on fd, adding it to the
// set if it is not there yet.
func (s *pollSys) arm(fd int32, added bool) bool {
	if !s.opened {
		if s.failed {
			return false
		}
		if !s.open() {
			s.failed = true
			return false
		}
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

func (s *pollSys) open() bool {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return false
	}
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		return false
	}
	// A non-blocking descriptor makes a pollable File.
	s.file = os.NewFile(uintptr(epfd), "templive-epoll")
	if s.raw, err = s.file.SyscallConn(); err != nil {
		s.file.Close()
		return false
	}
	s.epfd, s.opened = epfd, true
	s.events = make([]syscall.EpollEvent, 256)
	s.take = s.tryTake
	return true
}

// tryTake takes the events ready without waiting; it reports false, and
// the netpoller waits for the set to be readable, when there are none.
func (s *pollSys) tryTake(fd uintptr) bool {
	for {
		n, err := syscall.EpollWait(int(fd), s.events, 0)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			s.n = 0
			return true
		}
		s.n = n
		return n > 0
	}
}

// wait appends the descriptors that are ready to fds, waiting at most d.
// Only the poller's goroutine calls it.
func (s *pollSys) wait(fds []int32, d time.Duration) []int32 {
	s.file.SetReadDeadline(time.Now().Add(d))
	s.n = 0
	if err := s.raw.Read(s.take); err != nil {
		return fds // the deadline: nothing ready
	}
	for _, ev := range s.events[:s.n] {
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
