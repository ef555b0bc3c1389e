package anysock

import (
	"context"
	"net"
	"os"
)

// Dial creates a socket of p, binds it to laddr if laddr is not nil and
// connects it to raddr if raddr is not nil. ctx bounds the connect; once
// Dial returns, ctx no longer affects the connection.
//
// With a nil raddr the returned Conn is bound but not connected: this is how
// sockets that have no peer but read and write through their binding are
// made, such as a CAN raw socket bound to an interface.
func (p Proto) Dial(ctx context.Context, laddr, raddr net.Addr, cfg *Config) (*Conn, error) {
	ctx = ctxOrBackground(ctx)
	if err := ctx.Err(); err != nil {
		return nil, opError("dial", p.Network, laddr, raddr, err, false)
	}
	s, err := newSock(p, cfg, laddr)
	if err != nil {
		return nil, opError("dial", p.Network, laddr, raddr, err, false)
	}
	if raddr != nil {
		if err := s.connect(ctx, raddr); err != nil {
			s.close()
			return nil, opError("dial", p.Network, laddr, raddr, err, false)
		}
	}
	if err := s.fillAddrs(raddr != nil); err != nil {
		s.close()
		return nil, opError("dial", p.Network, laddr, raddr, err, false)
	}
	return &Conn{s: s}, nil
}

// Listen creates a socket of p bound to laddr and listening for connections.
// ctx is checked before the socket is created; it does not affect the
// returned Listener.
func (p Proto) Listen(ctx context.Context, laddr net.Addr, cfg *Config) (*Listener, error) {
	ctx = ctxOrBackground(ctx)
	if err := ctx.Err(); err != nil {
		return nil, opError("listen", p.Network, nil, laddr, err, false)
	}
	s, err := newSock(p, cfg, laddr)
	if err != nil {
		return nil, opError("listen", p.Network, nil, laddr, err, false)
	}
	backlog := 0
	if cfg != nil {
		backlog = cfg.Backlog
	}
	if err := s.listen(backlog); err != nil {
		s.close()
		return nil, opError("listen", p.Network, nil, laddr, err, false)
	}
	if err := s.fillAddrs(false); err != nil {
		s.close()
		return nil, opError("listen", p.Network, nil, laddr, err, false)
	}
	return &Listener{s: s, unlink: unlinkPath(laddr)}, nil
}

// ListenPacket creates a datagram socket of p, bound to laddr if laddr is not
// nil. ctx is checked before the socket is created; it does not affect the
// returned PacketConn.
func (p Proto) ListenPacket(ctx context.Context, laddr net.Addr, cfg *Config) (*PacketConn, error) {
	ctx = ctxOrBackground(ctx)
	if err := ctx.Err(); err != nil {
		return nil, opError("listen", p.Network, nil, laddr, err, false)
	}
	s, err := newSock(p, cfg, laddr)
	if err != nil {
		return nil, opError("listen", p.Network, nil, laddr, err, false)
	}
	if err := s.fillAddrs(false); err != nil {
		s.close()
		return nil, opError("listen", p.Network, nil, laddr, err, false)
	}
	return &PacketConn{s: s}, nil
}

// FileConn returns a Conn for a duplicate of the socket open in f, which
// must be of p's family. Closing either does not affect the other.
func (p Proto) FileConn(f *os.File) (*Conn, error) {
	s, err := fileSock(p, f)
	if err != nil {
		return nil, opError("file", p.Network, nil, nil, err, false)
	}
	return &Conn{s: s}, nil
}

// FileListener returns a Listener for a duplicate of the listening socket
// open in f, which must be of p's family.
func (p Proto) FileListener(f *os.File) (*Listener, error) {
	s, err := fileSock(p, f)
	if err != nil {
		return nil, opError("file", p.Network, nil, nil, err, false)
	}
	return &Listener{s: s}, nil
}

// FilePacketConn returns a PacketConn for a duplicate of the socket open in
// f, which must be of p's family.
func (p Proto) FilePacketConn(f *os.File) (*PacketConn, error) {
	s, err := fileSock(p, f)
	if err != nil {
		return nil, opError("file", p.Network, nil, nil, err, false)
	}
	return &PacketConn{s: s}, nil
}

// unlinkPath returns the file system path a listener bound to a must remove
// on Close, as net.UnixListener does: only pathname Unix addresses.
func unlinkPath(a net.Addr) string {
	ua, ok := a.(*net.UnixAddr)
	if !ok || ua.Name == "" || ua.Name[0] == '@' || ua.Name[0] == 0 {
		return ""
	}
	return ua.Name
}
