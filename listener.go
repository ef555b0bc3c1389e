package anysock

import (
	"context"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

var _ net.Listener = (*Listener)(nil)

// A Listener accepts connections on a listening socket of any
// connection-oriented family (stream or sequenced-packet). It implements
// net.Listener and is safe for concurrent use.
type Listener struct {
	s *sock

	unlink     string // path to remove on Close ("" for none)
	unlinkOnce sync.Once
	keepPath   bool
}

func (l *Listener) ok() bool { return l != nil && l.s != nil }

func (l *Listener) err(op string, err error) error {
	return opError(op, l.s.proto.Network, nil, l.s.laddr, err, l.s.closed.Load())
}

// Accept implements net.Listener; the returned net.Conn is a *Conn.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.AcceptContext(nil)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptContext waits for the next connection until it arrives, ctx is done,
// the deadline passes or the Listener is closed.
func (l *Listener) AcceptContext(ctx context.Context) (*Conn, error) {
	if !l.ok() {
		return nil, invalid("accept")
	}
	s, err := l.s.accept(ctx)
	if err != nil {
		return nil, l.err("accept", err)
	}
	return &Conn{s: s}, nil
}

// Close stops listening. Blocked Accept calls return errors matching
// net.ErrClosed. A Unix listener bound to a file system path removes the
// socket file, as net.UnixListener does, unless SetUnlinkOnClose(false) was
// called.
func (l *Listener) Close() error {
	if !l.ok() {
		return invalid("close")
	}
	err := l.s.close()
	l.unlinkOnce.Do(func() {
		if l.unlink != "" && !l.keepPath {
			os.Remove(l.unlink)
		}
	})
	return l.err("close", err)
}

// SetUnlinkOnClose sets whether Close removes the socket file of a Unix
// listener bound to a path (the default is true).
func (l *Listener) SetUnlinkOnClose(unlink bool) {
	if l.ok() {
		l.keepPath = !unlink
	}
}

// Addr returns the listener's local address.
func (l *Listener) Addr() net.Addr {
	if !l.ok() {
		return nil
	}
	return l.s.laddr
}

// SetDeadline sets the deadline for Accept.
func (l *Listener) SetDeadline(t time.Time) error {
	if !l.ok() {
		return invalid("set")
	}
	return l.err("set", l.s.setReadDeadline(t))
}

// SyscallConn returns the raw connection of the listening socket.
func (l *Listener) SyscallConn() (syscall.RawConn, error) {
	if !l.ok() {
		return nil, invalid("raw")
	}
	rc, err := l.s.syscallConn()
	if err != nil {
		return nil, l.err("raw", err)
	}
	return rc, nil
}

// File returns a duplicate of the listening socket as an *os.File.
func (l *Listener) File() (*os.File, error) {
	if !l.ok() {
		return nil, invalid("file")
	}
	f, err := l.s.file()
	if err != nil {
		return nil, l.err("file", err)
	}
	return f, nil
}
