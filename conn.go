package anysock

import (
	"context"
	"net"
	"os"
	"syscall"
	"time"
)

var (
	_ net.Conn     = (*Conn)(nil)
	_ syscall.Conn = (*Conn)(nil)
)

// A Conn is a socket of any family used as a connection: a connected
// stream, sequenced-packet or datagram socket, or a socket bound without a
// peer (see Proto.Dial). It implements net.Conn and syscall.Conn and is safe
// for concurrent use.
//
// Read on a stream socket returns io.EOF at end of stream, as on a TCP
// connection. On a sequenced-packet socket a zero-length read also means the
// peer closed (as for net.UnixConn of network "unixpacket"). On a datagram
// socket a zero-length datagram is read as (0, nil). A datagram longer than
// the buffer is returned truncated, with an error matching ErrTruncated.
type Conn struct {
	s *sock
}

func (c *Conn) ok() bool { return c != nil && c.s != nil }

func (c *Conn) err(op string, err error) error {
	return opError(op, c.s.proto.Network, c.s.laddr, c.s.raddr, err, c.s.closed.Load())
}

func invalid(op string) error {
	return &net.OpError{Op: op, Err: os.NewSyscallError(op, errInvalid)}
}

// Read implements io.Reader.
func (c *Conn) Read(b []byte) (int, error) {
	if !c.ok() {
		return 0, invalid("read")
	}
	n, err := c.s.read(nil, b)
	if err != nil {
		return n, c.err("read", err)
	}
	return n, nil
}

// ReadContext is Read bounded by ctx as well as by the read deadline. When
// ctx is done first the error matches ctx.Err() and the Conn stays usable.
func (c *Conn) ReadContext(ctx context.Context, b []byte) (int, error) {
	if !c.ok() {
		return 0, invalid("read")
	}
	n, err := c.s.read(ctxOrBackground(ctx), b)
	if err != nil {
		return n, c.err("read", err)
	}
	return n, nil
}

// Write implements io.Writer. On a stream socket it writes all of b unless an
// error occurs; on other sockets b is one message.
func (c *Conn) Write(b []byte) (int, error) {
	if !c.ok() {
		return 0, invalid("write")
	}
	n, err := c.s.write(nil, b)
	if err != nil {
		return n, c.err("write", err)
	}
	return n, nil
}

// WriteContext is Write bounded by ctx as well as by the write deadline.
func (c *Conn) WriteContext(ctx context.Context, b []byte) (int, error) {
	if !c.ok() {
		return 0, invalid("write")
	}
	n, err := c.s.write(ctxOrBackground(ctx), b)
	if err != nil {
		return n, c.err("write", err)
	}
	return n, nil
}

// ReadMsg reads one message with recvmsg(2): payload into b, control
// messages (ancillary data) into oob. It returns the bytes read into each and
// the message flags. As with Read, a stream or sequenced-packet socket
// returns io.EOF when the peer has closed. A payload or control data longer than its buffer is
// reported with ErrTruncated or ErrControlTruncated (descriptors received
// in a truncated control buffer are closed).
func (c *Conn) ReadMsg(b, oob []byte) (n, oobn, flags int, err error) {
	return c.ReadMsgContext(nil, b, oob, 0)
}

// ReadMsgContext is ReadMsg with a context and recvmsg(2) flags such as
// MSG_PEEK. With MSG_TRUNC in flags, n is the full length of the message
// even when it exceeds len(b), and no ErrTruncated is returned. With
// MSG_DONTWAIT the call never waits: if nothing is queued it fails at once
// with an error matching syscall.EAGAIN.
func (c *Conn) ReadMsgContext(ctx context.Context, b, oob []byte, flags int) (n, oobn, rflags int, err error) {
	if !c.ok() {
		return 0, 0, 0, invalid("read")
	}
	n, oobn, rflags, _, err = c.s.readMsg(ctx, b, oob, flags, false)
	if err != nil {
		return n, oobn, rflags, c.err("read", err)
	}
	if n == 0 && oobn == 0 && len(b) > 0 && c.s.eofOnZero() {
		return 0, 0, rflags, errEOF
	}
	return n, oobn, rflags, nil
}

// WriteMsg writes one message with sendmsg(2): payload b and control
// messages oob. On a stream socket all of b is written, the control messages
// with the first part.
func (c *Conn) WriteMsg(b, oob []byte) (n, oobn int, err error) {
	return c.WriteMsgContext(nil, b, oob, 0)
}

// WriteMsgContext is WriteMsg with a context and sendmsg(2) flags. With
// MSG_DONTWAIT the call never waits: if the socket buffer is full it fails at
// once with an error matching syscall.EAGAIN. (MSG_NOSIGNAL is not added: the
// Go runtime already turns SIGPIPE from a socket into an EPIPE error, and RDS
// rejects the flag.)
func (c *Conn) WriteMsgContext(ctx context.Context, b, oob []byte, flags int) (n, oobn int, err error) {
	if !c.ok() {
		return 0, 0, invalid("write")
	}
	n, oobn, err = c.s.writeMsg(ctx, b, oob, nil, flags)
	if err != nil {
		return n, oobn, c.err("write", err)
	}
	return n, oobn, nil
}

// ReadBatch reads up to len(ms) messages with one recvmmsg(2) call, waiting
// until at least one is available. It returns how many were read and fills
// their N, NN and Flags.
func (c *Conn) ReadBatch(ms []Message, flags int) (int, error) {
	return c.ReadBatchContext(nil, ms, flags)
}

// ReadBatchContext is ReadBatch with a context.
func (c *Conn) ReadBatchContext(ctx context.Context, ms []Message, flags int) (int, error) {
	if !c.ok() {
		return 0, invalid("read")
	}
	n, err := c.s.readBatch(ctx, ms, flags, false)
	if err != nil {
		return n, c.err("read", err)
	}
	return n, nil
}

// WriteBatch writes the messages with sendmmsg(2), calling it again after a
// partial batch until all are sent or an error occurs. It returns how many
// were sent.
func (c *Conn) WriteBatch(ms []Message, flags int) (int, error) {
	return c.WriteBatchContext(nil, ms, flags)
}

// WriteBatchContext is WriteBatch with a context.
func (c *Conn) WriteBatchContext(ctx context.Context, ms []Message, flags int) (int, error) {
	if !c.ok() {
		return 0, invalid("write")
	}
	n, err := c.s.writeBatch(ctx, ms, flags)
	if err != nil {
		return n, c.err("write", err)
	}
	return n, nil
}

// Close closes the connection. Blocked calls return errors matching
// net.ErrClosed; so does a second Close.
func (c *Conn) Close() error {
	if !c.ok() {
		return invalid("close")
	}
	return c.err("close", c.s.close())
}

// CloseRead shuts down the reading side (shutdown(2) with SHUT_RD).
func (c *Conn) CloseRead() error {
	if !c.ok() {
		return invalid("close")
	}
	return c.err("close", c.s.shutdown(shutRD))
}

// CloseWrite shuts down the writing side (shutdown(2) with SHUT_WR): the
// peer reads EOF.
func (c *Conn) CloseWrite() error {
	if !c.ok() {
		return invalid("close")
	}
	return c.err("close", c.s.shutdown(shutWR))
}

// LocalAddr returns the local address, or nil if the socket is unbound.
func (c *Conn) LocalAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	return c.s.laddr
}

// RemoteAddr returns the peer's address, or nil if not connected.
func (c *Conn) RemoteAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	return c.s.raddr
}

// SetDeadline implements net.Conn.
func (c *Conn) SetDeadline(t time.Time) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", c.s.setDeadline(t))
}

// SetReadDeadline implements net.Conn.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", c.s.setReadDeadline(t))
}

// SetWriteDeadline implements net.Conn.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", c.s.setWriteDeadline(t))
}

// SetReadBuffer sets the socket's receive buffer size (SO_RCVBUF, or
// SO_RCVBUFFORCE when privileged and needed).
func (c *Conn) SetReadBuffer(bytes int) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", c.s.setReadBuffer(bytes))
}

// SetWriteBuffer sets the socket's send buffer size.
func (c *Conn) SetWriteBuffer(bytes int) error {
	if !c.ok() {
		return invalid("set")
	}
	return c.err("set", c.s.setWriteBuffer(bytes))
}

// SyscallConn returns the raw connection, for socket options and other
// system calls the Conn does not wrap (see package control).
func (c *Conn) SyscallConn() (syscall.RawConn, error) {
	if !c.ok() {
		return nil, invalid("raw")
	}
	rc, err := c.s.syscallConn()
	if err != nil {
		return nil, c.err("raw", err)
	}
	return rc, nil
}

// File returns a duplicate of the socket as an *os.File. Closing either
// does not affect the other.
func (c *Conn) File() (*os.File, error) {
	if !c.ok() {
		return nil, invalid("file")
	}
	f, err := c.s.file()
	if err != nil {
		return nil, c.err("file", err)
	}
	return f, nil
}

// Proto returns the kind of socket.
func (c *Conn) Proto() Proto {
	if !c.ok() {
		return Proto{}
	}
	return c.s.proto
}
