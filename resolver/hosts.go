package resolver

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// GetNameInfo flags (glibc values).
const (
	NI_NUMERICHOST = 0x1  // numeric host, no lookup
	NI_NUMERICSERV = 0x2  // numeric service, no lookup
	NI_NOFQDN      = 0x4  // drop the local domain from the host name
	NI_NAMEREQD    = 0x8  // fail with EAI_NONAME rather than return a number
	NI_DGRAM       = 0x10 // the service is UDP, not TCP
	NI_IDN         = 0x20 // accepted; names are not converted
)

// niMask is glibc's set of accepted flags, including the deprecated IDN
// flags 0x40 and 0x80.
const niMask = NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM | NI_IDN | 0xc0

// scopeOf returns the numeric scope of a zoned address: the zone as a
// number, or the index of the interface it names.
func scopeOf(a netip.Addr) (uint32, bool) {
	z := a.Zone()
	if z == "" {
		return 0, true
	}
	if n, err := strconv.ParseUint(z, 10, 32); err == nil {
		return uint32(n), true
	}
	if ifi, err := net.InterfaceByName(z); err == nil {
		return uint32(ifi.Index), true
	}
	return 0, false
}

// numericHost formats a as glibc's getnameinfo does with NI_NUMERICHOST:
// inet_ntop text, plus "%scope" for a scoped IPv6 address (the interface
// name for link-local ones when it exists).
func numericHost(a netip.Addr, scope uint32) string {
	if a.Is4() {
		return formatIPv4(a.AsSlice())
	}
	s := formatIPv6(a.As16())
	if scope != 0 {
		z := strconv.FormatUint(uint64(scope), 10)
		if a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() {
			if ifi, err := net.InterfaceByIndex(int(scope)); err == nil {
				z = ifi.Name
			}
		}
		s += "%" + z
	}
	return s
}

// hostsByAddr returns the first hosts-file line for a.
func (r *Resolver) hostsByAddr(a netip.Addr) (HostEntry, bool) {
	for _, e := range r.hosts() {
		if e.Addr == a {
			return e, true
		}
	}
	return HostEntry{}, false
}

// nameOf finds the names of a: hosts file, then PTR records. A zero code
// with no names means "not found".
func (r *Resolver) nameOf(ctx context.Context, a netip.Addr) (names []string, code HErrno, err error) {
	if e, ok := r.hostsByAddr(a); ok {
		return e.Names, 0, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, TRY_AGAIN, err
	}
	ptrs, err := r.dns().LookupAddr(ctx, a.String())
	if len(ptrs) > 0 {
		// glibc (2.36 and later) uses the first PTR record only.
		return []string{strings.TrimSuffix(ptrs[0], ".")}, 0, nil
	}
	if err == nil {
		return nil, HOST_NOT_FOUND, nil
	}
	switch dnsCode(err) {
	case EAI_AGAIN:
		return nil, TRY_AGAIN, err
	case EAI_NONAME:
		return nil, HOST_NOT_FOUND, err
	}
	return nil, NO_RECOVERY, err
}

// localDomain is the domain part of the host name, for NI_NOFQDN.
func localDomain() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	if _, d, ok := strings.Cut(h, "."); ok {
		return d
	}
	return ""
}

// GetNameInfo translates a socket address into a host and a service name,
// as C's getnameinfo with glibc: the host from the hosts file or a PTR
// lookup unless NI_NUMERICHOST, the service from the services file ("tcp",
// or "udp" with NI_DGRAM) unless NI_NUMERICSERV, numbers where no name is
// found (or EAI_NONAME with NI_NAMEREQD). The zone of an IPv6 address is its
// scope (an interface name or number).
func (r *Resolver) GetNameInfo(ctx context.Context, addr netip.AddrPort, flags int) (host, serv string, err error) {
	a := addr.Addr()
	fail := func(code EAI, err error) (string, string, error) {
		return "", "", &Error{Func: "getnameinfo", Name: addr.String(), Code: code, Err: err}
	}
	if flags&^niMask != 0 {
		return fail(EAI_BADFLAGS, nil)
	}
	if !a.IsValid() {
		return fail(EAI_FAMILY, nil)
	}
	scope, ok := scopeOf(a)
	if !ok {
		return fail(EAI_NONAME, nil)
	}
	a = a.WithZone("")
	found := false
	if flags&NI_NUMERICHOST == 0 {
		names, code, err := r.nameOf(ctx, a)
		switch {
		case len(names) > 0:
			host, found = names[0], true
			if flags&NI_NOFQDN != 0 {
				if d := localDomain(); d != "" && strings.HasSuffix(host, "."+d) {
					host = strings.TrimSuffix(host, "."+d)
				}
			}
		case code == TRY_AGAIN:
			return fail(EAI_AGAIN, err)
		}
	}
	if !found {
		if flags&NI_NAMEREQD != 0 {
			return fail(EAI_NONAME, nil)
		}
		host = numericHost(a, scope)
	}
	port := int(addr.Port())
	serv = strconv.Itoa(port)
	if flags&NI_NUMERICSERV == 0 {
		proto := "tcp"
		if flags&NI_DGRAM != 0 {
			proto = "udp"
		}
		if name, err := r.GetServByPort(port, proto); err == nil {
			serv = name
		}
	}
	return host, serv, nil
}

// setIPAddr resolves name to one address as CPython's setipaddr does for
// gethostbyname (family AF_INET) and gethostbyaddr (AF_UNSPEC).
func (r *Resolver) setIPAddr(ctx context.Context, fn, name string, family int) (netip.Addr, error) {
	if name == "" {
		ais, err := r.GetAddrInfo(ctx, "", "0", Hints{Family: family, Type: SOCK_DGRAM, Flags: AI_PASSIVE})
		if err != nil {
			return netip.Addr{}, renameErr(err, fn, name)
		}
		if len(ais) > 1 {
			return netip.Addr{}, &Error{Func: fn, Name: name, Code: EAI_FAIL, Err: errors.New("wildcard resolved to multiple address")}
		}
		return ais[0].Addr.Addr(), nil
	}
	if name == "<broadcast>" || name == "255.255.255.255" {
		if family != AF_INET && family != AF_UNSPEC {
			return netip.Addr{}, &Error{Func: fn, Name: name, Code: EAI_ADDRFAMILY}
		}
		return netip.AddrFrom4([4]byte{255, 255, 255, 255}), nil
	}
	ais, err := r.GetAddrInfo(ctx, name, "", Hints{Family: family})
	if err != nil {
		return netip.Addr{}, renameErr(err, fn, name)
	}
	return ais[0].Addr.Addr(), nil
}

func renameErr(err error, fn, name string) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Func, c.Name = fn, name
		return &c
	}
	return err
}

// GetHostByName returns the first IPv4 address of name as text, as
// CPython's socket.gethostbyname: "" is 0.0.0.0, "<broadcast>" is
// 255.255.255.255, numeric forms follow inet_aton ("1" is 0.0.0.1), and names
// go through GetAddrInfo with AF_INET.
func (r *Resolver) GetHostByName(ctx context.Context, name string) (string, error) {
	a, err := r.setIPAddr(ctx, "gethostbyname", name, AF_INET)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

// GetHostByNameEx returns the canonical name, the aliases and the IPv4
// addresses of name, as CPython's socket.gethostbyname_ex (glibc's
// gethostbyname). A numeric name is returned unchanged with its address.
func (r *Resolver) GetHostByNameEx(ctx context.Context, name string) (hostname string, aliases, addrs []string, err error) {
	a, err := r.setIPAddr(ctx, "gethostbyname_ex", name, AF_INET)
	if err != nil {
		return "", nil, nil, err
	}
	if name == "" {
		// glibc's gethostbyname("") fails this way.
		return "", nil, nil, &HostError{Func: "gethostbyname_ex", Name: name, Code: NO_RECOVERY}
	}
	if _, numeric := inetAtonExact(name); numeric {
		return name, []string{}, []string{a.String()}, nil
	}
	// The hosts file: every matching line, aliases of all of them.
	aliases = []string{}
	for _, e := range r.hosts() {
		ip := e.Addr
		if ip.Is6() {
			switch {
			case ip.Is4In6():
				ip = ip.Unmap()
			case ip == netip.IPv6Loopback():
				ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
			default:
				continue
			}
		}
		if !containsFold(e.Names, name) {
			continue
		}
		if hostname == "" {
			hostname = e.Names[0]
		} else if !contains(aliases, e.Names[0]) && e.Names[0] != hostname {
			aliases = append(aliases, e.Names[0])
		}
		for _, n := range e.Names[1:] {
			if !contains(aliases, n) {
				aliases = append(aliases, n)
			}
		}
		addrs = append(addrs, ip.String())
	}
	if hostname != "" {
		return hostname, aliases, addrs, nil
	}
	if err := ctx.Err(); err != nil {
		return "", nil, nil, &HostError{Func: "gethostbyname_ex", Name: name, Code: TRY_AGAIN, Err: err}
	}
	ips, err := r.dns().LookupNetIP(ctx, "ip4", name)
	if err != nil || len(ips) == 0 {
		code := HOST_NOT_FOUND
		if err != nil && dnsCode(err) == EAI_AGAIN {
			code = TRY_AGAIN
		}
		return "", nil, nil, &HostError{Func: "gethostbyname_ex", Name: name, Code: code, Err: err}
	}
	hostname = name
	if cn, err := r.dns().LookupCNAME(ctx, name); err == nil && cn != "" {
		hostname = strings.TrimSuffix(cn, ".")
	}
	if !strings.EqualFold(hostname, strings.TrimSuffix(name, ".")) {
		aliases = append(aliases, name)
	}
	for _, ip := range ips {
		addrs = append(addrs, ip.Unmap().String())
	}
	return hostname, aliases, addrs, nil
}

// GetHostByAddr returns the primary name, the aliases and the address of
// host (an address, or a name which is resolved first), as CPython's
// socket.gethostbyaddr: the hosts file first, then PTR records. An address
// without a name gives a *HostError with HOST_NOT_FOUND.
func (r *Resolver) GetHostByAddr(ctx context.Context, host string) (name string, aliases, addrs []string, err error) {
	a, err := r.setIPAddr(ctx, "gethostbyaddr", host, AF_UNSPEC)
	if err != nil {
		return "", nil, nil, err
	}
	names, code, err := r.nameOf(ctx, a.WithZone(""))
	if len(names) == 0 {
		if code == 0 {
			code = HOST_NOT_FOUND
		}
		return "", nil, nil, &HostError{Func: "gethostbyaddr", Name: host, Code: code, Err: err}
	}
	return names[0], append([]string{}, names[1:]...), []string{numericHost(a.WithZone(""), 0)}, nil
}

// GetFQDN returns a fully qualified name for name, as CPython's
// socket.getfqdn: for "" (or 0.0.0.0 or ::) the host name, then the first
// name containing a dot among GetHostByAddr's name and aliases, else the
// primary name; name itself when the lookup fails.
func (r *Resolver) GetFQDN(ctx context.Context, name string) string {
	name = strings.TrimSpace(name)
	if name == "" || name == "0.0.0.0" || name == "::" {
		name, _ = GetHostname()
	}
	hostname, aliases, _, err := r.GetHostByAddr(ctx, name)
	if err != nil {
		return name
	}
	for _, n := range append([]string{hostname}, aliases...) {
		if strings.Contains(n, ".") {
			return n
		}
	}
	return hostname
}

// GetHostname returns the host name, as CPython's socket.gethostname.
func GetHostname() (string, error) { return os.Hostname() }

// Interface is one entry of IfNameIndex.
type Interface struct {
	Index int
	Name  string
}

// IfNameIndex lists the network interfaces, as CPython's if_nameindex.
func IfNameIndex() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	out := make([]Interface, len(ifs))
	for i, ifi := range ifs {
		out[i] = Interface{Index: ifi.Index, Name: ifi.Name}
	}
	return out, nil
}

// IfNameToIndex returns the index of the interface named name.
func IfNameToIndex(name string) (int, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil || name == "" {
		return 0, &NotFoundError{Func: "if_nametoindex", Name: name, Err: ErrInterfaceNotFound}
	}
	return ifi.Index, nil
}

// IfIndexToName returns the name of the interface with index i; a missing
// one gives ENXIO, as in C.
func IfIndexToName(i int) (string, error) {
	if i > 0 {
		if ifi, err := net.InterfaceByIndex(i); err == nil {
			return ifi.Name, nil
		}
	}
	return "", &NotFoundError{Func: "if_indextoname", Name: strconv.Itoa(i), Err: syscall.ENXIO}
}
