//go:build linux

package netlink

import (
	"net"
	"os"
	"syscall"

	"github.com/anysock/anysock"
	"golang.org/x/sys/unix"
)

func setInt(c syscall.Conn, op string, level, opt, v int) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), level, opt, v) }); err != nil {
		return &net.OpError{Op: op, Net: Network, Err: err}
	}
	if serr != nil {
		return &net.OpError{Op: op, Net: Network, Err: os.NewSyscallError("setsockopt", serr)}
	}
	return nil
}

// JoinGroup joins multicast group g (any number, including those above 32)
// with NETLINK_ADD_MEMBERSHIP.
func JoinGroup(c *anysock.PacketConn, g uint32) error {
	return setInt(c, "join", unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(g))
}

// LeaveGroup leaves multicast group g with NETLINK_DROP_MEMBERSHIP.
func LeaveGroup(c *anysock.PacketConn, g uint32) error {
	return setInt(c, "leave", unix.SOL_NETLINK, unix.NETLINK_DROP_MEMBERSHIP, int(g))
}

// An Option is a boolean netlink socket option.
type Option int

// Boolean netlink socket options.
const (
	// NoENOBUFS stops the kernel reporting ENOBUFS when it drops messages
	// because the receive buffer is full (NETLINK_NO_ENOBUFS). Without it a
	// read fails with ENOBUFS after a loss, which tells the caller to resync.
	NoENOBUFS Option = unix.NETLINK_NO_ENOBUFS
	// ExtendedAck asks for error messages with extended ACK attributes.
	ExtendedAck Option = unix.NETLINK_EXT_ACK
	// GetStrictCheck asks the kernel to validate dump requests strictly.
	GetStrictCheck Option = unix.NETLINK_GET_STRICT_CHK
	// CapAck drops the request payload from ACK messages.
	CapAck Option = unix.NETLINK_CAP_ACK
	// ListenAllNSID receives multicast messages from every network
	// namespace that has an ID in this one.
	ListenAllNSID Option = unix.NETLINK_LISTEN_ALL_NSID
	// BroadcastError reports errors of multicast sends.
	BroadcastError Option = unix.NETLINK_BROADCAST_ERROR
)

// SetOption turns a boolean netlink option on or off.
func SetOption(c syscall.Conn, o Option, on bool) error {
	v := 0
	if on {
		v = 1
	}
	return setInt(c, "set", unix.SOL_NETLINK, int(o), v)
}
