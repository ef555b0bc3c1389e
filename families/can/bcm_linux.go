//go:build linux

package can

import (
	"errors"
	"os"
	"unsafe"

	"github.com/anysock/anysock"
	"github.com/mdlayher/socket"
	"golang.org/x/sys/unix"
)

// dialBCMConn creates a CAN_BCM socket connected to ra.
//
// anysock.Proto.Dial cannot be used: it reads the local address with
// getsockname(2) after connecting, and CAN_BCM sockets do not implement
// getsockname (EOPNOTSUPP). So the socket is created and connected here and
// then adopted with Proto.FileConn, which tolerates the missing addresses.
func dialBCMConn(p anysock.Proto, ra *Addr, base anysock.Config) (*anysock.Conn, error) {
	sc, err := socket.Socket(afCAN, sockDgram, protoBCM, NetworkBCM, &socket.Config{NetNS: base.NetNS})
	if err != nil {
		if errors.Is(err, unix.EAFNOSUPPORT) || errors.Is(err, unix.EPROTONOSUPPORT) || errors.Is(err, unix.ESOCKTNOSUPPORT) {
			var errno unix.Errno
			errors.As(err, &errno)
			return nil, &anysock.UnsupportedError{Network: p.Network, Modules: p.Modules, Err: errno}
		}
		return nil, err
	}
	defer sc.Close()
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	codec := p.Codec.(*Codec)
	hook := bindHook(base, codec, ra.Interface, &ra.Index, nil)
	if err := hook.Control(p.Network, ra.String(), rc); err != nil {
		return nil, err
	}
	var buf [sockaddrSize]byte
	sa, err := codec.AppendSockaddr(buf[:0], ra)
	if err != nil {
		return nil, err
	}
	var errno unix.Errno
	var dup int
	cerr := rc.Control(func(fd uintptr) {
		_, _, errno = unix.Syscall(unix.SYS_CONNECT, fd, uintptr(unsafe.Pointer(&sa[0])), uintptr(len(sa)))
		if errno == 0 {
			var derr error
			if dup, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0); derr != nil {
				errno = derr.(unix.Errno)
			}
		}
	})
	if cerr != nil {
		return nil, cerr
	}
	if errno != 0 {
		return nil, os.NewSyscallError("connect", errno)
	}
	f := os.NewFile(uintptr(dup), NetworkBCM)
	defer f.Close()
	return p.FileConn(f)
}

// kernel64 reports whether the running kernel is 64-bit, whatever this
// process's word size.
func kernel64() bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	switch unix.ByteSliceToString(u.Machine[:]) {
	case "x86_64", "aarch64", "aarch64_be", "ppc64", "ppc64le", "s390x", "mips64", "riscv64", "loongarch64", "sparc64", "parisc64":
		return true
	}
	return false
}
