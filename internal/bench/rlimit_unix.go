//go:build unix

package bench

import "syscall"

// raiseFileLimit lifts the soft limit on open files towards the hard one,
// as each client holds one or two sockets.
func raiseFileLimit(clients int) {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	want := uint64(clients)*2 + 256
	if want > lim.Max {
		want = lim.Max
	}
	if lim.Cur < want {
		lim.Cur = want
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}
