package netlink

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/anysock/anysock"
)

// Linux constants, kept here so the portable part builds everywhere.
const (
	afNetlink    = 16
	sockRaw      = 3
	sockaddrSize = 12 // struct sockaddr_nl
)

// Network is the anysock network name of netlink sockets.
const Network = "netlink"

// AddrSyntax describes the peer address text, for error messages.
const AddrSyntax = `"PORTID" or "PORTID:GROUPMASK", e.g. "0" for the kernel or "4321:0x11"`

// ListenSyntax describes the listen address text, for error messages.
const ListenSyntax = `"PROTOCOL" or "PROTOCOL:GROUP,GROUP...", e.g. "route", "route:link,ipv4-ifaddr" or "generic"; protocols: `

// Addr is a netlink socket address: a port ID (0 is the kernel) and a
// bitmask of multicast groups 1 to 32 (bit g-1 for group g).
type Addr struct {
	PID    uint32
	Groups uint32
}

// Network returns "netlink".
func (a *Addr) Network() string { return Network }

// String returns "PID" or "PID:0xGROUPS".
func (a *Addr) String() string {
	if a == nil {
		return "<nil>"
	}
	if a.Groups == 0 {
		return strconv.FormatUint(uint64(a.PID), 10)
	}
	return fmt.Sprintf("%d:%#x", a.PID, a.Groups)
}

// ParseAddr parses the text Addr.String prints.
func ParseAddr(s string) (*Addr, error) {
	pid, groups, hasGroups := strings.Cut(s, ":")
	p, err := strconv.ParseUint(pid, 10, 32)
	if err != nil {
		return nil, &anysock.AddrError{Network: Network, Addr: s, Err: "bad port ID; want " + AddrSyntax}
	}
	a := &Addr{PID: uint32(p)}
	if hasGroups {
		g, err := strconv.ParseUint(groups, 0, 32)
		if err != nil {
			return nil, &anysock.AddrError{Network: Network, Addr: s, Err: "bad group mask; want " + AddrSyntax}
		}
		a.Groups = uint32(g)
	}
	return a, nil
}

// Protocol numbers (NETLINK_*) by name.
var protocols = map[string]int{
	"route":          0,
	"usersock":       2,
	"firewall":       3,
	"sock_diag":      4,
	"inet_diag":      4,
	"nflog":          5,
	"xfrm":           6,
	"selinux":        7,
	"iscsi":          8,
	"audit":          9,
	"fib_lookup":     10,
	"connector":      11,
	"netfilter":      12,
	"ip6_fw":         13,
	"dnrtmsg":        14,
	"kobject_uevent": 15,
	"generic":        16,
	"scsitransport":  18,
	"ecryptfs":       19,
	"rdma":           20,
	"crypto":         21,
	"smc":            22,
}

// ProtocolNames returns the known protocol names, sorted.
func ProtocolNames() []string {
	names := make([]string, 0, len(protocols))
	for n := range protocols {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParseProtocol returns the NETLINK_* number of a protocol name or decimal
// number.
func ParseProtocol(s string) (int, error) {
	if p, ok := protocols[s]; ok {
		return p, nil
	}
	if n, err := strconv.ParseUint(s, 10, 8); err == nil && n < 32 {
		return int(n), nil
	}
	return 0, &anysock.AddrError{Network: Network, Addr: s,
		Err: "unknown protocol; want " + ListenSyntax + strings.Join(ProtocolNames(), ", ")}
}

// Route multicast groups (RTNLGRP_*) by name, for ParseListenAddr.
var routeGroups = map[string]uint32{
	"link": 1, "notify": 2, "neigh": 3, "tc": 4,
	"ipv4-ifaddr": 5, "ipv4-mroute": 6, "ipv4-route": 7, "ipv4-rule": 8,
	"ipv6-ifaddr": 9, "ipv6-mroute": 10, "ipv6-route": 11, "ipv6-ifinfo": 12,
	"ipv6-prefix": 18, "ipv6-rule": 19, "nd-useropt": 20,
	"ipv4-netconf": 24, "ipv6-netconf": 25, "mdb": 26, "mpls-route": 27, "nsid": 28,
}

// ParseListenAddr parses a dispatcher listen address: a protocol and an
// optional comma-separated list of multicast groups, each a number (1 and
// up) or, for the route protocol, an RTNLGRP name without the prefix
// ("link", "ipv4-ifaddr", "ipv6-route", ...).
func ParseListenAddr(s string) (protocol int, groups []uint32, err error) {
	proto, list, hasGroups := strings.Cut(s, ":")
	if protocol, err = ParseProtocol(proto); err != nil {
		return 0, nil, err
	}
	if !hasGroups {
		return protocol, nil, nil
	}
	for _, g := range strings.Split(list, ",") {
		if n, ok := routeGroups[g]; ok && protocol == 0 {
			groups = append(groups, n)
			continue
		}
		n, perr := strconv.ParseUint(g, 10, 32)
		if perr != nil || n == 0 {
			return 0, nil, &anysock.AddrError{Network: Network, Addr: s,
				Err: fmt.Sprintf("bad multicast group %q: want a number from 1 or a route group name; syntax %s", g, ListenSyntax[:strings.Index(ListenSyntax, ";")])}
		}
		groups = append(groups, uint32(n))
	}
	return protocol, groups, nil
}

// Codec is the anysock.Codec of AF_NETLINK (struct sockaddr_nl).
type Codec struct{}

// Family returns AF_NETLINK.
func (Codec) Family() int { return afNetlink }

// AppendSockaddr appends a struct sockaddr_nl for addr, an *Addr.
func (Codec) AppendSockaddr(b []byte, addr net.Addr) ([]byte, error) {
	a, ok := addr.(*Addr)
	if !ok || a == nil {
		return nil, &anysock.AddrError{Network: Network, Addr: fmt.Sprint(addr), Err: "not a *netlink.Addr"}
	}
	b = binary.NativeEndian.AppendUint16(b, afNetlink)
	b = append(b, 0, 0)
	b = binary.NativeEndian.AppendUint32(b, a.PID)
	return binary.NativeEndian.AppendUint32(b, a.Groups), nil
}

// ParseSockaddr decodes a struct sockaddr_nl.
func (Codec) ParseSockaddr(b []byte) (net.Addr, error) {
	if len(b) < sockaddrSize || binary.NativeEndian.Uint16(b) != afNetlink {
		return nil, &anysock.AddrError{Network: Network, Err: fmt.Sprintf("malformed sockaddr_nl (%d bytes)", len(b))}
	}
	return &Addr{PID: binary.NativeEndian.Uint32(b[4:]), Groups: binary.NativeEndian.Uint32(b[8:])}, nil
}

// Proto returns the anysock.Proto of a netlink protocol (NETLINK_ROUTE,
// ...).
func Proto(protocol int) anysock.Proto {
	return anysock.Proto{Network: Network, Codec: Codec{}, Type: sockRaw, Protocol: protocol}
}

// ListenPacket opens a netlink socket of protocol, bound to port ID pid (0
// lets the kernel choose) and joined to the multicast groups. Groups 1 to 32
// are joined at bind time, larger ones with NETLINK_ADD_MEMBERSHIP.
func ListenPacket(ctx context.Context, protocol int, pid uint32, groups []uint32, cfg *anysock.Config) (*anysock.PacketConn, error) {
	var mask uint32
	var extra []uint32
	for _, g := range groups {
		switch {
		case g == 0:
			return nil, &net.OpError{Op: "listen", Net: Network, Err: &anysock.AddrError{Network: Network, Err: "multicast group 0 does not exist; groups start at 1"}}
		case g <= 32:
			mask |= 1 << (g - 1)
		default:
			extra = append(extra, g)
		}
	}
	c, err := Proto(protocol).ListenPacket(ctx, &Addr{PID: pid, Groups: mask}, cfg)
	if err != nil {
		return nil, err
	}
	for _, g := range extra {
		if err := JoinGroup(c, g); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}
