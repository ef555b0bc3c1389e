package control

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// withFD runs fn on the descriptor behind c and wraps its error.
func withFD(c syscall.RawConn, op string, k Key, fn func(fd int) error) error {
	if c == nil {
		return optErr(op, k, syscall.EBADF)
	}
	var ferr error
	if err := c.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return optErr(op, k, err)
	}
	if ferr != nil {
		return optErr(op, k, os.NewSyscallError(op, ferr))
	}
	return nil
}

func isUnsupported(err error) bool {
	return errors.Is(err, unix.ENOPROTOOPT) || errors.Is(err, unix.EOPNOTSUPP)
}

func getInt(c syscall.RawConn, k Key) (int, error) {
	var v int
	err := withFD(c, "getsockopt", k, func(fd int) (err error) {
		v, err = unix.GetsockoptInt(fd, k.Level(), k.Name())
		return err
	})
	return v, err
}

func setInt(c syscall.RawConn, k Key, v int) error {
	return withFD(c, "setsockopt", k, func(fd int) error {
		return unix.SetsockoptInt(fd, k.Level(), k.Name(), v)
	})
}

func getTimeval(c syscall.RawConn, k Key) (time.Duration, error) {
	var d time.Duration
	err := withFD(c, "getsockopt", k, func(fd int) error {
		tv, err := unix.GetsockoptTimeval(fd, k.Level(), k.Name())
		if err == nil {
			d = time.Duration(tv.Nano())
		}
		return err
	})
	return d, err
}

func setTimeval(c syscall.RawConn, k Key, d time.Duration) error {
	// Round up so that a small positive timeout does not become "none".
	tv := unix.NsecToTimeval(int64((d + time.Microsecond - 1) / time.Microsecond * time.Microsecond))
	return withFD(c, "setsockopt", k, func(fd int) error {
		return unix.SetsockoptTimeval(fd, k.Level(), k.Name(), &tv)
	})
}

func getString(c syscall.RawConn, k Key) (string, error) {
	var s string
	err := withFD(c, "getsockopt", k, func(fd int) (err error) {
		s, err = unix.GetsockoptString(fd, k.Level(), k.Name())
		return err
	})
	return s, err
}

func setString(c syscall.RawConn, k Key, s string) error {
	return withFD(c, "setsockopt", k, func(fd int) error {
		return unix.SetsockoptString(fd, k.Level(), k.Name(), s)
	})
}

// getBytes reads an option of variable size. With max == 0 it asks the
// kernel for the size first (options such as NETLINK_LIST_MEMBERSHIPS
// report the needed length when the buffer is short).
func getBytes(c syscall.RawConn, k Key, max int) ([]byte, error) {
	var out []byte
	err := withFD(c, "getsockopt", k, func(fd int) error {
		size := max
		if size == 0 {
			size = 4
		}
		for range 4 {
			b := make([]byte, size)
			n, err := getsockopt(fd, k.Level(), k.Name(), b)
			if err == unix.ERANGE && n > len(b) {
				// CAN_RAW_FILTER reports the size it needs this way.
				size = n
				continue
			}
			if err != nil {
				return err
			}
			if n <= len(b) {
				out = b[:n]
				return nil
			}
			size = n // the kernel said how much it needs
		}
		return unix.ENOBUFS
	})
	return out, err
}

// getsockopt is the one raw call x/sys lacks: getsockopt into a caller's
// buffer, returning the length the kernel reports (which may exceed
// len(b) for options that report their full size).
func getsockopt(fd, level, name int, b []byte) (int, error) {
	l := uint32(len(b))
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(name), uintptr(p), uintptr(unsafe.Pointer(&l)), 0)
	if e != 0 {
		return int(l), e
	}
	return int(l), nil
}

func setBytes(c syscall.RawConn, k Key, b []byte) error {
	return withFD(c, "setsockopt", k, func(fd int) error {
		// SetsockoptString passes the bytes unchanged (no NUL is added).
		return unix.SetsockoptString(fd, k.Level(), k.Name(), string(b))
	})
}

func getLinger(c syscall.RawConn, k Key) (Linger, error) {
	var l Linger
	err := withFD(c, "getsockopt", k, func(fd int) error {
		v, err := unix.GetsockoptLinger(fd, k.Level(), k.Name())
		if err == nil {
			l = Linger{Enabled: v.Onoff != 0, Seconds: int(v.Linger)}
		}
		return err
	})
	return l, err
}

func setLinger(c syscall.RawConn, k Key, l Linger) error {
	v := unix.Linger{Linger: int32(l.Seconds)}
	if l.Enabled {
		v.Onoff = 1
	}
	return withFD(c, "setsockopt", k, func(fd int) error {
		return unix.SetsockoptLinger(fd, k.Level(), k.Name(), &v)
	})
}

// setCANFilters uses x/sys's CAN_RAW_FILTER setter; CANFilter has the
// layout of unix.CanFilter (checked by TestCANFilterLayout).
func setCANFilters(c syscall.RawConn, k Key, fs []CANFilter) error {
	ufs := make([]unix.CanFilter, len(fs))
	for i, f := range fs {
		ufs[i] = unix.CanFilter{Id: f.ID, Mask: f.Mask}
	}
	return withFD(c, "setsockopt", k, func(fd int) error {
		return unix.SetsockoptCanRawFilter(fd, k.Level(), k.Name(), ufs)
	})
}
