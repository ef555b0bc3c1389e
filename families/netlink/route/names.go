package route

import (
	"strconv"
	"strings"
)

// A Family is an address family of rtnetlink objects.
type Family uint8

// Address families.
const (
	FamilyAll   Family = 0  // AF_UNSPEC: every family, in requests
	FamilyIPv4  Family = 2  // AF_INET
	FamilyIPv6  Family = 10 // AF_INET6
	FamilyMPLS  Family = 28 // AF_MPLS
	FamilyIPMR  Family = 128
	FamilyIP6MR Family = 129
)

// String returns iproute2's name of the family ("inet", "inet6", ...).
func (f Family) String() string {
	switch f {
	case FamilyAll:
		return "unspec"
	case FamilyIPv4:
		return "inet"
	case FamilyIPv6:
		return "inet6"
	case FamilyMPLS:
		return "mpls"
	case 7:
		return "bridge"
	case FamilyIPMR:
		return "ipmr"
	case FamilyIP6MR:
		return "ip6mr"
	}
	return strconv.Itoa(int(f))
}

// bits returns the address length in bits of an IP family, or 0.
func (f Family) bits() int {
	switch f {
	case FamilyIPv4:
		return 32
	case FamilyIPv6:
		return 128
	}
	return 0
}

// A Table is a routing table ID.
type Table uint32

// Reserved routing tables.
const (
	TableUnspec  Table = 0
	TableDefault Table = 253
	TableMain    Table = 254
	TableLocal   Table = 255
)

// String returns iproute2's name of the table ("main", "local", "default",
// "unspec") or its number.
func (t Table) String() string {
	switch t {
	case TableUnspec:
		return "unspec"
	case TableDefault:
		return "default"
	case TableMain:
		return "main"
	case TableLocal:
		return "local"
	}
	return strconv.FormatUint(uint64(t), 10)
}

// ParseTable parses a table name or number as printed by Table.String.
func ParseTable(s string) (Table, error) {
	for _, t := range []Table{TableUnspec, TableDefault, TableMain, TableLocal} {
		if s == t.String() {
			return t, nil
		}
	}
	n, err := strconv.ParseUint(s, 0, 32)
	if err != nil {
		return 0, &ParseError{What: "routing table", Text: s}
	}
	return Table(n), nil
}

// A Protocol says who installed a route (rtm_protocol).
type Protocol uint8

// Route protocols (RTPROT_*).
const (
	ProtocolUnspec   Protocol = 0
	ProtocolRedirect Protocol = 1
	ProtocolKernel   Protocol = 2
	ProtocolBoot     Protocol = 3
	ProtocolStatic   Protocol = 4
	ProtocolRA       Protocol = 9
	ProtocolDHCP     Protocol = 16
)

// protocolNames are iproute2's defaults (/etc/iproute2/rt_protos).
var protocolNames = map[Protocol]string{
	0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static",
	8: "gated", 9: "ra", 10: "mrt", 11: "zebra", 12: "bird", 13: "dnrouted",
	14: "xorp", 15: "ntk", 16: "dhcp", 18: "keepalived", 42: "babel",
	99: "openr", 186: "bgp", 187: "isis", 188: "ospf", 189: "rip", 192: "eigrp",
}

// String returns iproute2's name of the protocol ("kernel", "boot",
// "static", "dhcp", ...) or its number.
func (p Protocol) String() string {
	if n, ok := protocolNames[p]; ok {
		return n
	}
	return strconv.Itoa(int(p))
}

// ParseProtocol parses a protocol name or number.
func ParseProtocol(s string) (Protocol, error) {
	for p, n := range protocolNames {
		if n == s {
			return p, nil
		}
	}
	n, err := strconv.ParseUint(s, 0, 8)
	if err != nil {
		return 0, &ParseError{What: "route protocol", Text: s}
	}
	return Protocol(n), nil
}

// A Scope is the scope of a route or address.
type Scope uint8

// Scopes (RT_SCOPE_*).
const (
	ScopeUniverse Scope = 0
	ScopeSite     Scope = 200
	ScopeLink     Scope = 253
	ScopeHost     Scope = 254
	ScopeNowhere  Scope = 255
)

// String returns iproute2's name ("global", "site", "link", "host",
// "nowhere") or the number.
func (s Scope) String() string {
	switch s {
	case ScopeUniverse:
		return "global"
	case ScopeSite:
		return "site"
	case ScopeLink:
		return "link"
	case ScopeHost:
		return "host"
	case ScopeNowhere:
		return "nowhere"
	}
	return strconv.Itoa(int(s))
}

// ParseScope parses a scope name or number.
func ParseScope(s string) (Scope, error) {
	for _, sc := range []Scope{ScopeUniverse, ScopeSite, ScopeLink, ScopeHost, ScopeNowhere} {
		if s == sc.String() {
			return sc, nil
		}
	}
	n, err := strconv.ParseUint(s, 0, 8)
	if err != nil {
		return 0, &ParseError{What: "scope", Text: s}
	}
	return Scope(n), nil
}

// A RouteType is the kind of a route (rtm_type).
type RouteType uint8

// Route types (RTN_*).
const (
	TypeUnspec      RouteType = 0
	TypeUnicast     RouteType = 1
	TypeLocal       RouteType = 2
	TypeBroadcast   RouteType = 3
	TypeAnycast     RouteType = 4
	TypeMulticast   RouteType = 5
	TypeBlackhole   RouteType = 6
	TypeUnreachable RouteType = 7
	TypeProhibit    RouteType = 8
	TypeThrow       RouteType = 9
	TypeNAT         RouteType = 10
	TypeXResolve    RouteType = 11
)

var routeTypeNames = [...]string{"none", "unicast", "local", "broadcast", "anycast",
	"multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"}

// String returns iproute2's name of the type ("unicast", "local",
// "blackhole", ...).
func (t RouteType) String() string {
	if int(t) < len(routeTypeNames) {
		return routeTypeNames[t]
	}
	return strconv.Itoa(int(t))
}

// ParseRouteType parses a route type name or number.
func ParseRouteType(s string) (RouteType, error) {
	for i, n := range routeTypeNames {
		if n == s {
			return RouteType(i), nil
		}
	}
	n, err := strconv.ParseUint(s, 0, 8)
	if err != nil {
		return 0, &ParseError{What: "route type", Text: s}
	}
	return RouteType(n), nil
}

// A Pref is an IPv6 router preference (RTA_PREF).
type Pref uint8

// IPv6 router preferences (ICMPV6_ROUTER_PREF_*).
const (
	PrefMedium  Pref = 0
	PrefHigh    Pref = 1
	PrefInvalid Pref = 2
	PrefLow     Pref = 3
)

// String returns "medium", "high", "low" or the number.
func (p Pref) String() string {
	switch p {
	case PrefMedium:
		return "medium"
	case PrefHigh:
		return "high"
	case PrefLow:
		return "low"
	}
	return strconv.Itoa(int(p))
}

// An OperState is the RFC 2863 operational state of a link.
type OperState uint8

// Operational states (IF_OPER_*).
const (
	OperUnknown        OperState = 0
	OperNotPresent     OperState = 1
	OperDown           OperState = 2
	OperLowerLayerDown OperState = 3
	OperTesting        OperState = 4
	OperDormant        OperState = 5
	OperUp             OperState = 6
)

var operNames = [...]string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}

// String returns iproute2's name ("UP", "DOWN", "UNKNOWN", ...).
func (s OperState) String() string {
	if int(s) < len(operNames) {
		return operNames[s]
	}
	return strconv.Itoa(int(s))
}

// A LinkType is a link's hardware type (ARPHRD_*).
type LinkType uint16

// A few link types.
const (
	LinkEther    LinkType = 1
	LinkLoopback LinkType = 772
	LinkNone     LinkType = 65534
)

var linkTypeNames = map[LinkType]string{
	0: "netrom", 1: "ether", 2: "eether", 3: "ax25", 4: "pronet", 5: "chaos",
	6: "ieee802", 7: "arcnet", 8: "appletlk", 15: "dlci", 19: "atm", 23: "metricom",
	24: "ieee1394", 27: "eui64", 32: "infiniband", 256: "slip", 257: "cslip",
	258: "slip6", 259: "cslip6", 260: "rsrvd", 264: "adapt", 270: "rose", 271: "x25",
	272: "hwx25", 280: "can", 512: "ppp", 513: "hdlc", 516: "lapb", 517: "ddcmp",
	518: "rawhdlc", 519: "rawip", 768: "ipip", 769: "tunnel6", 770: "frad", 771: "skip",
	772: "loopback", 773: "localtlk", 774: "fddi", 775: "bif", 776: "sit", 777: "ip/ddp",
	778: "gre", 779: "pimreg", 780: "hippi", 781: "ash", 782: "econet", 783: "irda",
	784: "fcpp", 785: "fcal", 786: "fcpl", 787: "fcfb0", 800: "tr", 801: "tr+",
	802: "ieee802.11", 803: "ieee802.11/prism", 804: "ieee802.11/radiotap",
	805: "ieee802.15.4", 806: "ieee802.15.4/monitor", 820: "phonet", 821: "phonet_pipe",
	822: "caif", 823: "ip6gre", 824: "netlink", 825: "6lowpan", 826: "vsockmon",
	65534: "none", 65535: "void",
}

// String returns iproute2's name of the type ("ether", "loopback",
// "none", ...) or the number.
func (t LinkType) String() string {
	if n, ok := linkTypeNames[t]; ok {
		return n
	}
	return "[" + strconv.Itoa(int(t)) + "]"
}

// LinkFlags are a link's IFF_* flags.
type LinkFlags uint32

// Link flags (IFF_*).
const (
	FlagUp         LinkFlags = 0x1
	FlagBroadcast  LinkFlags = 0x2
	FlagDebug      LinkFlags = 0x4
	FlagLoopback   LinkFlags = 0x8
	FlagPointToPt  LinkFlags = 0x10
	FlagNoTrailers LinkFlags = 0x20
	FlagRunning    LinkFlags = 0x40
	FlagNoARP      LinkFlags = 0x80
	FlagPromisc    LinkFlags = 0x100
	FlagAllMulti   LinkFlags = 0x200
	FlagMaster     LinkFlags = 0x400
	FlagSlave      LinkFlags = 0x800
	FlagMulticast  LinkFlags = 0x1000
	FlagPortSel    LinkFlags = 0x2000
	FlagAutoMedia  LinkFlags = 0x4000
	FlagDynamic    LinkFlags = 0x8000
	FlagLowerUp    LinkFlags = 0x10000
	FlagDormant    LinkFlags = 0x20000
	FlagEcho       LinkFlags = 0x40000
)

// linkFlagOrder is the order in which iproute2 prints link flags.
var linkFlagOrder = []struct {
	f    LinkFlags
	name string
}{
	{FlagLoopback, "LOOPBACK"}, {FlagBroadcast, "BROADCAST"}, {FlagPointToPt, "POINTOPOINT"},
	{FlagMulticast, "MULTICAST"}, {FlagNoARP, "NOARP"}, {FlagAllMulti, "ALLMULTI"},
	{FlagPromisc, "PROMISC"}, {FlagNoTrailers, "NOTRAILERS"}, {FlagDebug, "DEBUG"},
	{FlagDynamic, "DYNAMIC"}, {FlagAutoMedia, "AUTOMEDIA"}, {FlagPortSel, "PORTSEL"},
	{FlagMaster, "MASTER"}, {FlagSlave, "SLAVE"}, {FlagUp, "UP"}, {FlagLowerUp, "LOWER_UP"},
	{FlagDormant, "DORMANT"}, {FlagEcho, "ECHO"},
}

// Names returns the flags as iproute2 lists them: "NO-CARRIER" first for a
// link that is up but not running, then LOOPBACK, BROADCAST, ... in
// iproute2's order. RUNNING itself is not listed.
func (f LinkFlags) Names() []string {
	var out []string
	if f&FlagUp != 0 && f&FlagRunning == 0 {
		out = append(out, "NO-CARRIER")
	}
	f &^= FlagRunning
	for _, e := range linkFlagOrder {
		if f&e.f != 0 {
			out = append(out, e.name)
			f &^= e.f
		}
	}
	if f != 0 {
		out = append(out, "0x"+strconv.FormatUint(uint64(f), 16))
	}
	return out
}

// String returns the names joined by commas, as in `ip link`.
func (f LinkFlags) String() string { return strings.Join(f.Names(), ",") }

// A NeighState is a neighbour entry's NUD_* state bitmask.
type NeighState uint16

// Neighbour states (NUD_*).
const (
	NeighIncomplete NeighState = 0x01
	NeighReachable  NeighState = 0x02
	NeighStale      NeighState = 0x04
	NeighDelay      NeighState = 0x08
	NeighProbe      NeighState = 0x10
	NeighFailed     NeighState = 0x20
	NeighNoARP      NeighState = 0x40
	NeighPermanent  NeighState = 0x80
	NeighNone       NeighState = 0x00
)

var neighStateNames = []struct {
	s    NeighState
	name string
}{
	{NeighIncomplete, "INCOMPLETE"}, {NeighReachable, "REACHABLE"}, {NeighStale, "STALE"},
	{NeighDelay, "DELAY"}, {NeighProbe, "PROBE"}, {NeighFailed, "FAILED"},
	{NeighNoARP, "NOARP"}, {NeighPermanent, "PERMANENT"},
}

// Names returns the state names as iproute2 lists them ("REACHABLE",
// "PERMANENT", ...; "NONE" for 0).
func (s NeighState) Names() []string {
	if s == 0 {
		return []string{"NONE"}
	}
	var out []string
	for _, e := range neighStateNames {
		if s&e.s != 0 {
			out = append(out, e.name)
			s &^= e.s
		}
	}
	if s != 0 {
		out = append(out, "0x"+strconv.FormatUint(uint64(s), 16))
	}
	return out
}

// String returns the names joined by commas.
func (s NeighState) String() string { return strings.Join(s.Names(), ",") }

// A ParseError reports text that is not a valid name or number.
type ParseError struct {
	What string // "routing table", "scope", ...
	Text string
}

// Error implements the error interface.
func (e *ParseError) Error() string {
	return "route: invalid " + e.What + " " + strconv.Quote(e.Text)
}
