package route

import (
	"net"
	"net/netip"
)

// A Link is a network interface (RTM_NEWLINK).
type Link struct {
	Index        int
	Name         string
	Type         LinkType  // hardware type (ARPHRD_*)
	Flags        LinkFlags // IFF_* flags
	MTU          uint32
	MinMTU       uint32
	MaxMTU       uint32
	TxQueueLen   uint32
	HardwareAddr net.HardwareAddr
	Broadcast    net.HardwareAddr
	PermAddr     net.HardwareAddr // permanent hardware address, if the driver reports one
	OperState    OperState
	LinkMode     uint8  // 0 default, 1 dormant
	Group        uint32 // interface group, 0 is "default"
	Master       int    // index of the master device (bridge, bond, VRF), 0 if none
	// ParentIndex is IFLA_LINK: the peer of a veth, the lower device of a
	// VLAN or macvlan. With LinkNetNSID set it is an index in that namespace.
	ParentIndex    int
	LinkNetNSID    int32 // namespace ID of the parent; valid if HasLinkNetNSID
	HasLinkNetNSID bool
	Qdisc          string
	Alias          string
	Kind           string // IFLA_INFO_KIND: "veth", "bridge", "vlan", ... empty for physical devices
	SlaveKind      string // IFLA_INFO_SLAVE_KIND
	Promiscuity    uint32
	AllMulti       uint32
	NumTxQueues    uint32
	NumRxQueues    uint32
	Carrier        bool
	Stats          *LinkStats // IFLA_STATS64, nil if absent
}

// LinkStats are a link's interface counters (struct rtnl_link_stats64,
// first ten fields).
type LinkStats struct {
	RxPackets, TxPackets uint64
	RxBytes, TxBytes     uint64
	RxErrors, TxErrors   uint64
	RxDropped, TxDropped uint64
	Multicast            uint64
	Collisions           uint64
}

// AddrFlags are an address's IFA_F_* flags.
type AddrFlags uint32

// Address flags (IFA_F_*).
const (
	AddrSecondary      AddrFlags = 0x01
	AddrNoDAD          AddrFlags = 0x02
	AddrOptimistic     AddrFlags = 0x04
	AddrDADFailed      AddrFlags = 0x08
	AddrHome           AddrFlags = 0x10
	AddrDeprecated     AddrFlags = 0x20
	AddrTentative      AddrFlags = 0x40
	AddrPermanent      AddrFlags = 0x80
	AddrManageTempAddr AddrFlags = 0x100
	AddrNoPrefixRoute  AddrFlags = 0x200
	AddrMcAutoJoin     AddrFlags = 0x400
	AddrStablePrivacy  AddrFlags = 0x800
)

// Forever is the lifetime of an address that does not expire.
const Forever = ^uint32(0)

// An Address is an IP address assigned to a link (RTM_NEWADDR).
type Address struct {
	Family Family
	Index  int // link index
	// Prefix is the local address (IFA_LOCAL, or IFA_ADDRESS when there is
	// no IFA_LOCAL) with the prefix length. It is invalid for addresses
	// of non-IP families (such as MCTP), whose other fields are decoded.
	Prefix netip.Prefix
	// Peer is the other end of a point-to-point address (IFA_ADDRESS when
	// it differs from IFA_LOCAL), with the prefix length; invalid if none.
	Peer      netip.Prefix
	Broadcast netip.Addr
	Anycast   netip.Addr
	Label     string
	Flags     AddrFlags
	Scope     Scope
	// ValidLifetime and PreferredLifetime are in seconds; Forever means
	// the address does not expire. Zero on input means Forever.
	ValidLifetime     uint32
	PreferredLifetime uint32
	Metric            uint32 // IFA_RT_PRIORITY: metric of the prefix route
	Protocol          uint8  // IFA_PROTO: who added the address
}

// RouteFlags are rtm_flags (RTNH_F_* and RTM_F_*).
type RouteFlags uint32

// Route and next-hop flags.
const (
	RouteDead       RouteFlags = 0x1  // RTNH_F_DEAD
	RoutePervasive  RouteFlags = 0x2  // RTNH_F_PERVASIVE
	RouteOnLink     RouteFlags = 0x4  // RTNH_F_ONLINK
	RouteOffload    RouteFlags = 0x8  // RTNH_F_OFFLOAD
	RouteLinkDown   RouteFlags = 0x10 // RTNH_F_LINKDOWN
	RouteUnresolved RouteFlags = 0x20 // RTNH_F_UNRESOLVED
	RouteTrap       RouteFlags = 0x40 // RTNH_F_TRAP
	RouteNotify     RouteFlags = 0x100
	RouteCloned     RouteFlags = 0x200
	RouteEqualize   RouteFlags = 0x400
	RoutePrefix     RouteFlags = 0x800
)

var routeFlagNames = []struct {
	f    RouteFlags
	name string
}{
	{RouteDead, "dead"}, {RouteOnLink, "onlink"}, {RoutePervasive, "pervasive"},
	{RouteOffload, "offload"}, {RouteTrap, "trap"}, {RouteNotify, "notify"},
	{RouteLinkDown, "linkdown"}, {RouteUnresolved, "unresolved"},
}

// Names returns the flags iproute2 prints in a route's "flags" list.
func (f RouteFlags) Names() []string {
	out := []string{}
	for _, e := range routeFlagNames {
		if f&e.f != 0 {
			out = append(out, e.name)
		}
	}
	return out
}

// A Route is a routing table entry (RTM_NEWROUTE).
type Route struct {
	Family Family
	// Dst is the destination prefix. The default route has a zero-length
	// prefix of the unspecified address; Dst is invalid only for families
	// other than IPv4 and IPv6.
	Dst netip.Prefix
	// Src is the source prefix of a source-specific (IPv6 subtree) route,
	// invalid if none.
	Src      netip.Prefix
	Gateway  netip.Addr // RTA_GATEWAY, or RTA_VIA (e.g. an IPv6 gateway of an IPv4 route)
	PrefSrc  netip.Addr // preferred source address
	OIF      int        // output link index, 0 if none
	IIF      int        // input link index, 0 if none
	Table    Table
	Protocol Protocol
	Scope    Scope
	Type     RouteType
	TOS      uint8
	Flags    RouteFlags
	Priority uint32 // the metric
	Mark     uint32
	Pref     Pref   // IPv6 router preference; valid if HasPref
	HasPref  bool   // RTA_PREF present
	NHID     uint32 // nexthop object ID (RTA_NH_ID), 0 if none
	// Metrics are the route's RTA_METRICS, nil if it has none.
	Metrics *Metrics
	// Expires is the remaining lifetime in seconds of an expiring route
	// (from RTA_CACHEINFO), 0 if it does not expire.
	Expires int32
	// NextHops are the paths of a multipath route (RTA_MULTIPATH); empty
	// for a single-path route, whose hop is Gateway and OIF.
	NextHops []NextHop
}

// A NextHop is one path of a multipath route.
type NextHop struct {
	Gateway netip.Addr
	OIF     int
	Weight  int // 1 to 256 (rtnh_hops + 1)
	Flags   RouteFlags
}

// Metrics are a route's RTA_METRICS (RTAX_*). A zero field is unset; the
// kernel only reports metrics that are set.
type Metrics struct {
	Lock             uint32 // RTAX_LOCK: bit n locks metric n
	MTU              uint32
	Window           uint32
	RTT              uint32
	RTTVar           uint32
	SSThresh         uint32
	CWnd             uint32
	AdvMSS           uint32
	Reordering       uint32
	HopLimit         uint32
	InitCWnd         uint32
	Features         uint32
	RTOMin           uint32
	InitRWnd         uint32
	QuickACK         uint32
	CCAlgo           string
	FastOpenNoCookie uint32
}

// IsZero reports whether no metric is set.
func (m *Metrics) IsZero() bool { return m == nil || *m == Metrics{} }

// A Neighbor is a neighbour (ARP or NDP) table entry (RTM_NEWNEIGH).
type Neighbor struct {
	Family   Family
	Index    int // link index
	State    NeighState
	Flags    uint8 // NTF_* flags
	Type     RouteType
	Dst      netip.Addr
	LLAddr   net.HardwareAddr
	Probes   uint32
	VLAN     uint16
	Protocol Protocol
}

// Neighbour flags (NTF_*).
const (
	NeighFlagUse        = 0x01
	NeighFlagSelf       = 0x02
	NeighFlagMaster     = 0x04
	NeighFlagProxy      = 0x08
	NeighFlagExtLearned = 0x10
	NeighFlagOffloaded  = 0x20
	NeighFlagSticky     = 0x40
	NeighFlagRouter     = 0x80
)

// An EventType says what an Event reports.
type EventType uint16

// Event types (the RTM_* message types).
const (
	NewLink     EventType = 16
	DelLink     EventType = 17
	NewAddress  EventType = 20
	DelAddress  EventType = 21
	NewRoute    EventType = 24
	DelRoute    EventType = 25
	NewNeighbor EventType = 28
	DelNeighbor EventType = 29
)

// String returns the type's name as `ip monitor` would describe it
// ("link", "deleted link", ...).
func (t EventType) String() string {
	switch t {
	case NewLink:
		return "link"
	case DelLink:
		return "deleted link"
	case NewAddress:
		return "address"
	case DelAddress:
		return "deleted address"
	case NewRoute:
		return "route"
	case DelRoute:
		return "deleted route"
	case NewNeighbor:
		return "neighbor"
	case DelNeighbor:
		return "deleted neighbor"
	}
	return "type " + itoa(int(t))
}

// Deleted reports whether the event reports a removal.
func (t EventType) Deleted() bool {
	return t == DelLink || t == DelAddress || t == DelRoute || t == DelNeighbor
}

// An Event is a change the kernel announced. Exactly one of Link, Address,
// Route and Neighbor is set, according to Type.
type Event struct {
	Type     EventType
	Link     *Link
	Address  *Address
	Route    *Route
	Neighbor *Neighbor
}

// A Group is an rtnetlink multicast group (RTNLGRP_*) a Watcher joins.
type Group uint32

// Multicast groups.
const (
	GroupLink      Group = 1
	GroupNeighbor  Group = 3
	GroupIPv4Addr  Group = 5
	GroupIPv4Route Group = 7
	GroupIPv6Addr  Group = 9
	GroupIPv6Route Group = 11
)

// AllGroups returns the groups of every event type this package decodes.
func AllGroups() []Group {
	return []Group{GroupLink, GroupNeighbor, GroupIPv4Addr, GroupIPv4Route, GroupIPv6Addr, GroupIPv6Route}
}
