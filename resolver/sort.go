package resolver

import (
	"context"
	"math/bits"
	"net"
	"net/netip"
	"slices"
)

// RFC 3484 destination address selection as glibc implements it
// (rfc3484_sort in sysdeps/posix/getaddrinfo.c), with its default label,
// precedence and scope tables (as if /etc/gai.conf were empty).

type prefixValue struct {
	prefix netip.Prefix
	value  int
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func lookupTable(a netip.Addr, table []prefixValue) int {
	for _, e := range table {
		if e.prefix.Contains(a) {
			return e.value
		}
	}
	return 0
}

// as6 returns a as a 16-byte address (IPv4 mapped), as glibc compares.
func as6(a netip.Addr) netip.Addr { return netip.AddrFrom16(a.As16()) }

func label(a netip.Addr) int {
	return lookupTable(as6(a), []prefixValue{
		{mustPrefix("::1/128"), 0},
		{mustPrefix("2002::/16"), 2},
		{mustPrefix("::/96"), 3},
		{mustPrefix("::ffff:0:0/96"), 4},
		{mustPrefix("fec0::/10"), 5},
		{mustPrefix("fc00::/7"), 6},
		{mustPrefix("2001::/32"), 7},
		{mustPrefix("::/0"), 1},
	})
}

func precedence(a netip.Addr) int {
	return lookupTable(as6(a), []prefixValue{
		{mustPrefix("::1/128"), 50},
		{mustPrefix("2002::/16"), 30},
		{mustPrefix("::/96"), 20},
		{mustPrefix("::ffff:0:0/96"), 10},
		{mustPrefix("::/0"), 40},
	})
}

func scope(a netip.Addr) int {
	a = a.Unmap()
	if a.Is4() {
		switch b := a.As4(); {
		case b[0] == 169 && b[1] == 254, b[0] == 127:
			return 2
		}
		return 14
	}
	b := a.As16()
	switch {
	case a.IsMulticast():
		return int(b[1] & 0xf)
	case a.IsLinkLocalUnicast(), a.IsLoopback():
		return 2
	case b[0] == 0xfe && b[1]&0xc0 == 0xc0: // site-local fec0::/10
		return 5
	}
	return 14
}

type sortEntry struct {
	dst       hostAddr
	src       netip.Addr
	hasSrc    bool
	prefixLen int // of the source's subnet (IPv4 rule 9)
	index     int
}

// sourceOf finds the source address the kernel would use to reach a, by
// connecting a UDP socket (no packet is sent), as glibc does.
func sourceOf(ctx context.Context, a hostAddr) (netip.Addr, bool) {
	// An IPv4-mapped destination is reached over IPv4; its source maps
	// back the same way for the label and scope rules.
	dst := netip.AddrPortFrom(a.addr.Unmap(), 9)
	network := "udp4"
	if dst.Addr().Is6() {
		network = "udp6"
		if a.scope != 0 {
			dst = netip.AddrPortFrom(a.addr.WithZone(zoneName(a.scope)), 9)
		}
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, dst.String())
	if err != nil {
		return netip.Addr{}, false
	}
	defer c.Close()
	la, ok := c.LocalAddr().(*net.UDPAddr)
	if !ok {
		return netip.Addr{}, false
	}
	src := la.AddrPort().Addr().Unmap().WithZone("")
	return src, src.IsValid()
}

func prefixLenOf(src netip.Addr, ifas []net.Addr) int {
	for _, ifa := range ifas {
		if n, ok := ifa.(*net.IPNet); ok {
			if a, ok := netip.AddrFromSlice(n.IP); ok && a.Unmap() == src {
				ones, _ := n.Mask.Size()
				return ones
			}
		}
	}
	return 32
}

// leadingMatch is glibc's "fls": the number of leading zero bits of x.
func leadingMatch(x uint32) int { return bits.LeadingZeros32(x) }

func sortAddrs(ctx context.Context, addrs []hostAddr) {
	ifas, _ := net.InterfaceAddrs()
	es := make([]sortEntry, len(addrs))
	for i, a := range addrs {
		es[i] = sortEntry{dst: a, index: i}
		es[i].src, es[i].hasSrc = sourceOf(ctx, a)
		if es[i].hasSrc && es[i].src.Is4() {
			es[i].prefixLen = prefixLenOf(es[i].src, ifas)
		}
	}
	slices.SortStableFunc(es, compareDst)
	for i := range es {
		addrs[i] = es[i].dst
	}
}

func compareDst(a1, a2 sortEntry) int {
	d1, d2 := a1.dst.addr, a2.dst.addr
	// Rule 1: avoid unusable destinations.
	if a1.hasSrc != a2.hasSrc {
		if a1.hasSrc {
			return -1
		}
		return 1
	}
	// Rule 2: prefer matching scope.
	if a1.hasSrc && a2.hasSrc {
		m1 := scope(d1) == scope(a1.src)
		m2 := scope(d2) == scope(a2.src)
		if m1 != m2 {
			if m1 {
				return -1
			}
			return 1
		}
	}
	// Rules 3 and 4 (deprecated and home addresses) need kernel flags glibc
	// rarely has; skipped.
	// Rule 5: prefer matching label.
	if a1.hasSrc && a2.hasSrc {
		m1 := label(d1) == label(a1.src)
		m2 := label(d2) == label(a2.src)
		if m1 != m2 {
			if m1 {
				return -1
			}
			return 1
		}
	}
	// Rule 6: prefer higher precedence.
	if p1, p2 := precedence(d1), precedence(d2); p1 != p2 {
		if p1 > p2 {
			return -1
		}
		return 1
	}
	// Rule 7 (native transport) is not tracked.
	// Rule 8: prefer smaller scope.
	if s1, s2 := scope(d1), scope(d2); s1 != s2 {
		if s1 < s2 {
			return -1
		}
		return 1
	}
	// Rule 9: longest matching prefix, same family only.
	if a1.hasSrc && a2.hasSrc && d1.Is4() == d2.Is4() {
		b1, b2 := 0, 0
		if d1.Is4() {
			b1 = subnetMatch(d1, a1.src, a1.prefixLen)
			b2 = subnetMatch(d2, a2.src, a2.prefixLen)
		} else {
			x1, y1 := d1.As16(), a1.src.As16()
			x2, y2 := d2.As16(), a2.src.As16()
			for i := 0; i < 16; i += 4 {
				w1 := be32(x1[i:]) ^ be32(y1[i:])
				w2 := be32(x2[i:]) ^ be32(y2[i:])
				if w1 != 0 || w2 != 0 {
					b1, b2 = leadingMatch(w1), leadingMatch(w2)
					break
				}
			}
		}
		if b1 != b2 {
			if b1 > b2 {
				return -1
			}
			return 1
		}
	}
	// Rule 10: keep the order.
	return a1.index - a2.index
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func subnetMatch(dst, src netip.Addr, prefixLen int) int {
	d, s := be32(dst.AsSlice()), be32(src.AsSlice())
	mask := uint32(0)
	if prefixLen > 0 {
		mask = ^uint32(0) << (32 - prefixLen)
	}
	if d&mask != s&mask {
		return 0
	}
	return leadingMatch(d ^ s)
}
