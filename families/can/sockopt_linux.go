//go:build linux

package can

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// setsockopt sets a socket option from raw bytes (the kernel's struct).
func setsockopt(rc syscall.RawConn, level, opt int, val []byte) error {
	var errno unix.Errno
	err := rc.Control(func(fd uintptr) {
		var p unsafe.Pointer
		if len(val) > 0 {
			p = unsafe.Pointer(&val[0])
		}
		_, _, errno = unix.Syscall6(unix.SYS_SETSOCKOPT, fd, uintptr(level), uintptr(opt), uintptr(p), uintptr(len(val)), 0)
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return os.NewSyscallError("setsockopt", errno)
	}
	return nil
}

// getsockopt reads a socket option into buf and returns its length.
func getsockopt(rc syscall.RawConn, level, opt int, buf []byte) (int, error) {
	var errno unix.Errno
	n := uint32(len(buf))
	err := rc.Control(func(fd uintptr) {
		var p unsafe.Pointer
		if len(buf) > 0 {
			p = unsafe.Pointer(&buf[0])
		}
		_, _, errno = unix.Syscall6(unix.SYS_GETSOCKOPT, fd, uintptr(level), uintptr(opt), uintptr(p), uintptr(unsafe.Pointer(&n)), 0)
	})
	if err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, os.NewSyscallError("getsockopt", errno)
	}
	return int(n), nil
}

// ifIndex resolves an interface name with SIOCGIFINDEX on the socket
// itself, so the name is looked up in the socket's network namespace
// (which may differ from the calling thread's when anysock.Config.NetNS is
// set).
func ifIndex(rc syscall.RawConn, name string) (int, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, &UnknownInterfaceError{Name: name, Err: err}
	}
	var ierr error
	if err := rc.Control(func(fd uintptr) { ierr = unix.IoctlIfreq(int(fd), unix.SIOCGIFINDEX, ifr) }); err != nil {
		return 0, err
	}
	if ierr != nil {
		if errors.Is(ierr, unix.ENODEV) {
			return 0, &UnknownInterfaceError{Name: name, Err: os.NewSyscallError("ioctl SIOCGIFINDEX", ierr)}
		}
		return 0, os.NewSyscallError("ioctl SIOCGIFINDEX", ierr)
	}
	return int(ifr.Uint32()), nil
}

const (
	solSocket       = unix.SOL_SOCKET
	soBroadcast     = unix.SO_BROADCAST
	soTimestampNS   = unix.SO_TIMESTAMPNS_NEW
	scmTimestampNS  = unix.SO_TIMESTAMPNS_NEW
	soTimestampOld  = unix.SO_TIMESTAMPNS_OLD
	msgDontRoute    = unix.MSG_DONTROUTE
	msgConfirm      = unix.MSG_CONFIRM
	cmsgHdrLen      = unix.SizeofCmsghdr
	errnoEINVAL     = unix.EINVAL
	errnoENETDOWN   = unix.ENETDOWN
	errnoEADDRINUSE = unix.EADDRINUSE
)

// parseTimestamp finds an SCM_TIMESTAMPNS_NEW (struct __kernel_timespec)
// in a control buffer without allocating.
func parseTimestamp(oob []byte) (time.Time, bool) {
	for len(oob) >= cmsgHdrLen {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < cmsgHdrLen || l > len(oob) {
			return time.Time{}, false
		}
		data := oob[unix.CmsgLen(0):l]
		if h.Level == solSocket && h.Type == scmTimestampNS && len(data) >= 16 {
			sec := int64(nativeUint64(data[0:8]))
			nsec := int64(nativeUint64(data[8:16]))
			return time.Unix(sec, nsec), true
		}
		next := unix.CmsgSpace(l - unix.CmsgLen(0))
		if next > len(oob) {
			break
		}
		oob = oob[next:]
	}
	return time.Time{}, false
}

// J1939 control messages (SOL_CAN_J1939).
const (
	scmJ1939DestAddr = 1
	scmJ1939DestName = 2
	scmJ1939Prio     = 3
)

// parseJ1939Cmsgs fills info from the control messages of a J1939 receive.
func parseJ1939Cmsgs(oob []byte, info *J1939Info) {
	for len(oob) >= cmsgHdrLen {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < cmsgHdrLen || l > len(oob) {
			return
		}
		data := oob[unix.CmsgLen(0):l]
		if h.Level == solCANJ1939 {
			switch {
			case h.Type == scmJ1939DestAddr && len(data) >= 1:
				info.DestAddr = data[0]
			case h.Type == scmJ1939DestName && len(data) >= 8:
				info.DestName = nativeUint64(data)
			case h.Type == scmJ1939Prio && len(data) >= 1:
				info.Priority = data[0]
			}
		}
		next := unix.CmsgSpace(l - unix.CmsgLen(0))
		if next > len(oob) {
			return
		}
		oob = oob[next:]
	}
}
