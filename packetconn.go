package anysock

import (
	"context"
	"net"
	"os"
	"syscall"
	"time"
)

var (
	_ net.PacketConn = (*PacketConn)(nil)
	_ syscall.Conn   = (*PacketConn)(nil)
)

// A PacketConn is an unconnected datagram socket of any family: netlink,
// packet, unixgram, CAN, TIPC RDM, RDS... It implements net.PacketConn and
// is safe for concurrent use.
//
// A zero-length datagram is read as (0, addr, nil). A datagram longer than
// the buffer is returned truncated with an error matching ErrTruncated.
type PacketConn struct {
	s *sock
}

func (c *PacketConn) ok() bool { return c != nil && c.s != nil }

func (c *PacketConn) err(op string, dst net.Addr, err error) error {
	return opError(op, c.s.proto.Network, c.s.laddr, dst, err, c.s.closed.Load())
}

// ReadFrom implements net.PacketConn.
func (c *PacketConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, _, _, addr, err := c.ReadMsgFromContext(nil, b, nil, 0)
	return n, addr, err
}

// ReadFromContext is ReadFrom bounded by ctx as well as by the read deadline.
func (c *PacketConn) ReadFromContext(ctx context.Context, b []byte) (int, net.Addr, error) {
	n, _, _, addr, err := c.ReadMsgFromContext(ctxOrBackground(ctx), b, nil, 0)
	return n, addr, err
}

// ReadMsgFrom reads one datagram with recvmsg(2), its control messages into
// oob, and returns the sizes, the message flags and the sender's address.
func (c *PacketConn) ReadMsgFrom(b, oob []byte) (n, oobn, flags int, addr net.Addr, err error) {
	return c.ReadMsgFromContext(nil, b, oob, 0)
}

// ReadMsgFromContext is ReadMsgFrom with a context and recvmsg(2) flags
// (MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT, ...). With MSG_TRUNC in flags, n is
// the full length of the datagram even when it exceeds len(b), and no
// ErrTruncated is returned. With MSG_DONTWAIT the call never waits: if
// nothing is queued it fails at once with an error matching syscall.EAGAIN.
func (c *PacketConn) ReadMsgFromContext(ctx context.Context, b, oob []byte, flags int) (n, oobn, rflags int, addr net.Addr, err error) {
	if !c.ok() {
		return 0, 0, 0, nil, invalid("read")
	}
	n, oobn, rflags, addr, err = c.s.readMsg(ctx, b, oob, flags, true)
	if err != nil {
		return n, oobn, rflags, addr, c.err("read", nil, err)
	}
	return n, oobn, rflags, addr, nil
}

// WriteTo implements net.PacketConn. addr must be an address of the
// PacketConn's family.
func (c *PacketConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	n, _, err := c.WriteMsgToContext(nil, b, nil, addr, 0)
	return n, err
}

// WriteToContext is WriteTo bounded by ctx as well as by the write deadline.
func (c *PacketConn) WriteToContext(ctx context.Context, b []byte, addr net.Addr) (int, error) {
	n, _, err := c.WriteMsgToContext(ctxOrBackground(ctx), b, nil, addr, 0)
	return n, err
}

// WriteMsgTo sends one datagram with control messages to addr.
func (c *PacketConn) WriteMsgTo(b, oob []byte, addr net.Addr) (n, oobn int, err error) {
	return c.WriteMsgToContext(nil, b, oob, addr, 0)
}

// WriteMsgToContext is WriteMsgTo with a context and sendmsg(2) flags;
// MSG_DONTWAIT makes it fail with EAGAIN instead of waiting.
func (c *PacketConn) WriteMsgToContext(ctx context.Context, b, oob []byte, addr net.Addr, flags int) (n, oobn int, err error) {
	if !c.ok() {
		return 0, 0, invalid("write")
	}
	if addr == nil {
		return 0, 0, c.err("write", nil, errMissingAddress)
	}
	n, oobn, err = c.s.writeMsg(ctx, b, oob, addr, flags)
	if err != nil {
		return n, oobn, c.err("write", addr, err)
	}
	return n, oobn, nil
}

// ReadBatch reads up to len(ms) datagrams with one recvmmsg(2) call,
// waiting until at least one is available. It returns how many were read and
// fills their N, NN, Flags and Addr.
func (c *PacketConn) ReadBatch(ms []Message, flags int) (int, error) {
	return c.ReadBatchContext(nil, ms, flags)
}

// ReadBatchContext is ReadBatch with a context.
func (c *PacketConn) ReadBatchContext(ctx context.Context, ms []Message, flags int) (int, error) {
	if !c.ok() {
		return 0, invalid("read")
	}
	n, err := c.s.readBatch(ctx, ms, flags, true)
	if err != nil {
		return n, c.err("read", nil, err)
	}
	return n, nil
}

// WriteBatch sends the datagrams, each to its Addr, with sendmmsg(2),
// calling it again after a partial batch until all are sent or an error
// occurs. It returns how many were sent.
func (c *PacketConn) WriteBatch(ms []Message, flags int) (int, error) {
	return c.WriteBatchContext(nil, ms, flags)
}

// WriteBatchContext is WriteBatch with a context.
func (c *PacketConn) WriteBatchContext(ctx context.Context, ms []Message, flags int) (int, error) {
	if !c.ok() {
		return 0, invalid("write")
	}
	n, err := c.s.writeBatch(ctx, ms, flags)
	if err != nil {
		return n, c.err("write", nil, err)
	}
	return n, nil
}

// Close closes the socket. Blocked calls return errors matching
// net.ErrClosed.
func (c *PacketConn) Close() error {
	if !c.ok() {
		return invalid("close")
	}
	return c.err("close", nil, c.s.close())
}

// LocalAddr returns the local address.
func (c *PacketConn) LocalAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	return c.s.laddr
}

// SetDeadline implements net.PacketConn.
func (c *PacketConn) SetDeadline(t time.Time) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", nil, c.s.setDeadline(t))
}

// SetReadDeadline implements net.PacketConn.
func (c *PacketConn) SetReadDeadline(t time.Time) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", nil, c.s.setReadDeadline(t))
}

// SetWriteDeadline implements net.PacketConn.
func (c *PacketConn) SetWriteDeadline(t time.Time) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", nil, c.s.setWriteDeadline(t))
}

// SetReadBuffer sets the socket's receive buffer size.
func (c *PacketConn) SetReadBuffer(bytes int) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", nil, c.s.setReadBuffer(bytes))
}

// SetWriteBuffer sets the socket's send buffer size.
func (c *PacketConn) SetWriteBuffer(bytes int) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", nil, c.s.setWriteBuffer(bytes))
}

// SyscallConn returns the raw connection, for socket options and other
// system calls (see package control).
func (c *PacketConn) SyscallConn() (syscall.RawConn, error) {
	if !c.ok() {
		return nil, invalid("raw")
	}
	rc, err := c.s.syscallConn()
	if err != nil {
		return nil, c.err("raw", nil, err)
	}
	return rc, nil
}

// File returns a duplicate of the socket as an *os.File.
func (c *PacketConn) File() (*os.File, error) {
	if !c.ok() {
		return nil, invalid("file")
	}
	f, err := c.s.file()
	if err != nil {
		return nil, c.err("file", nil, err)
	}
	return f, nil
}

// Proto returns the kind of socket.
func (c *PacketConn) Proto() Proto {
	if !c.ok() {
		return Proto{}
	}
	return c.s.proto
}
