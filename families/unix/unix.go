package unix

import (
	"context"
	"encoding/binary"
	"net"
	"strings"

	"github.com/anysock/anysock"
)

// Addr is a Unix socket address: the standard library's type.
type Addr = net.UnixAddr

// Socket type constants of Linux, kept here so this file builds everywhere.
const (
	sockStream    = 1
	sockDgram     = 2
	sockSeqpacket = 5
	afUnix        = 1
	// maxPath is the size of sun_path.
	maxPath = 108
	// pathOffset is offsetof(struct sockaddr_un, sun_path).
	pathOffset = 2
)

// Syntax describes the accepted address text, for error messages.
const Syntax = `a file system path such as "/run/app.sock", or "@name" for the Linux abstract namespace`

// Proto returns the anysock.Proto for network "unix", "unixpacket" or
// "unixgram".
func Proto(network string) (anysock.Proto, error) {
	var typ int
	switch network {
	case "unix":
		typ = sockStream
	case "unixpacket":
		typ = sockSeqpacket
	case "unixgram":
		typ = sockDgram
	default:
		return anysock.Proto{}, net.UnknownNetworkError(network)
	}
	return anysock.Proto{Network: network, Codec: Codec{Net: network}, Type: typ}, nil
}

// ParseAddr parses a Unix socket address for network: a path or "@name",
// the text that Addr.String prints. It rejects empty names, NUL bytes in
// paths and names longer than sun_path.
func ParseAddr(network, address string) (*Addr, error) {
	if _, err := Proto(network); err != nil {
		return nil, err
	}
	if address == "" {
		return nil, &anysock.AddrError{Network: network, Err: "empty address; want " + Syntax}
	}
	a := &Addr{Name: address, Net: network}
	if err := check(a); err != nil {
		return nil, err
	}
	return a, nil
}

func check(a *Addr) error {
	name := a.Name
	limit := maxPath - 1 // room for the terminating NUL of a path
	if strings.HasPrefix(name, "@") {
		name = name[1:]
		limit = maxPath - 1 // the leading NUL takes one byte
	} else if strings.IndexByte(name, 0) >= 0 {
		return &anysock.AddrError{Network: a.Net, Addr: a.Name, Err: "path contains a NUL byte; want " + Syntax}
	}
	if len(name) > limit {
		return &anysock.AddrError{Network: a.Net, Addr: a.Name, Err: "longer than the 107 bytes sun_path holds"}
	}
	return nil
}

// Codec is the anysock.Codec of AF_UNIX. Net is the network name given to
// decoded addresses.
type Codec struct {
	Net string
}

// Family returns AF_UNIX.
func (Codec) Family() int { return afUnix }

// AppendSockaddr appends a struct sockaddr_un for addr, which must be a
// *net.UnixAddr. An empty name encodes only sa_family, which binds to an
// automatically chosen abstract name.
func (c Codec) AppendSockaddr(b []byte, addr net.Addr) ([]byte, error) {
	a, ok := addr.(*Addr)
	if !ok || a == nil {
		return nil, &anysock.AddrError{Network: c.Net, Addr: addrText(addr), Err: "not a *net.UnixAddr"}
	}
	if err := check(a); err != nil {
		return nil, err
	}
	b = binary.NativeEndian.AppendUint16(b, afUnix)
	if a.Name == "" {
		return b, nil
	}
	if a.Name[0] == '@' {
		b = append(b, 0)
		return append(b, a.Name[1:]...), nil
	}
	b = append(b, a.Name...)
	return append(b, 0), nil
}

// ParseSockaddr decodes a struct sockaddr_un of the length the kernel
// reported.
func (c Codec) ParseSockaddr(b []byte) (net.Addr, error) {
	if len(b) < pathOffset {
		return nil, &anysock.AddrError{Network: c.Net, Err: "sockaddr shorter than sa_family"}
	}
	if f := binary.NativeEndian.Uint16(b); f != afUnix {
		return nil, &anysock.AddrError{Network: c.Net, Err: "sockaddr is not AF_UNIX"}
	}
	path := b[pathOffset:]
	if len(path) > maxPath {
		path = path[:maxPath]
	}
	switch {
	case len(path) == 0:
		return &Addr{Net: c.Net}, nil
	case path[0] == 0:
		return &Addr{Name: "@" + string(path[1:]), Net: c.Net}, nil
	}
	if i := strings.IndexByte(string(path), 0); i >= 0 {
		path = path[:i]
	}
	return &Addr{Name: string(path), Net: c.Net}, nil
}

func addrText(a net.Addr) string {
	if a == nil {
		return "<nil>"
	}
	return a.Network() + " " + a.String()
}

// Dial connects to raddr over network ("unix" or "unixpacket"; "unixgram"
// gives a connected datagram socket), binding to laddr first if it is not
// nil.
func Dial(ctx context.Context, network string, laddr, raddr *Addr, cfg *anysock.Config) (*anysock.Conn, error) {
	p, err := Proto(network)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	if raddr == nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &anysock.AddrError{Network: network, Err: "missing remote address; want " + Syntax}}
	}
	return p.Dial(ctx, optAddr(laddr), raddr, cfg)
}

// Listen listens on laddr for network "unix" or "unixpacket". A nil laddr or
// empty name binds to an automatically chosen abstract name.
func Listen(ctx context.Context, network string, laddr *Addr, cfg *anysock.Config) (*anysock.Listener, error) {
	p, err := Proto(network)
	if err != nil || network == "unixgram" {
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	if laddr == nil {
		laddr = &Addr{Net: network}
	}
	return p.Listen(ctx, laddr, cfg)
}

// ListenPacket opens a "unixgram" socket bound to laddr; a nil laddr leaves
// it unbound (it can send but not be replied to), an empty name autobinds.
func ListenPacket(ctx context.Context, network string, laddr *Addr, cfg *anysock.Config) (*anysock.PacketConn, error) {
	p, err := Proto(network)
	if err != nil || network != "unixgram" {
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	return p.ListenPacket(ctx, optAddr(laddr), cfg)
}

// optAddr keeps a nil *Addr from becoming a non-nil net.Addr.
func optAddr(a *Addr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}
