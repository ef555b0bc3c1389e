package packet

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/anysock/anysock"
)

const (
	afPacket     = 17
	sockRaw      = 3
	sockDgram    = 2
	sockaddrSize = 20 // struct sockaddr_ll
)

// Network names.
const (
	// Raw frames include the link-layer header.
	Raw = "packet"
	// Cooked frames start at the network-layer header; the kernel adds and
	// strips the link-layer header using the address.
	Cooked = "packet-cooked"
)

// Syntax describes the address text, for error messages.
const Syntax = `"IFACE[/ETHERTYPE[/HWADDR]]", e.g. "eth0", "eth0/0x0806" or "eth0/ipv6/02:00:00:00:00:01" ("any" for all interfaces)`

// EtherTypes by name.
var etherTypes = map[string]uint16{
	"all": 0x0003, "ip": 0x0800, "arp": 0x0806, "ipv6": 0x86dd,
	"vlan": 0x8100, "lldp": 0x88cc,
}

// Addr is a link-layer address (struct sockaddr_ll).
type Addr struct {
	// Net is Raw or Cooked.
	Net string
	// Index is the interface index; 0 means any interface.
	Index int
	// Name is the interface name, if known (set by ParseAddr).
	Name string
	// EtherType is the protocol in host byte order (ETH_P_*).
	EtherType uint16
	// HardwareAddr is the link-layer address of the peer (sll_addr).
	HardwareAddr net.HardwareAddr
	// PacketType is sll_pkttype (PACKET_HOST, PACKET_BROADCAST, ...) on
	// received frames.
	PacketType uint8
	// HAType is the ARP hardware type (ARPHRD_*) on received frames.
	HAType uint16
}

// Network returns a.Net, or Raw if unset.
func (a *Addr) Network() string {
	if a == nil || a.Net == "" {
		return Raw
	}
	return a.Net
}

// String returns "IFACE/0xETHERTYPE[/HWADDR]" with IFACE the name if known,
// else the index.
func (a *Addr) String() string {
	if a == nil {
		return "<nil>"
	}
	iface := a.Name
	if iface == "" {
		iface = strconv.Itoa(a.Index)
	}
	s := fmt.Sprintf("%s/%#04x", iface, a.EtherType)
	if len(a.HardwareAddr) > 0 {
		s += "/" + a.HardwareAddr.String()
	}
	return s
}

// ParseAddr parses the text Addr.String prints, resolving an interface name
// to its index in the calling thread's network namespace.
func ParseAddr(network, s string) (*Addr, error) {
	if network != Raw && network != Cooked {
		return nil, net.UnknownNetworkError(network)
	}
	bad := func(why string) error {
		return &anysock.AddrError{Network: network, Addr: s, Err: why + "; want " + Syntax}
	}
	parts := strings.Split(s, "/")
	if len(parts) > 3 || parts[0] == "" {
		return nil, bad("malformed")
	}
	a := &Addr{Net: network, EtherType: etherTypes["all"]}
	switch iface := parts[0]; {
	case iface == "any":
	case isDigits(iface):
		n, err := strconv.ParseUint(iface, 10, 31)
		if err != nil {
			return nil, bad("interface index out of range")
		}
		a.Index = int(n)
	default:
		ifi, err := net.InterfaceByName(iface)
		if err != nil {
			return nil, bad(fmt.Sprintf("unknown interface %q", iface))
		}
		a.Index, a.Name = ifi.Index, ifi.Name
	}
	if len(parts) > 1 {
		if t, ok := etherTypes[parts[1]]; ok {
			a.EtherType = t
		} else {
			n, err := strconv.ParseUint(parts[1], 0, 16)
			if err != nil {
				return nil, bad(fmt.Sprintf("bad EtherType %q", parts[1]))
			}
			a.EtherType = uint16(n)
		}
	}
	if len(parts) > 2 {
		hw, err := net.ParseMAC(parts[2])
		if err != nil || len(hw) > 8 {
			return nil, bad(fmt.Sprintf("bad hardware address %q", parts[2]))
		}
		a.HardwareAddr = hw
	}
	return a, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Codec is the anysock.Codec of AF_PACKET. Net names decoded addresses.
type Codec struct{ Net string }

// Family returns AF_PACKET.
func (Codec) Family() int { return afPacket }

// AppendSockaddr appends a struct sockaddr_ll for addr, an *Addr.
func (c Codec) AppendSockaddr(b []byte, addr net.Addr) ([]byte, error) {
	a, ok := addr.(*Addr)
	if !ok || a == nil {
		return nil, &anysock.AddrError{Network: c.Net, Addr: fmt.Sprint(addr), Err: "not a *packet.Addr"}
	}
	if len(a.HardwareAddr) > 8 || a.Index < 0 || a.Index > 1<<31-1 {
		return nil, &anysock.AddrError{Network: c.Net, Addr: a.String(), Err: "hardware address longer than 8 bytes or bad index"}
	}
	b = binary.NativeEndian.AppendUint16(b, afPacket)
	b = binary.BigEndian.AppendUint16(b, a.EtherType)
	b = binary.NativeEndian.AppendUint32(b, uint32(a.Index))
	b = binary.NativeEndian.AppendUint16(b, a.HAType)
	b = append(b, a.PacketType, byte(len(a.HardwareAddr)))
	var hw [8]byte
	copy(hw[:], a.HardwareAddr)
	return append(b, hw[:]...), nil
}

// ParseSockaddr decodes a struct sockaddr_ll.
func (c Codec) ParseSockaddr(b []byte) (net.Addr, error) {
	if len(b) < 12 || binary.NativeEndian.Uint16(b) != afPacket {
		return nil, &anysock.AddrError{Network: c.Net, Err: fmt.Sprintf("malformed sockaddr_ll (%d bytes)", len(b))}
	}
	a := &Addr{
		Net:        c.Net,
		EtherType:  binary.BigEndian.Uint16(b[2:]),
		Index:      int(int32(binary.NativeEndian.Uint32(b[4:]))),
		HAType:     binary.NativeEndian.Uint16(b[8:]),
		PacketType: b[10],
	}
	if n := int(b[11]); n > 0 {
		if n > 8 || 12+n > len(b) {
			return nil, &anysock.AddrError{Network: c.Net, Err: "sockaddr_ll hardware address length out of range"}
		}
		a.HardwareAddr = append(net.HardwareAddr(nil), b[12:12+n]...)
	}
	return a, nil
}

// Proto returns the anysock.Proto for network (Raw or Cooked) receiving
// frames of etherType (host byte order; 0x0003 for all).
func Proto(network string, etherType uint16) (anysock.Proto, error) {
	typ := sockRaw
	switch network {
	case Raw:
	case Cooked:
		typ = sockDgram
	default:
		return anysock.Proto{}, net.UnknownNetworkError(network)
	}
	// The protocol argument of socket(2) is in network byte order.
	proto := int(etherType>>8 | etherType<<8)
	return anysock.Proto{Network: network, Codec: Codec{Net: network}, Type: typ, Protocol: proto, Modules: []string{"af_packet"}}, nil
}

// ListenPacket opens a packet socket receiving frames of laddr.EtherType on
// interface laddr.Index (0: all interfaces).
func ListenPacket(ctx context.Context, laddr *Addr, cfg *anysock.Config) (*anysock.PacketConn, error) {
	if laddr == nil {
		return nil, &net.OpError{Op: "listen", Net: Raw, Err: &anysock.AddrError{Network: Raw, Err: "missing address; want " + Syntax}}
	}
	p, err := Proto(laddr.Network(), laddr.EtherType)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: laddr.Network(), Err: err}
	}
	return p.ListenPacket(ctx, laddr, cfg)
}
