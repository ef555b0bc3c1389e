//go:build linux

package anysock

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/mdlayher/socket"
	"golang.org/x/sys/unix"
)

// sock is the family-agnostic socket behind Conn, Listener and PacketConn.
//
// mdlayher/socket provides creation (network namespaces, CLOEXEC/NONBLOCK),
// registration with the runtime poller, deadlines and Close. Everything that
// carries an address or control messages is done here with raw system calls
// on raw sockaddr bytes, because x/sys decodes sockaddrs only for the
// families it knows and its helpers allocate on every call.
type sock struct {
	proto  Proto
	sc     *socket.Conn
	rc     syscall.RawConn
	stream bool // SOCK_STREAM: io.EOF on zero reads, partial writes
	eof    bool // a zero-length read means EOF (stream, seqpacket)
	// fullLen: recvfrom(2) with MSG_TRUNC returns the datagram's full
	// length for this family, so Read can detect truncation without
	// recvmsg(2)'s msghdr round trip.
	fullLen bool
	closed  atomic.Bool

	laddr, raddr net.Addr

	rd, wr   watcher // context cancellation per direction
	rio, wio ioState // recvmsg / sendmsg state per direction
}

// ioState holds one direction's msghdr and results so that the closure given
// to the poller is built once per socket, not once per call (a closure passed
// through the syscall.RawConn interface escapes, and would allocate on every
// call). mu serialises its use; the poller serialises calls in one direction
// anyway.
type ioState struct {
	mu    sync.Mutex
	trap  uintptr // SYS_RECVMSG or SYS_SENDMSG
	msg   unix.Msghdr
	iov   unix.Iovec
	flags int
	n     int
	errno unix.Errno
	fn    func(fd uintptr) bool
	name  [sockaddrSize]byte

	// recvfrom(2) state for Read on datagram sockets.
	rbuf *byte
	rlen int
	rfn  func(fd uintptr) bool

	// Batch state for recvmmsg/sendmmsg, grown on demand.
	mtrap  uintptr
	mm     []mmsghdr
	iovs   []unix.Iovec
	names  [][sockaddrSize]byte
	mcount int
	mfn    func(fd uintptr) bool
}

// mmsghdr is struct mmsghdr; Go's natural alignment gives the C layout on
// every architecture (64 bytes on 64-bit, 32 on 386).
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
}

func (st *ioState) init(trap, mtrap uintptr) {
	st.trap, st.mtrap = trap, mtrap
	st.fn = st.do
	st.mfn = st.doBatch
	st.rfn = st.doRecvfrom
}

// doRecvfrom runs recvfrom(2) into st.rbuf without a source address.
func (st *ioState) doRecvfrom(fd uintptr) bool {
	return st.settle(func() (uintptr, unix.Errno) {
		n, _, e := unix.Syscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(st.rbuf)), uintptr(st.rlen), uintptr(st.flags), 0, 0)
		return n, e
	})
}

// settle runs a non-blocking system call until it is not interrupted and
// records its result. It reports false (wait for readiness, then call again)
// on EAGAIN, as syscall.RawConn's Read and Write expect, unless the call's
// flags include MSG_DONTWAIT: then EAGAIN is the result.
func (st *ioState) settle(call func() (uintptr, unix.Errno)) bool {
	for {
		n, e := call()
		switch e {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			if st.flags&unix.MSG_DONTWAIT != 0 {
				// The caller asked not to wait: report EAGAIN.
				break
			}
			return false
		}
		st.n, st.errno = int(n), e
		return true
	}
}

// do runs one recvmsg or sendmsg.
func (st *ioState) do(fd uintptr) bool {
	return st.settle(func() (uintptr, unix.Errno) {
		n, _, e := unix.Syscall(st.trap, fd, uintptr(unsafe.Pointer(&st.msg)), uintptr(st.flags))
		return n, e
	})
}

// doBatch runs one recvmmsg or sendmmsg over st.mm[:st.mcount].
func (st *ioState) doBatch(fd uintptr) bool {
	return st.settle(func() (uintptr, unix.Errno) {
		n, _, e := unix.Syscall6(st.mtrap, fd, uintptr(unsafe.Pointer(&st.mm[0])),
			uintptr(st.mcount), uintptr(st.flags), 0, 0)
		return n, e
	})
}

// reset drops the references to caller buffers held by the msghdr.
func (st *ioState) reset() {
	st.iov = unix.Iovec{}
	st.msg = unix.Msghdr{}
}

func bytePtr(b []byte) *byte {
	if len(b) == 0 {
		return nil
	}
	return &b[0]
}

// newSock creates a socket of p, runs cfg.Control and, if laddr is set, binds
// it.
func newSock(p Proto, cfg *Config, laddr net.Addr) (*sock, error) {
	if p.Codec == nil {
		return nil, errors.New("anysock: Proto has no Codec")
	}
	var sc socket.Config
	if cfg != nil {
		sc.NetNS = cfg.NetNS
	}
	c, err := socket.Socket(p.Codec.Family(), p.Type, p.Protocol, p.Network, &sc)
	if err != nil {
		if errors.Is(err, unix.EAFNOSUPPORT) || errors.Is(err, unix.EPROTONOSUPPORT) || errors.Is(err, unix.ESOCKTNOSUPPORT) {
			var errno unix.Errno
			errors.As(err, &errno)
			return nil, &UnsupportedError{Network: p.Network, Modules: p.Modules, Err: errno}
		}
		return nil, err
	}
	s, err := wrapSock(p, c)
	if err != nil {
		return nil, err
	}
	if cfg != nil && cfg.Control != nil {
		addr := ""
		if laddr != nil {
			addr = laddr.String()
		}
		if err := cfg.Control(p.Network, addr, s.rc); err != nil {
			s.sc.Close()
			return nil, err
		}
	}
	if laddr != nil {
		if err := s.bind(laddr); err != nil {
			s.sc.Close()
			return nil, err
		}
	}
	return s, nil
}

// wrapSock builds a sock around an open socket.Conn. It closes c on error.
func wrapSock(p Proto, c *socket.Conn) (*sock, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		c.Close()
		return nil, err
	}
	typ, err := c.GetsockoptInt(unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		c.Close()
		return nil, err
	}
	s := &sock{
		proto:  p,
		sc:     c,
		rc:     rc,
		stream: typ == unix.SOCK_STREAM,
		eof:    typ == unix.SOCK_STREAM || typ == unix.SOCK_SEQPACKET,
	}
	switch p.Codec.Family() {
	case unix.AF_UNIX, unix.AF_NETLINK, unix.AF_PACKET:
		// unix_dgram_recvmsg, netlink_recvmsg and packet_recvmsg return
		// the whole skb length when MSG_TRUNC is passed; CAN, TIPC and
		// others return the copied length, so they use recvmsg.
		s.fullLen = true
	}
	s.rd.init(c.SetReadDeadline)
	s.wr.init(c.SetWriteDeadline)
	s.rio.init(unix.SYS_RECVMSG, unix.SYS_RECVMMSG)
	s.wio.init(unix.SYS_SENDMSG, unix.SYS_SENDMMSG)
	return s, nil
}

// fileSock wraps a duplicate of the socket in f.
func fileSock(p Proto, f *os.File) (*sock, error) {
	c, err := socket.FileConn(f, p.Network)
	if err != nil {
		return nil, err
	}
	var dom int
	rerr := withFD(c, func(fd int) error {
		var err error
		dom, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN)
		return err
	})
	if rerr != nil {
		c.Close()
		return nil, os.NewSyscallError("getsockopt", rerr)
	}
	if p.Codec != nil && dom != p.Codec.Family() {
		c.Close()
		return nil, os.NewSyscallError("getsockopt", unix.EAFNOSUPPORT)
	}
	s, err := wrapSock(p, c)
	if err != nil {
		return nil, err
	}
	s.laddr, _ = s.sockname(unix.SYS_GETSOCKNAME)
	s.raddr, _ = s.sockname(unix.SYS_GETPEERNAME)
	return s, nil
}

func withFD(c *socket.Conn, f func(fd int) error) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// control runs f on the descriptor, retrying on EINTR.
func (s *sock) control(name string, f func(fd uintptr) unix.Errno) error {
	var errno unix.Errno
	err := s.rc.Control(func(fd uintptr) {
		for {
			if errno = f(fd); errno != unix.EINTR {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return os.NewSyscallError(name, errno)
	}
	return nil
}

// encode encodes addr into buf with the family's codec.
func (s *sock) encode(buf *[sockaddrSize]byte, addr net.Addr) ([]byte, error) {
	sa, err := s.proto.Codec.AppendSockaddr(buf[:0], addr)
	if err != nil {
		return nil, err
	}
	if len(sa) == 0 || len(sa) > sockaddrSize {
		return nil, &AddrError{Network: s.proto.Network, Addr: addrString(addr), Err: "codec produced a sockaddr of invalid length"}
	}
	return sa, nil
}

func (s *sock) decode(b []byte) (net.Addr, error) {
	if len(b) > sockaddrSize {
		return nil, &AddrError{Network: s.proto.Network, Err: "kernel returned an oversized sockaddr"}
	}
	return s.proto.Codec.ParseSockaddr(b)
}

func (s *sock) bind(addr net.Addr) error {
	var buf [sockaddrSize]byte
	sa, err := s.encode(&buf, addr)
	if err != nil {
		return err
	}
	return s.control("bind", func(fd uintptr) unix.Errno {
		_, _, e := unix.Syscall(unix.SYS_BIND, fd, uintptr(unsafe.Pointer(&sa[0])), uintptr(len(sa)))
		return e
	})
}

func (s *sock) listen(backlog int) error {
	if backlog <= 0 {
		backlog = 1 << 16 // the kernel clamps this to net.core.somaxconn
	}
	return s.control("listen", func(fd uintptr) unix.Errno {
		_, _, e := unix.Syscall(unix.SYS_LISTEN, fd, uintptr(backlog), 0)
		return e
	})
}

// sockname returns the local (SYS_GETSOCKNAME) or peer (SYS_GETPEERNAME)
// address.
func (s *sock) sockname(trap uintptr) (net.Addr, error) {
	var buf [sockaddrSize]byte
	n := uint32(len(buf))
	name := "getsockname"
	if trap == unix.SYS_GETPEERNAME {
		name = "getpeername"
	}
	err := s.control(name, func(fd uintptr) unix.Errno {
		_, _, e := unix.Syscall(trap, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)))
		return e
	})
	if err != nil {
		return nil, err
	}
	return s.decode(buf[:min(int(n), len(buf))])
}

// connect connects to raddr, waiting for completion in the poller.
func (s *sock) connect(ctx context.Context, raddr net.Addr) error {
	var buf [sockaddrSize]byte
	sa, err := s.encode(&buf, raddr)
	if err != nil {
		return err
	}
	var errno unix.Errno
	cerr := s.rc.Control(func(fd uintptr) {
		for {
			_, _, errno = unix.Syscall(unix.SYS_CONNECT, fd, uintptr(unsafe.Pointer(&sa[0])), uintptr(len(sa)))
			if errno != unix.EINTR {
				return
			}
		}
	})
	if cerr != nil {
		return cerr
	}
	switch errno {
	case 0, unix.EISCONN:
		return nil
	case unix.EINPROGRESS, unix.EALREADY:
	default:
		return os.NewSyscallError("connect", errno)
	}
	// Wait for the connection to complete. SO_ERROR reads 0 both before and
	// after success, so getpeername tells a spurious wake-up from success.
	var result unix.Errno
	check := func(fd uintptr) bool {
		v, err := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			result = err.(unix.Errno)
			return true
		}
		switch e := unix.Errno(v); e {
		case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
			return false
		case 0, unix.EISCONN:
			// Bluetooth L2CAP answers getpeername while still connecting,
			// so writability is checked too: a socket is writable only
			// once connected (or failed, which SO_ERROR then shows).
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
			if n, _ := unix.Poll(pfd, 0); n == 0 {
				return false
			}
			if pfd[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
				if v, _ := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR); v != 0 {
					result = unix.Errno(v)
					return true
				}
			}
			var pbuf [sockaddrSize]byte
			pn := uint32(len(pbuf))
			_, _, pe := unix.Syscall(unix.SYS_GETPEERNAME, fd, uintptr(unsafe.Pointer(&pbuf[0])), uintptr(unsafe.Pointer(&pn)))
			if pe == unix.ENOTCONN {
				return false
			}
			result = 0
			return true
		default:
			result = e
			return true
		}
	}
	err = s.run(ctx, &s.wr, func() error { return s.rc.Write(check) })
	if err != nil {
		return err
	}
	if result != 0 {
		return os.NewSyscallError("connect", result)
	}
	return nil
}

// run performs op, honouring ctx (which may be nil) and retrying when a
// deadline error was caused by another call's cancellation.
func (s *sock) run(ctx context.Context, w *watcher, op func() error) error {
	var stop func() bool
	watched := ctx != nil && ctx.Done() != nil
	if watched {
		var err error
		if stop, err = w.begin(ctx); err != nil {
			return err
		}
	}
	for {
		err := op()
		if err != nil && isDeadline(err) && w.retry(ctx) {
			continue
		}
		if watched {
			w.end(ctx, stop)
			if err != nil && ctx.Err() != nil && isDeadline(err) {
				return ctx.Err()
			}
		}
		return err
	}
}

func isDeadline(err error) bool {
	return err == os.ErrDeadlineExceeded || errors.Is(err, os.ErrDeadlineExceeded)
}

// read reads from a connected socket: read(2) through os.File for streams,
// recvmsg(2) otherwise so that zero-length datagrams are data and truncation
// is reported.
func (s *sock) read(ctx context.Context, b []byte) (int, error) {
	if s.stream {
		var n int
		err := s.run(ctx, &s.rd, func() error {
			var err error
			n, err = s.sc.Read(b)
			return err
		})
		return n, err
	}
	var n int
	var err error
	if s.fullLen || (s.proto.MaxMessage > 0 && len(b) >= s.proto.MaxMessage) {
		n, err = s.recvfrom(ctx, b)
	} else {
		n, _, _, _, err = s.readMsg(ctx, b, nil, 0, false)
	}
	if n == 0 && err == nil && s.eof {
		return 0, errEOF
	}
	return n, err
}

// recvfrom reads one datagram with recvfrom(2) and MSG_TRUNC, reporting
// ErrTruncated when it was longer than b. It is used where the kernel
// returns the full length under MSG_TRUNC (s.fullLen), or where b is at
// least the protocol's largest message, so nothing can be cut.
func (s *sock) recvfrom(ctx context.Context, b []byte) (int, error) {
	st := &s.rio
	var n int
	err := s.run(ctx, &s.rd, func() error {
		st.mu.Lock()
		defer st.mu.Unlock()
		st.rbuf, st.rlen, st.flags = bytePtr(b), len(b), unix.MSG_TRUNC
		perr := s.rc.Read(st.rfn)
		n = st.n
		errno := st.errno
		st.rbuf = nil
		if perr != nil {
			return perr
		}
		if errno != 0 {
			return os.NewSyscallError("recvfrom", errno)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if n > len(b) {
		return len(b), ErrTruncated
	}
	return n, nil
}

// write writes to a connected socket.
func (s *sock) write(ctx context.Context, b []byte) (int, error) {
	var n int
	err := s.run(ctx, &s.wr, func() error {
		var err error
		n, err = s.sc.Write(b)
		return err
	})
	return n, err
}

// readMsg runs recvmsg. With wantAddr the sender's address is decoded.
func (s *sock) readMsg(ctx context.Context, b, oob []byte, flags int, wantAddr bool) (n, oobn, rflags int, addr net.Addr, err error) {
	st := &s.rio
	var namelen int
	err = s.run(ctx, &s.rd, func() error {
		st.mu.Lock()
		defer st.mu.Unlock()
		st.iov.Base = bytePtr(b)
		st.iov.SetLen(len(b))
		st.msg.Iov = &st.iov
		st.msg.SetIovlen(1)
		if len(oob) > 0 {
			st.msg.Control = &oob[0]
			st.msg.SetControllen(len(oob))
		}
		if wantAddr {
			st.msg.Name = &st.name[0]
			st.msg.Namelen = sockaddrSize
		}
		st.flags = flags
		perr := s.rc.Read(st.fn)
		n, oobn, rflags, namelen = st.n, int(st.msg.Controllen), int(st.msg.Flags), int(st.msg.Namelen)
		errno := st.errno
		st.reset()
		if perr != nil {
			return perr
		}
		if errno != 0 {
			return os.NewSyscallError("recvmsg", errno)
		}
		if wantAddr && namelen > 0 {
			addr, err = s.decode(st.name[:min(namelen, sockaddrSize)])
		}
		return err
	})
	if err != nil {
		return 0, 0, 0, nil, err
	}
	return n, oobn, rflags, addr, truncation(oob[:oobn], len(oob), flags, rflags)
}

// truncation turns MSG_TRUNC and MSG_CTRUNC into errors, closing any
// descriptors that arrived in a truncated control buffer. oob is the part
// of the caller's control buffer the kernel filled, oobCap its whole length.
//
// A caller that passed no control buffer asked for no control messages: the
// kernel then sets MSG_CTRUNC whenever it had some (J1939 and timestamping
// sockets always do) but installs no descriptors, so nothing is lost that
// was asked for and nothing leaks; that is not an error.
func truncation(oob []byte, oobCap, flags, rflags int) error {
	var err error
	if rflags&unix.MSG_CTRUNC != 0 && oobCap > 0 {
		closeRights(oob)
		err = ErrControlTruncated
	}
	if rflags&unix.MSG_TRUNC != 0 && flags&unix.MSG_TRUNC == 0 && err == nil {
		err = ErrTruncated
	}
	return err
}

// closeRights closes every descriptor carried in SCM_RIGHTS messages of oob
// and overwrites it with -1.
func closeRights(oob []byte) {
	walkRights(oob, func(slot []byte) {
		if fd := int(int32(binary.NativeEndian.Uint32(slot))); fd >= 0 {
			unix.Close(fd)
		}
		binary.NativeEndian.PutUint32(slot, math.MaxUint32) // -1
	})
}

// walkRights calls visit with the 4-byte slot of every descriptor in the
// SCM_RIGHTS messages of oob. It walks the buffer itself rather than using
// unix.ParseSocketControlMessage so that a truncated last message (as left
// by MSG_CTRUNC) is still visited as far as it goes.
func walkRights(oob []byte, visit func(slot []byte)) {
	hdr := unix.CmsgLen(0)
	for len(oob) >= hdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < hdr || l < 0 {
			return
		}
		data := oob[hdr:min(l, len(oob))]
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_RIGHTS {
			for len(data) >= 4 {
				visit(data[:4])
				data = data[4:]
			}
		}
		next := unix.CmsgSpace(l - hdr)
		if next <= 0 || next > len(oob) {
			return
		}
		oob = oob[next:]
	}
}

// writeMsg runs sendmsg to addr (nil on a connected socket). On a stream
// socket the payload is written completely, the control message with the
// first part.
func (s *sock) writeMsg(ctx context.Context, b, oob []byte, addr net.Addr, flags int) (n, oobn int, err error) {
	st := &s.wio
	for {
		var m int
		err = s.run(ctx, &s.wr, func() error {
			st.mu.Lock()
			defer st.mu.Unlock()
			rest := b[n:]
			st.iov.Base = bytePtr(rest)
			st.iov.SetLen(len(rest))
			st.msg.Iov = &st.iov
			st.msg.SetIovlen(1)
			if oobn == 0 && len(oob) > 0 {
				st.msg.Control = &oob[0]
				st.msg.SetControllen(len(oob))
			}
			if addr != nil {
				sa, err := s.encode(&st.name, addr)
				if err != nil {
					st.reset()
					return err
				}
				st.msg.Name = &st.name[0]
				st.msg.Namelen = uint32(len(sa))
			}
			st.flags = flags
			perr := s.rc.Write(st.fn)
			m = st.n
			errno := st.errno
			st.reset()
			if perr != nil {
				return perr
			}
			if errno != 0 {
				return os.NewSyscallError("sendmsg", errno)
			}
			return nil
		})
		if err != nil {
			return n, oobn, err
		}
		n += m
		oobn = len(oob)
		if !s.stream || n >= len(b) {
			return n, oobn, nil
		}
	}
}

// readBatch runs recvmmsg into ms, returning how many messages arrived.
func (s *sock) readBatch(ctx context.Context, ms []Message, flags int, wantAddr bool) (int, error) {
	if len(ms) == 0 {
		return 0, nil
	}
	st := &s.rio
	var got int
	var trunc error
	err := s.run(ctx, &s.rd, func() error {
		st.mu.Lock()
		defer st.mu.Unlock()
		st.prepareBatch(ms, wantAddr, nil)
		st.flags = flags
		perr := s.rc.Read(st.mfn)
		got = st.n
		errno := st.errno
		var derr error
		if perr == nil && errno == 0 {
			for i := 0; i < got; i++ {
				h := &st.mm[i].hdr
				m := &ms[i]
				m.N, m.NN, m.Flags = int(st.mm[i].len), int(h.Controllen), int(h.Flags)
				m.Addr = nil
				if wantAddr && h.Namelen > 0 && derr == nil {
					m.Addr, derr = s.decode(st.names[i][:min(int(h.Namelen), sockaddrSize)])
				}
				if e := truncation(m.OOB[:m.NN], len(m.OOB), flags, m.Flags); e != nil && trunc == nil {
					trunc = e
				}
			}
		}
		st.resetBatch()
		if perr != nil {
			return perr
		}
		if errno != 0 {
			return os.NewSyscallError("recvmmsg", errno)
		}
		return derr
	})
	if err != nil {
		return 0, err
	}
	return got, trunc
}

// writeBatch runs sendmmsg until every message is sent or an error occurs,
// returning how many were sent.
func (s *sock) writeBatch(ctx context.Context, ms []Message, flags int) (int, error) {
	st := &s.wio
	sent := 0
	for sent < len(ms) {
		var got int
		err := s.run(ctx, &s.wr, func() error {
			st.mu.Lock()
			defer st.mu.Unlock()
			if err := st.prepareBatch(ms[sent:], false, s); err != nil {
				st.resetBatch()
				return err
			}
			st.flags = flags
			perr := s.rc.Write(st.mfn)
			got = st.n
			errno := st.errno
			for i := 0; i < got && perr == nil && errno == 0; i++ {
				m := &ms[sent+i]
				m.N, m.NN = int(st.mm[i].len), len(m.OOB)
			}
			st.resetBatch()
			if perr != nil {
				return perr
			}
			if errno != 0 {
				return os.NewSyscallError("sendmmsg", errno)
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
		sent += got
	}
	return sent, nil
}

// prepareBatch fills the mmsghdr array for ms. With enc set, each message's
// Addr is encoded as its destination.
func (st *ioState) prepareBatch(ms []Message, wantAddr bool, enc *sock) error {
	niov := 0
	for i := range ms {
		niov += len(ms[i].Buffers)
	}
	if cap(st.mm) < len(ms) {
		st.mm = make([]mmsghdr, len(ms))
		st.names = make([][sockaddrSize]byte, len(ms))
	}
	st.mm = st.mm[:len(ms)]
	if cap(st.iovs) < niov {
		st.iovs = make([]unix.Iovec, niov)
	}
	st.iovs = st.iovs[:niov]
	st.mcount = len(ms)
	j := 0
	for i := range ms {
		m := &ms[i]
		h := &st.mm[i].hdr
		if len(m.Buffers) > 0 {
			h.Iov = &st.iovs[j]
			h.SetIovlen(len(m.Buffers))
			for _, b := range m.Buffers {
				st.iovs[j].Base = bytePtr(b)
				st.iovs[j].SetLen(len(b))
				j++
			}
		}
		if len(m.OOB) > 0 {
			h.Control = &m.OOB[0]
			h.SetControllen(len(m.OOB))
		}
		if wantAddr {
			h.Name = &st.names[i][0]
			h.Namelen = sockaddrSize
		}
		if enc != nil && m.Addr != nil {
			sa, err := enc.encode(&st.names[i], m.Addr)
			if err != nil {
				return err
			}
			h.Name = &st.names[i][0]
			h.Namelen = uint32(len(sa))
		}
	}
	return nil
}

func (st *ioState) resetBatch() {
	clear(st.mm)
	clear(st.iovs)
	st.mcount = 0
}

// accept accepts a connection, decoding the peer address with the codec.
func (s *sock) accept(ctx context.Context) (*sock, error) {
	var (
		nfd   int
		errno unix.Errno
		buf   [sockaddrSize]byte
		n     uint32
	)
	err := s.run(ctx, &s.rd, func() error {
		return s.rc.Read(func(fd uintptr) bool {
			for {
				n = sockaddrSize
				r, _, e := unix.Syscall6(unix.SYS_ACCEPT4, fd, uintptr(unsafe.Pointer(&buf[0])),
					uintptr(unsafe.Pointer(&n)), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
				switch e {
				case unix.EINTR, unix.ECONNABORTED:
					// ECONNABORTED: the peer gave up before we accepted;
					// like the standard library, wait for the next one.
					continue
				case unix.EAGAIN:
					return false
				}
				nfd, errno = int(r), e
				return true
			}
		})
	})
	if err != nil {
		return nil, err
	}
	if errno != 0 {
		return nil, os.NewSyscallError("accept4", errno)
	}
	c, err := socket.New(nfd, s.proto.Network)
	if err != nil {
		unix.Close(nfd)
		return nil, err
	}
	ns, err := wrapSock(s.proto, c)
	if err != nil {
		return nil, err
	}
	ns.laddr = s.laddr
	if n > 0 {
		if ns.raddr, err = s.decode(buf[:min(int(n), sockaddrSize)]); err != nil {
			ns.close()
			return nil, err
		}
	}
	if la, err := ns.sockname(unix.SYS_GETSOCKNAME); err == nil {
		ns.laddr = la
	}
	return ns, nil
}

func (s *sock) close() error {
	if s.closed.Swap(true) {
		return net.ErrClosed
	}
	s.rd.close()
	s.wr.close()
	return s.sc.Close()
}

// eofOnZero reports whether a zero-length read means end of stream.
func (s *sock) eofOnZero() bool { return s.eof }

func (s *sock) shutdown(how int) error { return s.sc.Shutdown(how) }

func (s *sock) setDeadline(t time.Time) error {
	if err := s.rd.setDeadline(t); err != nil {
		return err
	}
	return s.wr.setDeadline(t)
}

func (s *sock) setReadDeadline(t time.Time) error  { return s.rd.setDeadline(t) }
func (s *sock) setWriteDeadline(t time.Time) error { return s.wr.setDeadline(t) }
func (s *sock) setReadBuffer(n int) error          { return s.sc.SetReadBuffer(n) }
func (s *sock) setWriteBuffer(n int) error         { return s.sc.SetWriteBuffer(n) }

func (s *sock) syscallConn() (syscall.RawConn, error) {
	if s.closed.Load() {
		return nil, net.ErrClosed
	}
	return s.rc, nil
}

// file returns a duplicate of the socket as an *os.File.
func (s *sock) file() (*os.File, error) {
	var nfd int
	err := s.control("fcntl", func(fd uintptr) unix.Errno {
		r, err := unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return err.(unix.Errno)
		}
		nfd = r
		return 0
	})
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(nfd), s.proto.Network), nil
}

const (
	shutRD = unix.SHUT_RD
	shutWR = unix.SHUT_WR
)

// fillAddrs records the local address and, with peer, the peer address.
// Some protocols have no addresses at all (CAN BCM answers getsockname with
// EOPNOTSUPP): their addresses stay nil.
func (s *sock) fillAddrs(peer bool) error {
	la, err := s.sockname(unix.SYS_GETSOCKNAME)
	if errors.Is(err, unix.EOPNOTSUPP) {
		return nil
	}
	if err != nil {
		return err
	}
	s.laddr = la
	if peer {
		ra, err := s.sockname(unix.SYS_GETPEERNAME)
		if err != nil {
			return err
		}
		s.raddr = ra
	}
	return nil
}
