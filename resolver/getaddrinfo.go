package resolver

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Resolver looks names up the way glibc does: hosts file first, then DNS
// through a net.Resolver. The zero value (and a nil *Resolver) uses the
// system files and net.DefaultResolver. A Resolver is safe for concurrent
// use; files are read on each call, as glibc does.
type Resolver struct {
	// Net answers DNS queries. Nil means net.DefaultResolver. Use a
	// &net.Resolver{PreferGo: true, Dial: ...} to send queries to a
	// server of your choice.
	Net *net.Resolver

	// HostsFile, ServicesFile and ProtocolsFile name the files to read;
	// empty means /etc/hosts, /etc/services and /etc/protocols. A missing
	// services or protocols file is replaced by a built-in table of common
	// entries; a missing hosts file means no entries. Note that the Go
	// resolver in Net reads the system's /etc/hosts itself.
	HostsFile     string
	ServicesFile  string
	ProtocolsFile string
}

func (r *Resolver) dns() *net.Resolver {
	if r == nil || r.Net == nil {
		return net.DefaultResolver
	}
	return r.Net
}

// Socket types and protocols GetAddrInfo knows (Linux numbering).
const (
	SOCK_STREAM    = 1
	SOCK_DGRAM     = 2
	SOCK_RAW       = 3
	SOCK_SEQPACKET = 5
	SOCK_DCCP      = 6

	IPPROTO_TCP     = 6
	IPPROTO_UDP     = 17
	IPPROTO_DCCP    = 33
	IPPROTO_SCTP    = 132
	IPPROTO_UDPLITE = 136
)

// GetAddrInfo flags (glibc values).
const (
	AI_PASSIVE     = 0x1   // no host: the wildcard address instead of loopback
	AI_CANONNAME   = 0x2   // set CanonName in the first result
	AI_NUMERICHOST = 0x4   // host must be an address; no lookup
	AI_V4MAPPED    = 0x8   // AF_INET6: return IPv4 results as ::ffff:a.b.c.d if no IPv6 ones
	AI_ALL         = 0x10  // with AI_V4MAPPED: both IPv6 and mapped IPv4 results
	AI_ADDRCONFIG  = 0x20  // only families the host has a non-loopback address of
	AI_IDN         = 0x40  // accepted; internationalized names are not converted
	AI_CANONIDN    = 0x80  // accepted, ignored
	AI_NUMERICSERV = 0x400 // service must be a number
)

// aiMask is glibc's set of accepted flags, including the deprecated IDN
// flags 0x100 and 0x200.
const aiMask = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL |
	AI_ADDRCONFIG | AI_IDN | AI_CANONIDN | AI_NUMERICSERV | 0x300

// Hints restrict GetAddrInfo as struct addrinfo's hints do. The zero value
// asks for every family, socket type and protocol.
type Hints struct {
	Family   int // AF_UNSPEC, AF_INET or AF_INET6
	Type     int // SOCK_STREAM, SOCK_DGRAM, ... or 0
	Protocol int // IPPROTO_TCP, ... or 0
	Flags    int // AI_* flags
}

// AddrInfo is one result of GetAddrInfo, CPython's 5-tuple (family, type,
// proto, canonname, sockaddr).
type AddrInfo struct {
	Family    int
	Type      int
	Protocol  int
	CanonName string // only in the first result, with AI_CANONNAME
	// Addr is the socket address. An IPv6 address with a scope carries it
	// as its zone (the interface name when it has one), ready for the net
	// package; ScopeID holds the number.
	Addr    netip.AddrPort
	ScopeID uint32
}

// typeproto mirrors glibc's gaih_inet_typeproto table.
type typeproto struct {
	socktype, protocol int
	protoAny, noServ   bool
	byDefault          bool
	name               string
}

func typeprotos() []typeproto {
	return []typeproto{
		{SOCK_STREAM, IPPROTO_TCP, false, false, true, "tcp"},
		{SOCK_DGRAM, IPPROTO_UDP, false, false, true, "udp"},
		{SOCK_DCCP, IPPROTO_DCCP, false, false, false, "dccp"},
		{SOCK_DGRAM, IPPROTO_UDPLITE, false, false, false, "udplite"},
		{SOCK_STREAM, IPPROTO_SCTP, false, false, false, "sctp"},
		{SOCK_SEQPACKET, IPPROTO_SCTP, false, false, false, "sctp"},
		{SOCK_RAW, 0, true, true, true, "raw"},
	}
}

type servTuple struct{ socktype, protocol, port int }

// parseService mimics glibc: strtoul(service, &end, 10) with the result
// stored in an int; a negative int means "look it up by name".
func parseService(s string) (int, bool) {
	v, rest, ok := cStrtoul10(s)
	if !ok {
		// strtoul consumed nothing, so end points at the start and only
		// the empty string passes the *end == '\0' test.
		return 0, s == ""
	}
	if rest != "" {
		return 0, false
	}
	return int(int32(uint32(v))), true
}

func (r *Resolver) servTuples(service string, h Hints) ([]servTuple, EAI) {
	tps := typeprotos()
	var tp *typeproto // nil: glibc's "any" entry
	if h.Type != 0 || h.Protocol != 0 {
		for i := range tps {
			t := &tps[i]
			if (h.Type != 0 && h.Type != t.socktype) || (h.Protocol != 0 && !t.protoAny && h.Protocol != t.protocol) {
				continue
			}
			tp = t
			break
		}
		if tp == nil {
			if h.Type != 0 {
				return nil, EAI_SOCKTYPE
			}
			return nil, EAI_SERVICE
		}
	}
	proto := func(t *typeproto) int {
		if t.protoAny {
			return h.Protocol
		}
		return t.protocol
	}
	port := 0
	if service != "" {
		if tp != nil && tp.noServ {
			return nil, EAI_SERVICE
		}
		n, numeric := parseService(service)
		if !numeric && h.Flags&AI_NUMERICSERV != 0 {
			return nil, EAI_NONAME
		}
		if !numeric || n < 0 {
			// An unreadable services file finds nothing: EAI_SERVICE, as
			// glibc's failed getservbyname_r.
			svcs, _ := r.services()
			lookup := func(t *typeproto) (servTuple, bool) {
				for _, s := range svcs {
					if s.Proto == t.name && (s.Name == service || contains(s.Aliases, service)) {
						return servTuple{t.socktype, proto(t), s.Port}, true
					}
				}
				return servTuple{}, false
			}
			if tp != nil {
				st, ok := lookup(tp)
				if !ok {
					return nil, EAI_SERVICE
				}
				return []servTuple{st}, 0
			}
			var out []servTuple
			for i := range tps {
				t := &tps[i]
				if t.noServ {
					continue
				}
				if st, ok := lookup(t); ok {
					out = append(out, st)
				}
			}
			if len(out) == 0 {
				return nil, EAI_SERVICE
			}
			return out, 0
		}
		port = int(uint16(n))
	}
	if tp != nil {
		return []servTuple{{tp.socktype, proto(tp), port}}, 0
	}
	var out []servTuple
	for i := range tps {
		if tps[i].byDefault {
			out = append(out, servTuple{tps[i].socktype, proto(&tps[i]), port})
		}
	}
	return out, 0
}

// hostAddr is an address found for the host, with its IPv6 scope.
type hostAddr struct {
	addr  netip.Addr // unzoned
	scope uint32
}

// GetAddrInfo translates host and service into socket addresses, as C's
// getaddrinfo (and CPython's socket.getaddrinfo) does with glibc: numeric
// hosts in inet_aton's forms ("127.1") and IPv6 with a "%scope", names from
// the hosts file then DNS, services by number or from the services file,
// one result per address and matching socket type, ordered by RFC 3484
// destination address selection. An empty host or service stands for
// C's NULL.
func (r *Resolver) GetAddrInfo(ctx context.Context, host, service string, h Hints) ([]AddrInfo, error) {
	name := host
	if service != "" {
		name = host + ":" + service
	}
	fail := func(code EAI, err error) ([]AddrInfo, error) {
		return nil, &Error{Func: "getaddrinfo", Name: name, Code: code, Err: err}
	}
	// glibc takes "*" for NULL.
	if host == "*" {
		host = ""
	}
	if service == "*" {
		service = ""
	}
	if host == "" && service == "" {
		return fail(EAI_NONAME, nil)
	}
	if h.Flags&^aiMask != 0 {
		return fail(EAI_BADFLAGS, nil)
	}
	if h.Flags&AI_CANONNAME != 0 && host == "" {
		return fail(EAI_BADFLAGS, nil)
	}
	if h.Family != AF_UNSPEC && h.Family != AF_INET && h.Family != AF_INET6 {
		return fail(EAI_FAMILY, nil)
	}
	if _, numeric := parseService(service); service != "" && !numeric && h.Flags&AI_NUMERICSERV != 0 {
		return fail(EAI_NONAME, nil)
	}
	sts, code := r.servTuples(service, h)
	if code != 0 {
		return fail(code, nil)
	}
	if h.Flags&AI_ADDRCONFIG != 0 {
		seen4, seen6 := addrConfig()
		switch {
		case h.Family == AF_UNSPEC && (seen4 || seen6):
			if seen4 != seen6 {
				h.Family = AF_INET6
				if seen4 {
					h.Family = AF_INET
				}
			}
		case (h.Family == AF_INET && !seen4) || (h.Family == AF_INET6 && !seen6):
			return fail(EAI_NONAME, nil)
		}
	}
	addrs, canon, code, err := r.hostAddrs(ctx, host, h)
	if code != 0 {
		return fail(code, err)
	}
	if len(addrs) > 1 {
		sortAddrs(ctx, addrs)
	}
	out := make([]AddrInfo, 0, len(addrs)*len(sts))
	for _, a := range addrs {
		for _, st := range sts {
			ai := AddrInfo{Family: AF_INET, Type: st.socktype, Protocol: st.protocol, ScopeID: a.scope}
			ip := a.addr
			if ip.Is6() {
				ai.Family = AF_INET6
				if a.scope != 0 {
					ip = ip.WithZone(zoneName(a.scope))
				}
			}
			ai.Addr = netip.AddrPortFrom(ip, uint16(st.port))
			out = append(out, ai)
		}
	}
	if h.Flags&AI_CANONNAME != 0 && len(out) > 0 {
		out[0].CanonName = canon
	}
	return out, nil
}

// zoneName is the interface name for a scope, or the number.
func zoneName(scope uint32) string {
	if ifi, err := net.InterfaceByIndex(int(scope)); err == nil {
		return ifi.Name
	}
	return strconv.FormatUint(uint64(scope), 10)
}

// addrConfig reports whether the host has an IPv4 address other than
// 127.0.0.1 and an IPv6 address other than ::1 and link-local ones, as
// glibc's AI_ADDRCONFIG test.
func addrConfig() (seen4, seen6 bool) {
	ifas, err := net.InterfaceAddrs()
	if err != nil {
		return true, true
	}
	for _, ifa := range ifas {
		pfx, ok := ifa.(*net.IPNet)
		if !ok {
			continue
		}
		a, ok := netip.AddrFromSlice(pfx.IP)
		if !ok {
			continue
		}
		a = a.Unmap()
		if a.Is4() {
			seen4 = seen4 || a != netip.AddrFrom4([4]byte{127, 0, 0, 1})
		} else {
			seen6 = seen6 || (a != netip.IPv6Loopback() && !a.IsLinkLocalUnicast())
		}
	}
	return seen4, seen6
}

// parseScope resolves the text after '%' as glibc's __inet6_scopeid_pton:
// an interface name for link-local addresses, else a decimal number.
func parseScope(a netip.Addr, s string) (uint32, bool) {
	if s == "" {
		return 0, false
	}
	if a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		if ifi, err := net.InterfaceByName(s); err == nil {
			return uint32(ifi.Index), true
		}
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

// parseNumericHost returns the address of a numeric host, or ok == false
// when host is not numeric. code is set when it is numeric but unusable.
func parseNumericHost(host string, h Hints) (addrs []hostAddr, ok bool, code EAI) {
	if b, ok := inetAtonExact(host); ok {
		a := netip.AddrFrom4(b)
		switch {
		case h.Family == AF_INET || h.Family == AF_UNSPEC:
			return []hostAddr{{addr: a}}, true, 0
		case h.Flags&AI_V4MAPPED != 0:
			return []hostAddr{{addr: netip.AddrFrom16(a.As16())}}, true, 0
		}
		return nil, true, EAI_ADDRFAMILY
	}
	text, scopeText, hasScope := strings.Cut(host, "%")
	b, ok6 := inetPton6(text)
	if !ok6 {
		return nil, false, 0
	}
	a := netip.AddrFrom16(b)
	var scope uint32
	if hasScope {
		s, ok := parseScope(a, scopeText)
		if !ok {
			return nil, true, EAI_NONAME
		}
		scope = s
	}
	switch {
	case h.Family == AF_INET6 || h.Family == AF_UNSPEC:
		return []hostAddr{{addr: a, scope: scope}}, true, 0
	case a.Is4In6():
		return []hostAddr{{addr: a.Unmap()}}, true, 0
	}
	return nil, true, EAI_ADDRFAMILY
}

func (r *Resolver) hostAddrs(ctx context.Context, host string, h Hints) ([]hostAddr, string, EAI, error) {
	if host == "" {
		var out []hostAddr
		passive := h.Flags&AI_PASSIVE != 0
		if h.Family == AF_INET6 || h.Family == AF_UNSPEC {
			a := netip.IPv6Loopback()
			if passive {
				a = netip.IPv6Unspecified()
			}
			out = append(out, hostAddr{addr: a})
		}
		if h.Family == AF_INET || h.Family == AF_UNSPEC {
			a := netip.AddrFrom4([4]byte{127, 0, 0, 1})
			if passive {
				a = netip.IPv4Unspecified()
			}
			out = append(out, hostAddr{addr: a})
		}
		return out, "", 0, nil
	}
	if addrs, ok, code := parseNumericHost(host, h); ok {
		return addrs, host, code, nil
	}
	if h.Flags&AI_NUMERICHOST != 0 {
		return nil, "", EAI_NONAME, nil
	}
	if addrs, canon := r.hostsByName(host, h); len(addrs) > 0 {
		return addrs, canon, 0, nil
	}
	return r.dnsByName(ctx, host, h)
}

// hostsByName looks name up in the hosts file (case-insensitively, names
// and aliases, every matching line as with "multi on").
func (r *Resolver) hostsByName(name string, h Hints) ([]hostAddr, string) {
	var v4, v6 []hostAddr
	var order []hostAddr
	canon := ""
	for _, e := range r.hosts() {
		if !containsFold(e.Names, name) {
			continue
		}
		a := e.Addr
		switch h.Family {
		case AF_INET:
			// glibc's files backend, asked for AF_INET, turns mapped
			// addresses into IPv4 and ::1 into 127.0.0.1.
			if a.Is6() {
				switch {
				case a.Is4In6():
					a = a.Unmap()
				case a == netip.IPv6Loopback():
					a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
				default:
					continue
				}
			}
		case AF_INET6:
			if a.Is4() {
				if h.Flags&AI_V4MAPPED == 0 {
					continue
				}
				v4 = append(v4, hostAddr{addr: netip.AddrFrom16(a.As16())})
				if canon == "" {
					canon = e.Names[0]
				}
				continue
			}
		}
		if canon == "" {
			canon = e.Names[0]
		}
		if a.Is6() {
			v6 = append(v6, hostAddr{addr: a})
		}
		order = append(order, hostAddr{addr: a})
	}
	if h.Family == AF_INET6 {
		if len(v6) == 0 || h.Flags&AI_ALL != 0 {
			return append(v6, v4...), canon
		}
		return v6, canon
	}
	return order, canon
}

func (r *Resolver) dnsByName(ctx context.Context, host string, h Hints) ([]hostAddr, string, EAI, error) {
	network := "ip"
	switch h.Family {
	case AF_INET:
		network = "ip4"
	case AF_INET6:
		network = "ip6"
		if h.Flags&AI_V4MAPPED != 0 {
			network = "ip"
		}
	}
	if err := ctx.Err(); err != nil {
		// net.Resolver may still answer with a done context (its select
		// can pick the result); make the outcome deterministic.
		return nil, "", EAI_AGAIN, err
	}
	ips, err := r.dns().LookupNetIP(ctx, network, host)
	var out []hostAddr
	for _, ip := range ips {
		ip = ip.Unmap()
		if h.Family == AF_INET6 && ip.Is4() {
			continue // mapped below
		}
		out = append(out, hostAddr{addr: ip.WithZone("")})
	}
	if h.Family == AF_INET6 && h.Flags&AI_V4MAPPED != 0 && (len(out) == 0 || h.Flags&AI_ALL != 0) {
		for _, ip := range ips {
			if ip = ip.Unmap(); ip.Is4() {
				out = append(out, hostAddr{addr: netip.AddrFrom16(ip.As16())})
			}
		}
	}
	if len(out) == 0 {
		if err == nil {
			return nil, "", EAI_NODATA, nil
		}
		code := dnsCode(err)
		if code == EAI_NONAME && network != "ip" {
			// NODATA: the name exists with addresses of the other family.
			if other, oerr := r.dns().LookupNetIP(ctx, "ip", host); oerr == nil && len(other) > 0 {
				code = EAI_NODATA
			}
		}
		return nil, "", code, err
	}
	canon := host
	if h.Flags&AI_CANONNAME != 0 {
		if cn, err := r.dns().LookupCNAME(ctx, host); err == nil && cn != "" {
			canon = strings.TrimSuffix(cn, ".")
		} else if err != nil && errors.Is(err, context.Canceled) {
			return nil, "", EAI_AGAIN, err
		}
	}
	return out, canon, 0, nil
}
