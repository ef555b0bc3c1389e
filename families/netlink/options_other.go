//go:build !linux

package netlink

import (
	"fmt"
	"runtime"
	"syscall"

	"github.com/anysock/anysock"
)

var errOS = fmt.Errorf("netlink: not supported on %s", runtime.GOOS)

// JoinGroup joins a multicast group. Linux only.
func JoinGroup(*anysock.PacketConn, uint32) error { return errOS }

// LeaveGroup leaves a multicast group. Linux only.
func LeaveGroup(*anysock.PacketConn, uint32) error { return errOS }

// An Option is a boolean netlink socket option.
type Option int

// Boolean netlink socket options (placeholders off Linux).
const (
	NoENOBUFS Option = iota + 1
	ExtendedAck
	GetStrictCheck
	CapAck
	ListenAllNSID
	BroadcastError
)

// SetOption turns a boolean netlink option on or off. Linux only.
func SetOption(syscall.Conn, Option, bool) error { return errOS }
