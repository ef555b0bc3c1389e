//go:build linux

package unix

import (
	"net"
	"os"

	"github.com/anysock/anysock"
	"golang.org/x/sys/unix"
)

// Pair returns two connected sockets of network ("unix", "unixpacket" or
// "unixgram") made with socketpair(2).
func Pair(network string) (*anysock.Conn, *anysock.Conn, error) {
	p, err := Proto(network)
	if err != nil {
		return nil, nil, &net.OpError{Op: "socketpair", Net: network, Err: err}
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, p.Type|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, &net.OpError{Op: "socketpair", Net: network, Err: os.NewSyscallError("socketpair", err)}
	}
	var conns [2]*anysock.Conn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "socketpair")
		c, err := p.FileConn(f)
		f.Close()
		if err != nil {
			if i == 0 {
				unix.Close(fds[1])
			} else {
				conns[0].Close()
			}
			return nil, nil, err
		}
		conns[i] = c
	}
	return conns[0], conns[1], nil
}
