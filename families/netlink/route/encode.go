package route

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/mdlayher/netlink"
)

// Requests are built with mdlayher/netlink's AttributeEncoder; the fixed
// headers (ifinfomsg, ifaddrmsg, rtmsg, ndmsg) are written here.

func familyOf(a netip.Addr) Family {
	if a.Is4() {
		return FamilyIPv4
	}
	return FamilyIPv6
}

func encodeAttrs(fixed []byte, ae *netlink.AttributeEncoder) ([]byte, error) {
	b, err := ae.Encode()
	if err != nil {
		return nil, err
	}
	return append(fixed, b...), nil
}

// addrBytes returns the address in the family's width (an IPv4-mapped
// IPv6 address is written as IPv4 for an IPv4 family).
func addrBytes(a netip.Addr) []byte {
	if a.Is4() || a.Is4In6() {
		v := a.Unmap().As4()
		return v[:]
	}
	v := a.As16()
	return v[:]
}

// marshalAddress encodes ad for RTM_NEWADDR / RTM_DELADDR.
func marshalAddress(ad *Address) ([]byte, error) {
	if !ad.Prefix.IsValid() {
		return nil, fmt.Errorf("route: address %v: Prefix is not a valid IP prefix", ad.Prefix)
	}
	if ad.Index <= 0 {
		return nil, fmt.Errorf("route: address %v: Index must name a link (got %d)", ad.Prefix, ad.Index)
	}
	local := ad.Prefix.Addr().Unmap()
	fam := familyOf(local)
	fixed := make([]byte, sizeofIfAddrmsg, 64)
	fixed[0] = byte(fam)
	fixed[1] = byte(ad.Prefix.Bits())
	fixed[2] = byte(ad.Flags)
	fixed[3] = byte(ad.Scope)
	binary.NativeEndian.PutUint32(fixed[4:], uint32(ad.Index))
	ae := netlink.NewAttributeEncoder()
	ae.Bytes(ifaLocal, addrBytes(local))
	if ad.Peer.IsValid() {
		ae.Bytes(ifaAddress, addrBytes(ad.Peer.Addr()))
	} else {
		ae.Bytes(ifaAddress, addrBytes(local))
	}
	if ad.Broadcast.IsValid() {
		ae.Bytes(ifaBroadcast, addrBytes(ad.Broadcast))
	}
	if ad.Anycast.IsValid() {
		ae.Bytes(ifaAnycast, addrBytes(ad.Anycast))
	}
	if ad.Label != "" {
		ae.String(ifaLabel, ad.Label)
	}
	if ad.Flags > 0xff {
		ae.Uint32(ifaFlags, uint32(ad.Flags))
	}
	if ad.Metric != 0 {
		ae.Uint32(ifaRtPriority, ad.Metric)
	}
	if ad.ValidLifetime != 0 || ad.PreferredLifetime != 0 {
		valid, pref := ad.ValidLifetime, ad.PreferredLifetime
		if valid == 0 {
			valid = Forever
		}
		if pref == 0 {
			pref = Forever
		}
		ci := make([]byte, 16)
		binary.NativeEndian.PutUint32(ci, pref)
		binary.NativeEndian.PutUint32(ci[4:], valid)
		ae.Bytes(ifaCacheInfo, ci)
	}
	if ad.Protocol != 0 {
		ae.Uint8(ifaProto, ad.Protocol)
	}
	return encodeAttrs(fixed, ae)
}

// routeDefaults fills the fields of r that a request must carry and the
// caller left zero: family, table, protocol, type and scope.
func routeDefaults(r Route, add bool) (Route, error) {
	if !r.Dst.IsValid() {
		return r, fmt.Errorf("route: route Dst %v is not a valid IP prefix (use 0.0.0.0/0 or ::/0 for the default route)", r.Dst)
	}
	fam := familyOf(r.Dst.Addr().Unmap())
	if r.Family == 0 {
		r.Family = fam
	}
	if r.Table == TableUnspec {
		r.Table = TableMain
	}
	if r.Type == TypeUnspec {
		r.Type = TypeUnicast
	}
	if add && r.Protocol == ProtocolUnspec {
		r.Protocol = ProtocolBoot
	}
	if add && r.Scope == ScopeUniverse {
		switch {
		case r.Type == TypeLocal:
			r.Scope = ScopeHost
		case r.Type == TypeUnicast && !r.Gateway.IsValid() && len(r.NextHops) == 0 && r.OIF != 0:
			r.Scope = ScopeLink
		}
	}
	if !add && r.Scope == ScopeUniverse {
		r.Scope = ScopeNowhere // delete matches any scope
	}
	return r, nil
}

// marshalRoute encodes r for RTM_NEWROUTE / RTM_DELROUTE.
func marshalRoute(r *Route) ([]byte, error) {
	fam := familyOf(r.Dst.Addr().Unmap())
	fixed := make([]byte, sizeofRtmsg, 128)
	fixed[0] = byte(r.Family)
	fixed[1] = byte(r.Dst.Bits())
	if r.Src.IsValid() {
		fixed[2] = byte(r.Src.Bits())
	}
	fixed[3] = r.TOS
	if r.Table < 256 {
		fixed[4] = byte(r.Table)
	}
	fixed[5] = byte(r.Protocol)
	fixed[6] = byte(r.Scope)
	fixed[7] = byte(r.Type)
	binary.NativeEndian.PutUint32(fixed[8:], uint32(r.Flags))
	ae := netlink.NewAttributeEncoder()
	ae.Uint32(rtaTable, uint32(r.Table))
	if r.Dst.Bits() > 0 {
		ae.Bytes(rtaDst, addrBytes(r.Dst.Masked().Addr()))
	}
	if r.Src.IsValid() && r.Src.Bits() > 0 {
		ae.Bytes(rtaSrc, addrBytes(r.Src.Masked().Addr()))
	}
	if r.Gateway.IsValid() {
		encodeGateway(ae, fam, r.Gateway)
	}
	if r.PrefSrc.IsValid() {
		ae.Bytes(rtaPrefSrc, addrBytes(r.PrefSrc))
	}
	if r.OIF != 0 {
		ae.Uint32(rtaOIF, uint32(r.OIF))
	}
	if r.IIF != 0 {
		ae.Uint32(rtaIIF, uint32(r.IIF))
	}
	if r.Priority != 0 {
		ae.Uint32(rtaPriority, r.Priority)
	}
	if r.HasPref {
		ae.Uint8(rtaPref, uint8(r.Pref))
	}
	if r.NHID != 0 {
		ae.Uint32(rtaNHID, r.NHID)
	}
	if !r.Metrics.IsZero() {
		m := *r.Metrics
		ae.Nested(rtaMetrics, func(ne *netlink.AttributeEncoder) error {
			for t := uint16(rtaxLock); t <= rtaxFastOpenNoCookie; t++ {
				if p := m.field(t); p != nil && *p != 0 {
					ne.Uint32(t, *p)
				}
			}
			if m.CCAlgo != "" {
				ne.String(rtaxCCAlgo, m.CCAlgo)
			}
			return nil
		})
	}
	if len(r.NextHops) > 0 {
		hops := r.NextHops
		ae.Do(rtaMultipath, func() ([]byte, error) {
			var out []byte
			for _, h := range hops {
				if h.Weight < 0 || h.Weight > 256 {
					return nil, fmt.Errorf("route: next hop weight %d out of range 1-256", h.Weight)
				}
				w := h.Weight
				if w == 0 {
					w = 1
				}
				hae := netlink.NewAttributeEncoder()
				if h.Gateway.IsValid() {
					encodeGateway(hae, fam, h.Gateway)
				}
				attrs, err := hae.Encode()
				if err != nil {
					return nil, err
				}
				rtnh := make([]byte, sizeofRtnexthop)
				binary.NativeEndian.PutUint16(rtnh, uint16(sizeofRtnexthop+len(attrs)))
				rtnh[2] = byte(h.Flags)
				rtnh[3] = byte(w - 1)
				binary.NativeEndian.PutUint32(rtnh[4:], uint32(h.OIF))
				out = append(append(out, rtnh...), attrs...)
			}
			return out, nil
		})
	}
	return encodeAttrs(fixed, ae)
}

// encodeGateway writes RTA_GATEWAY for a gateway of the route's family and
// RTA_VIA otherwise (an IPv6 next hop of an IPv4 route).
func encodeGateway(ae *netlink.AttributeEncoder, fam Family, gw netip.Addr) {
	gw = gw.Unmap()
	if familyOf(gw) == fam {
		ae.Bytes(rtaGateway, addrBytes(gw))
		return
	}
	v := make([]byte, 2, 18)
	binary.NativeEndian.PutUint16(v, uint16(familyOf(gw)))
	ae.Bytes(rtaVia, append(v, addrBytes(gw)...))
}

// marshalNeighbor encodes n for RTM_NEWNEIGH / RTM_DELNEIGH.
func marshalNeighbor(n *Neighbor) ([]byte, error) {
	if !n.Dst.IsValid() || n.Index <= 0 {
		return nil, fmt.Errorf("route: neighbor needs a valid Dst and link Index (got %v, %d)", n.Dst, n.Index)
	}
	dst := n.Dst.Unmap()
	fixed := make([]byte, sizeofNdmsg, 64)
	fixed[0] = byte(familyOf(dst))
	binary.NativeEndian.PutUint32(fixed[4:], uint32(n.Index))
	st := n.State
	if st == 0 {
		st = NeighPermanent
	}
	binary.NativeEndian.PutUint16(fixed[8:], uint16(st))
	fixed[10] = n.Flags
	fixed[11] = byte(n.Type)
	ae := netlink.NewAttributeEncoder()
	ae.Bytes(ndaDst, addrBytes(dst))
	if len(n.LLAddr) > 0 {
		ae.Bytes(ndaLLAddr, n.LLAddr)
	}
	if n.Protocol != 0 {
		ae.Uint8(ndaProtocol, uint8(n.Protocol))
	}
	return encodeAttrs(fixed, ae)
}

// marshalLinkChange encodes an RTM_NEWLINK request changing the flags in
// mask to the values in flags, and the MTU if mtu is not 0.
func marshalLinkChange(index int, flags, mask LinkFlags, mtu uint32, name string) ([]byte, error) {
	fixed := make([]byte, sizeofIfInfomsg, 64)
	binary.NativeEndian.PutUint32(fixed[4:], uint32(index))
	binary.NativeEndian.PutUint32(fixed[8:], uint32(flags))
	binary.NativeEndian.PutUint32(fixed[12:], uint32(mask))
	ae := netlink.NewAttributeEncoder()
	if mtu != 0 {
		ae.Uint32(iflaMTU, mtu)
	}
	if name != "" {
		ae.String(iflaIfname, name)
	}
	return encodeAttrs(fixed, ae)
}
