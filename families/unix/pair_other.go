//go:build !linux

package unix

import (
	"fmt"
	"net"
	"runtime"

	"github.com/anysock/anysock"
)

// Pair returns two connected sockets of network made with socketpair(2).
// It is supported on Linux only.
func Pair(network string) (*anysock.Conn, *anysock.Conn, error) {
	return nil, nil, &net.OpError{Op: "socketpair", Net: network, Err: fmt.Errorf("not supported on %s", runtime.GOOS)}
}
