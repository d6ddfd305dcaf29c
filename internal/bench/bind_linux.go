package bench

import "syscall"

// ipBindAddressNoPort is Linux's IP_BIND_ADDRESS_NO_PORT (since 4.2).
const ipBindAddressNoPort = 24

// bindNoPort lets a socket bound to a source address take its port at
// connect, where the kernel looks only for a free 4-tuple, rather than at
// bind, where it searches for a port free on that address for every
// destination: a search that grows with the sockets open and made tens of
// thousands of connections crawl (and burn system time).
func bindNoPort(network, address string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, ipBindAddressNoPort, 1)
	})
	if err != nil {
		return err
	}
	return serr
}
