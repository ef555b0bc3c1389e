package route

import (
	"encoding/binary"
	"net/netip"
)

// Attribute types used by the decoders and encoders.
const (
	iflaAddress     = 1
	iflaBroadcast   = 2
	iflaIfname      = 3
	iflaMTU         = 4
	iflaLink        = 5
	iflaQdisc       = 6
	iflaMaster      = 10
	iflaTxQLen      = 13
	iflaOperState   = 16
	iflaLinkMode    = 17
	iflaLinkInfo    = 18
	iflaIfAlias     = 20
	iflaStats64     = 23
	iflaGroup       = 27
	iflaExtMask     = 29
	iflaPromiscuity = 30
	iflaNumTxQ      = 31
	iflaNumRxQ      = 32
	iflaCarrier     = 33
	iflaLinkNetNSID = 37
	iflaMinMTU      = 50
	iflaMaxMTU      = 51
	iflaPermAddress = 54
	iflaAllMulti    = 61

	iflaInfoKind      = 1
	iflaInfoSlaveKind = 4

	ifaAddress    = 1
	ifaLocal      = 2
	ifaLabel      = 3
	ifaBroadcast  = 4
	ifaAnycast    = 5
	ifaCacheInfo  = 6
	ifaFlags      = 8
	ifaRtPriority = 9
	ifaProto      = 11

	rtaDst       = 1
	rtaSrc       = 2
	rtaIIF       = 3
	rtaOIF       = 4
	rtaGateway   = 5
	rtaPriority  = 6
	rtaPrefSrc   = 7
	rtaMetrics   = 8
	rtaMultipath = 9
	rtaCacheInfo = 12
	rtaTable     = 15
	rtaMark      = 16
	rtaVia       = 18
	rtaPref      = 20
	rtaNHID      = 30

	ndaDst      = 1
	ndaLLAddr   = 2
	ndaProbes   = 4
	ndaVLAN     = 5
	ndaProtocol = 12
)

// Fixed header sizes of the message bodies.
const (
	sizeofIfInfomsg = 16
	sizeofIfAddrmsg = 8
	sizeofRtmsg     = 12
	sizeofNdmsg     = 12
	sizeofRtnexthop = 8
)

func i32(b []byte) int { return int(int32(binary.NativeEndian.Uint32(b))) }

// UnmarshalBinary decodes the body of an RTM_NEWLINK or RTM_DELLINK message
// (the struct ifinfomsg and its attributes, without the netlink header).
func (l *Link) UnmarshalBinary(b []byte) error {
	*l = Link{}
	if len(b) < sizeofIfInfomsg {
		return malformed("link", "%d bytes, shorter than struct ifinfomsg", len(b))
	}
	l.Type = LinkType(binary.NativeEndian.Uint16(b[2:]))
	l.Index = i32(b[4:])
	l.Flags = LinkFlags(binary.NativeEndian.Uint32(b[8:]))
	a := newAttrs("link", b[sizeofIfInfomsg:])
	for a.next() {
		switch a.typ {
		case iflaAddress:
			l.HardwareAddr = a.hw()
		case iflaBroadcast:
			l.Broadcast = a.hw()
		case iflaPermAddress:
			l.PermAddr = a.hw()
		case iflaIfname:
			l.Name = a.str()
		case iflaMTU:
			l.MTU = a.u32()
		case iflaMinMTU:
			l.MinMTU = a.u32()
		case iflaMaxMTU:
			l.MaxMTU = a.u32()
		case iflaLink:
			l.ParentIndex = int(int32(a.u32()))
		case iflaQdisc:
			l.Qdisc = a.str()
		case iflaMaster:
			l.Master = int(int32(a.u32()))
		case iflaTxQLen:
			l.TxQueueLen = a.u32()
		case iflaOperState:
			l.OperState = OperState(a.u8())
		case iflaLinkMode:
			l.LinkMode = a.u8()
		case iflaIfAlias:
			l.Alias = a.str()
		case iflaGroup:
			l.Group = a.u32()
		case iflaPromiscuity:
			l.Promiscuity = a.u32()
		case iflaAllMulti:
			l.AllMulti = a.u32()
		case iflaNumTxQ:
			l.NumTxQueues = a.u32()
		case iflaNumRxQ:
			l.NumRxQueues = a.u32()
		case iflaCarrier:
			l.Carrier = a.u8() != 0
		case iflaLinkNetNSID:
			l.LinkNetNSID = int32(a.u32())
			l.HasLinkNetNSID = true
		case iflaStats64:
			if len(a.data) < 80 {
				a.fail("IFLA_STATS64: %d bytes, want at least 80", len(a.data))
				break
			}
			d := a.data
			u := func(i int) uint64 { return binary.NativeEndian.Uint64(d[8*i:]) }
			l.Stats = &LinkStats{RxPackets: u(0), TxPackets: u(1), RxBytes: u(2), TxBytes: u(3),
				RxErrors: u(4), TxErrors: u(5), RxDropped: u(6), TxDropped: u(7), Multicast: u(8), Collisions: u(9)}
		case iflaLinkInfo:
			in := newAttrs("link", a.data)
			for in.next() {
				switch in.typ {
				case iflaInfoKind:
					l.Kind = in.str()
				case iflaInfoSlaveKind:
					l.SlaveKind = in.str()
				}
			}
			if in.err != nil {
				a.err = in.err
			}
		}
	}
	return a.err
}

// UnmarshalBinary decodes the body of an RTM_NEWADDR or RTM_DELADDR message
// (struct ifaddrmsg and attributes).
func (ad *Address) UnmarshalBinary(b []byte) error {
	*ad = Address{}
	if len(b) < sizeofIfAddrmsg {
		return malformed("address", "%d bytes, shorter than struct ifaddrmsg", len(b))
	}
	ad.Family = Family(b[0])
	plen := int(b[1])
	ad.Flags = AddrFlags(b[2])
	ad.Scope = Scope(b[3])
	ad.Index = int(binary.NativeEndian.Uint32(b[4:]))
	bits := ad.Family.bits()
	if plen > bits && bits != 0 {
		return malformed("address", "family %v with prefix length %d", ad.Family, plen)
	}
	var local, addr netip.Addr
	a := newAttrs("address", b[sizeofIfAddrmsg:])
	for a.next() {
		if bits == 0 && a.typ != ifaLabel && a.typ != ifaFlags && a.typ != ifaCacheInfo {
			// Not an IP address (MCTP, DECnet...): only the index,
			// flags, scope and label are decoded.
			continue
		}
		switch a.typ {
		case ifaAddress:
			addr = a.ip(ad.Family)
		case ifaLocal:
			local = a.ip(ad.Family)
		case ifaBroadcast:
			ad.Broadcast = a.ip(ad.Family)
		case ifaAnycast:
			ad.Anycast = a.ip(ad.Family)
		case ifaLabel:
			ad.Label = a.str()
		case ifaFlags:
			ad.Flags = AddrFlags(a.u32())
		case ifaRtPriority:
			ad.Metric = a.u32()
		case ifaProto:
			ad.Protocol = a.u8()
		case ifaCacheInfo:
			if len(a.data) != 16 {
				a.fail("IFA_CACHEINFO: %d bytes, want 16", len(a.data))
				break
			}
			ad.PreferredLifetime = binary.NativeEndian.Uint32(a.data)
			ad.ValidLifetime = binary.NativeEndian.Uint32(a.data[4:])
		}
	}
	if a.err != nil {
		return a.err
	}
	switch {
	case bits == 0:
	case local.IsValid():
		ad.Prefix = netip.PrefixFrom(local, plen)
		if addr.IsValid() && addr != local {
			ad.Peer = netip.PrefixFrom(addr, plen)
		}
	case addr.IsValid():
		ad.Prefix = netip.PrefixFrom(addr, plen)
	default:
		return malformed("address", "neither IFA_LOCAL nor IFA_ADDRESS present")
	}
	return nil
}

// ipFamily returns the family of the addresses in a route of family f.
func ipFamily(f Family) Family {
	switch f {
	case FamilyIPMR:
		return FamilyIPv4
	case FamilyIP6MR:
		return FamilyIPv6
	}
	return f
}

// UnmarshalBinary decodes the body of an RTM_NEWROUTE or RTM_DELROUTE
// message (struct rtmsg and attributes).
func (r *Route) UnmarshalBinary(b []byte) error {
	var nh []NextHop
	*r = Route{}
	if len(b) < sizeofRtmsg {
		return malformed("route", "%d bytes, shorter than struct rtmsg", len(b))
	}
	r.Family = Family(b[0])
	dstLen, srcLen := int(b[1]), int(b[2])
	r.TOS = b[3]
	r.Table = Table(b[4])
	r.Protocol = Protocol(b[5])
	r.Scope = Scope(b[6])
	r.Type = RouteType(b[7])
	r.Flags = RouteFlags(binary.NativeEndian.Uint32(b[8:]))
	fam := ipFamily(r.Family)
	bits := fam.bits()
	if bits != 0 && (dstLen > bits || srcLen > bits) {
		return malformed("route", "family %v with prefix lengths %d/%d", r.Family, dstLen, srcLen)
	}
	var dst, src netip.Addr
	a := newAttrs("route", b[sizeofRtmsg:])
	for a.next() {
		switch a.typ {
		case rtaDst:
			if bits != 0 {
				dst = a.ip(fam)
			}
		case rtaSrc:
			if bits != 0 {
				src = a.ip(fam)
			}
		case rtaGateway:
			if bits != 0 {
				r.Gateway = a.ip(fam)
			}
		case rtaPrefSrc:
			if bits != 0 {
				r.PrefSrc = a.ip(fam)
			}
		case rtaVia:
			r.Gateway = a.via()
		case rtaOIF:
			r.OIF = int(int32(a.u32()))
		case rtaIIF:
			r.IIF = int(int32(a.u32()))
		case rtaPriority:
			r.Priority = a.u32()
		case rtaTable:
			r.Table = Table(a.u32())
		case rtaMark:
			r.Mark = a.u32()
		case rtaPref:
			r.Pref = Pref(a.u8())
			r.HasPref = true
		case rtaNHID:
			r.NHID = a.u32()
		case rtaCacheInfo:
			if len(a.data) < 12 {
				a.fail("RTA_CACHEINFO: %d bytes, want at least 12", len(a.data))
				break
			}
			// rta_expires is in USER_HZ (100 per second) ticks.
			r.Expires = int32(binary.NativeEndian.Uint32(a.data[8:])) / 100
		case rtaMetrics:
			r.Metrics = new(Metrics)
			if err := r.Metrics.unmarshal(a.data); err != nil {
				a.err = err
			}
		case rtaMultipath:
			var err error
			if nh, err = appendNextHops(nh, a.data, fam); err != nil {
				a.err = err
			}
			r.NextHops = nh
		}
	}
	if a.err != nil {
		return a.err
	}
	if bits != 0 {
		if !dst.IsValid() {
			dst = unspecified(fam)
		}
		r.Dst = netip.PrefixFrom(dst, dstLen)
		if src.IsValid() || srcLen != 0 {
			if !src.IsValid() {
				src = unspecified(fam)
			}
			r.Src = netip.PrefixFrom(src, srcLen)
		}
	}
	return nil
}

func unspecified(f Family) netip.Addr {
	if f == FamilyIPv6 {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}

// via decodes struct rtvia: a 16-bit family and an address.
func (a *attrs) via() netip.Addr {
	if len(a.data) < 2 {
		a.fail("RTA_VIA: %d bytes", len(a.data))
		return netip.Addr{}
	}
	f := Family(binary.NativeEndian.Uint16(a.data))
	d := a.data[2:]
	switch {
	case f == FamilyIPv4 && len(d) == 4:
		return netip.AddrFrom4([4]byte(d))
	case f == FamilyIPv6 && len(d) == 16:
		return netip.AddrFrom16([16]byte(d))
	}
	a.fail("RTA_VIA: family %v with %d address bytes", f, len(d))
	return netip.Addr{}
}

// appendNextHops decodes RTA_MULTIPATH: a list of struct rtnexthop, each
// followed by its own attributes.
func appendNextHops(nh []NextHop, b []byte, fam Family) ([]NextHop, error) {
	for len(b) > 0 {
		if len(b) < sizeofRtnexthop {
			return nh, malformed("route", "RTA_MULTIPATH: %d trailing bytes", len(b))
		}
		l := int(binary.NativeEndian.Uint16(b))
		if l < sizeofRtnexthop || l > len(b) {
			return nh, malformed("route", "RTA_MULTIPATH: next hop length %d with %d bytes left", l, len(b))
		}
		h := NextHop{Flags: RouteFlags(b[2]), Weight: int(b[3]) + 1, OIF: i32(b[4:])}
		a := newAttrs("route", b[sizeofRtnexthop:l])
		for a.next() {
			switch a.typ {
			case rtaGateway:
				h.Gateway = a.ip(fam)
			case rtaVia:
				h.Gateway = a.via()
			}
		}
		if a.err != nil {
			return nh, a.err
		}
		nh = append(nh, h)
		al := (l + 3) &^ 3
		if al > len(b) {
			al = len(b)
		}
		b = b[al:]
	}
	return nh, nil
}

// Route metric attribute types (RTAX_*).
const (
	rtaxLock             = 1
	rtaxMTU              = 2
	rtaxWindow           = 3
	rtaxRTT              = 4
	rtaxRTTVar           = 5
	rtaxSSThresh         = 6
	rtaxCWnd             = 7
	rtaxAdvMSS           = 8
	rtaxReordering       = 9
	rtaxHopLimit         = 10
	rtaxInitCWnd         = 11
	rtaxFeatures         = 12
	rtaxRTOMin           = 13
	rtaxInitRWnd         = 14
	rtaxQuickACK         = 15
	rtaxCCAlgo           = 16
	rtaxFastOpenNoCookie = 17
)

// field returns the metric of RTAX type t, or nil.
func (m *Metrics) field(t uint16) *uint32 {
	switch t {
	case rtaxLock:
		return &m.Lock
	case rtaxMTU:
		return &m.MTU
	case rtaxWindow:
		return &m.Window
	case rtaxRTT:
		return &m.RTT
	case rtaxRTTVar:
		return &m.RTTVar
	case rtaxSSThresh:
		return &m.SSThresh
	case rtaxCWnd:
		return &m.CWnd
	case rtaxAdvMSS:
		return &m.AdvMSS
	case rtaxReordering:
		return &m.Reordering
	case rtaxHopLimit:
		return &m.HopLimit
	case rtaxInitCWnd:
		return &m.InitCWnd
	case rtaxFeatures:
		return &m.Features
	case rtaxRTOMin:
		return &m.RTOMin
	case rtaxInitRWnd:
		return &m.InitRWnd
	case rtaxQuickACK:
		return &m.QuickACK
	case rtaxFastOpenNoCookie:
		return &m.FastOpenNoCookie
	}
	return nil
}

func (m *Metrics) unmarshal(b []byte) error {
	a := newAttrs("route", b)
	for a.next() {
		if a.typ == rtaxCCAlgo {
			m.CCAlgo = a.str()
			continue
		}
		if p := m.field(a.typ); p != nil {
			*p = a.u32()
		}
	}
	return a.err
}

// UnmarshalBinary decodes the body of an RTM_NEWNEIGH or RTM_DELNEIGH
// message (struct ndmsg and attributes).
func (n *Neighbor) UnmarshalBinary(b []byte) error {
	*n = Neighbor{}
	if len(b) < sizeofNdmsg {
		return malformed("neighbor", "%d bytes, shorter than struct ndmsg", len(b))
	}
	n.Family = Family(b[0])
	n.Index = i32(b[4:])
	n.State = NeighState(binary.NativeEndian.Uint16(b[8:]))
	n.Flags = b[10]
	n.Type = RouteType(b[11])
	a := newAttrs("neighbor", b[sizeofNdmsg:])
	for a.next() {
		switch a.typ {
		case ndaDst:
			if n.Family.bits() != 0 || len(a.data) == 4 || len(a.data) == 16 {
				n.Dst = a.ip(n.Family)
			} // else a non-IP neighbour (MCTP...): Dst stays invalid

		case ndaLLAddr:
			n.LLAddr = a.hw()
		case ndaProbes:
			n.Probes = a.u32()
		case ndaVLAN:
			n.VLAN = a.u16()
		case ndaProtocol:
			n.Protocol = Protocol(a.u8())
		}
	}
	return a.err
}
