package families

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/families/netlink"
	"github.com/anysock/anysock/families/packet"
	"github.com/anysock/anysock/families/unix"
)

// A Network describes one network name the dispatcher knows.
type Network struct {
	// Name is the network name, such as "unixpacket" or "netlink".
	Name string
	// Family is the address family, such as "AF_UNIX".
	Family string
	// Syntax describes the address text Dial, Listen and ListenPacket take.
	Syntax string
	// Example is a valid address.
	Example string

	// The constructors return anysock's types or family types embedding
	// them. They must return a nil interface, not a typed nil, on error.
	dial         func(ctx context.Context, address string) (net.Conn, error)
	listen       func(ctx context.Context, address string) (net.Listener, error)
	listenPacket func(ctx context.Context, address string) (net.PacketConn, error)
	parse        func(address string) (net.Addr, error)
}

// CanDial, CanListen and CanListenPacket report which calls the network
// supports.
func (n Network) CanDial() bool         { return n.dial != nil }
func (n Network) CanListen() bool       { return n.listen != nil }
func (n Network) CanListenPacket() bool { return n.listenPacket != nil }

// networks returns the dispatcher's table. It is built on each call so that
// no package-level state can be modified.
func networks() []Network {
	var nets []Network
	for _, name := range []string{"unix", "unixpacket", "unixgram"} {
		name := name
		n := Network{
			Name: name, Family: "AF_UNIX", Syntax: unix.Syntax, Example: "@anysock-example",
			parse: func(a string) (net.Addr, error) { return unix.ParseAddr(name, a) },
		}
		if name == "unixgram" {
			n.listenPacket = func(ctx context.Context, a string) (net.PacketConn, error) {
				la, err := unix.ParseAddr(name, a)
				if err != nil {
					return nil, err
				}
				return packetConn(unix.ListenPacket(ctx, name, la, nil))
			}
		} else {
			n.listen = func(ctx context.Context, a string) (net.Listener, error) {
				la, err := unix.ParseAddr(name, a)
				if err != nil {
					return nil, err
				}
				return listener(unix.Listen(ctx, name, la, nil))
			}
		}
		n.dial = func(ctx context.Context, a string) (net.Conn, error) {
			ra, err := unix.ParseAddr(name, a)
			if err != nil {
				return nil, err
			}
			return conn(unix.Dial(ctx, name, nil, ra, nil))
		}
		nets = append(nets, n)
	}
	nets = append(nets, Network{
		Name: netlink.Network, Family: "AF_NETLINK",
		Syntax:  netlink.ListenSyntax + strings.Join(netlink.ProtocolNames(), ", ") + ` (peer addresses for WriteTo: ` + netlink.AddrSyntax + `)`,
		Example: "route",
		parse:   func(a string) (net.Addr, error) { return netlink.ParseAddr(a) },
		listenPacket: func(ctx context.Context, a string) (net.PacketConn, error) {
			proto, groups, err := netlink.ParseListenAddr(a)
			if err != nil {
				return nil, err
			}
			return packetConn(netlink.ListenPacket(ctx, proto, 0, groups, nil))
		},
		dial: func(ctx context.Context, a string) (net.Conn, error) {
			proto, groups, err := netlink.ParseListenAddr(a)
			if err != nil {
				return nil, err
			}
			var mask uint32
			for _, g := range groups {
				if g > 32 {
					return nil, &anysock.AddrError{Network: netlink.Network, Addr: a, Err: "Dial joins groups 1 to 32 only; use ListenPacket"}
				}
				mask |= 1 << (g - 1)
			}
			return conn(netlink.Proto(proto).Dial(ctx, &netlink.Addr{Groups: mask}, &netlink.Addr{}, nil))
		},
	})
	for _, name := range []string{packet.Raw, packet.Cooked} {
		name := name
		parse := func(a string) (*packet.Addr, error) { return packet.ParseAddr(name, a) }
		nets = append(nets, Network{
			Name: name, Family: "AF_PACKET", Syntax: packet.Syntax, Example: "lo/0x88b5",
			parse: func(a string) (net.Addr, error) { return parse(a) },
			listenPacket: func(ctx context.Context, a string) (net.PacketConn, error) {
				la, err := parse(a)
				if err != nil {
					return nil, err
				}
				return packetConn(packet.ListenPacket(ctx, la, nil))
			},
			dial: func(ctx context.Context, a string) (net.Conn, error) {
				la, err := parse(a)
				if err != nil {
					return nil, err
				}
				p, err := packet.Proto(name, la.EtherType)
				if err != nil {
					return nil, err
				}
				return conn(p.Dial(ctx, la, nil, nil))
			},
		})
	}
	return append(nets, canNetworks()...)
}

// canNetworks returns the SocketCAN networks: raw frames, the broadcast
// manager, ISO-TP and J1939.
func canNetworks() []Network {
	parseIface := func(a string) (net.Addr, error) { return can.ParseAddr(a) }
	return []Network{
		{
			Name: can.Network, Family: "AF_CAN", Syntax: can.AddrSyntax, Example: "vcan0",
			parse: parseIface,
			dial: func(ctx context.Context, a string) (net.Conn, error) {
				if _, err := can.ParseAddr(a); err != nil {
					return nil, err
				}
				return conn(can.Dial(ctx, a, nil))
			},
			listenPacket: func(ctx context.Context, a string) (net.PacketConn, error) {
				if _, err := can.ParseAddr(a); err != nil {
					return nil, err
				}
				return packetConn(can.ListenPacket(ctx, a, nil))
			},
		},
		{
			Name: "can-bcm", Family: "AF_CAN", Syntax: can.AddrSyntax, Example: "vcan0",
			parse: parseIface,
			dial: func(ctx context.Context, a string) (net.Conn, error) {
				if _, err := can.ParseAddr(a); err != nil {
					return nil, err
				}
				return conn(can.DialBCM(ctx, a, nil))
			},
		},
		{
			Name: "can-isotp", Family: "AF_CAN", Syntax: can.ISOTPSyntax, Example: "vcan0:7E0:7E8",
			parse: func(a string) (net.Addr, error) { return can.ParseISOTPAddr(a) },
			dial: func(ctx context.Context, a string) (net.Conn, error) {
				addr, err := can.ParseISOTPAddr(a)
				if err != nil {
					return nil, err
				}
				return conn(can.DialISOTP(ctx, addr, nil))
			},
		},
		{
			Name: "can-j1939", Family: "AF_CAN", Syntax: can.J1939Syntax, Example: "vcan0:80",
			parse: func(a string) (net.Addr, error) { return can.ParseJ1939Addr(a) },
			listenPacket: func(ctx context.Context, a string) (net.PacketConn, error) {
				addr, err := can.ParseJ1939Addr(a)
				if err != nil {
					return nil, err
				}
				return packetConn(can.ListenJ1939(ctx, addr, nil))
			},
		},
	}
}

// conn, listener and packetConn turn a constructor's (typed pointer, error)
// into an interface value that is nil on error.
func conn[T net.Conn](c T, err error) (net.Conn, error) {
	if err != nil {
		return nil, err
	}
	return c, nil
}

func listener[T net.Listener](l T, err error) (net.Listener, error) {
	if err != nil {
		return nil, err
	}
	return l, nil
}

func packetConn[T net.PacketConn](c T, err error) (net.PacketConn, error) {
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Networks returns the networks the dispatcher knows, sorted by name.
func Networks() []Network {
	nets := networks()
	sort.Slice(nets, func(i, j int) bool { return nets[i].Name < nets[j].Name })
	return nets
}

func lookup(op, network string) (Network, error) {
	for _, n := range networks() {
		if n.Name == network {
			return n, nil
		}
	}
	return Network{}, &net.OpError{Op: op, Net: network, Err: &UnknownNetworkError{Network: network, Known: names()}}
}

func names() []string {
	var ns []string
	for _, n := range Networks() {
		ns = append(ns, n.Name)
	}
	return ns
}

// An UnknownNetworkError reports a network name the dispatcher does not know.
type UnknownNetworkError struct {
	Network string
	Known   []string
}

func (e *UnknownNetworkError) Error() string {
	return fmt.Sprintf("unknown network %q; known networks: %s", e.Network, strings.Join(e.Known, ", "))
}

// wrap puts a parse or construction error into a *net.OpError unless it
// already is one.
func wrap(op, network, address string, err error) error {
	if _, ok := err.(*net.OpError); ok {
		return err
	}
	return &net.OpError{Op: op, Net: network, Addr: textAddr{network, address}, Err: err}
}

// textAddr is an unparsed address, for errors.
type textAddr struct{ net, addr string }

func (a textAddr) Network() string { return a.net }
func (a textAddr) String() string  { return a.addr }

// Dial connects to address on network. For datagram families without peers
// (packet) it returns a socket bound to address. The net.Conn is an
// *anysock.Conn.
func Dial(ctx context.Context, network, address string) (net.Conn, error) {
	n, err := lookup("dial", network)
	if err != nil {
		return nil, err
	}
	if n.dial == nil {
		return nil, wrap("dial", network, address, fmt.Errorf("network %q cannot be dialled", network))
	}
	c, err := n.dial(ctx, address)
	if err != nil {
		return nil, wrap("dial", network, address, err)
	}
	return c, nil
}

// Listen listens for connections on address of a connection-oriented
// network. The net.Listener is an *anysock.Listener.
func Listen(ctx context.Context, network, address string) (net.Listener, error) {
	n, err := lookup("listen", network)
	if err != nil {
		return nil, err
	}
	if n.listen == nil {
		return nil, wrap("listen", network, address, fmt.Errorf("network %q is not connection-oriented; use ListenPacket", network))
	}
	l, err := n.listen(ctx, address)
	if err != nil {
		return nil, wrap("listen", network, address, err)
	}
	return l, nil
}

// ListenPacket opens a datagram socket on address. The net.PacketConn is an
// *anysock.PacketConn.
func ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	n, err := lookup("listen", network)
	if err != nil {
		return nil, err
	}
	if n.listenPacket == nil {
		return nil, wrap("listen", network, address, fmt.Errorf("network %q is connection-oriented; use Listen or Dial", network))
	}
	c, err := n.listenPacket(ctx, address)
	if err != nil {
		return nil, wrap("listen", network, address, err)
	}
	return c, nil
}

// ParseAddr parses a peer address of network in the text its Addr.String
// prints.
func ParseAddr(network, address string) (net.Addr, error) {
	n, err := lookup("parse", network)
	if err != nil {
		return nil, err
	}
	a, err := n.parse(address)
	if err != nil {
		return nil, wrap("parse", network, address, err)
	}
	return a, nil
}
