package resolver_test

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"slices"
	"syscall"
	"testing"

	"github.com/anysock/anysock/resolver"
)

func TestParseHostsFile(t *testing.T) {
	b, err := os.ReadFile("testdata/hosts")
	if err != nil {
		t.Fatal(err)
	}
	es := resolver.ParseHosts(string(b))
	want := map[string][]string{
		"192.0.2.1":        {"gateway.example.test", "gateway", "gw"},
		"::ffff:192.0.2.7": {"mapped.example.test"},
	}
	found := 0
	for _, e := range es {
		if w, ok := want[e.Addr.String()]; ok {
			found++
			if !slices.Equal(e.Names, w) {
				t.Errorf("%v: names %q, want %q", e.Addr, e.Names, w)
			}
		}
		for _, n := range e.Names {
			switch n {
			case "legacy.example.test", "scoped.example.test", "ignored.example.test":
				t.Errorf("line for %s should be skipped (address not inet_pton text)", n)
			}
		}
	}
	if found != len(want) {
		t.Errorf("found %d of %d expected lines in %v", found, len(want), es)
	}
}

func TestBuiltinTables(t *testing.T) {
	r := &resolver.Resolver{ServicesFile: "testdata/does-not-exist", ProtocolsFile: "testdata/does-not-exist"}
	for _, tc := range []struct {
		name, proto string
		port        int
	}{{"http", "tcp", 80}, {"www", "", 80}, {"domain", "udp", 53}, {"ntp", "udp", 123}, {"https", "", 443}} {
		if p, err := r.GetServByName(tc.name, tc.proto); err != nil || p != tc.port {
			t.Errorf("built-in GetServByName(%q, %q) = %d, %v; want %d", tc.name, tc.proto, p, err, tc.port)
		}
	}
	if _, err := r.GetServByName("http", "udp"); !errors.Is(err, resolver.ErrServiceNotFound) {
		t.Errorf("http/udp: %v", err)
	}
	if n, err := r.GetServByPort(22, ""); err != nil || n != "ssh" {
		t.Errorf("GetServByPort(22) = %q, %v", n, err)
	}
	if _, err := r.GetServByPort(70000, ""); err == nil {
		t.Error("GetServByPort(70000) succeeded")
	}
	if p, err := r.GetProtoByName("SCTP"); err != nil || p != 132 {
		t.Errorf("GetProtoByName(SCTP) = %d, %v", p, err)
	}
	if n, err := r.GetProtoByNumber(17); err != nil || n != "udp" {
		t.Errorf("GetProtoByNumber(17) = %q, %v", n, err)
	}
	if _, err := r.GetProtoByNumber(255); !errors.Is(err, resolver.ErrProtocolNotFound) {
		t.Errorf("GetProtoByNumber(255): %v", err)
	}
	// Services from the built-in table feed getaddrinfo as well.
	ais, err := r.GetAddrInfo(context.Background(), "127.0.0.1", "domain", resolver.Hints{})
	if err != nil || len(ais) != 2 || ais[0].Addr.Port() != 53 || ais[0].Type != resolver.SOCK_STREAM || ais[1].Type != resolver.SOCK_DGRAM {
		t.Errorf("GetAddrInfo(domain) = %+v, %v", ais, err)
	}
	// An unreadable file (a directory) is an error, not a fallback.
	bad := &resolver.Resolver{ServicesFile: "testdata"}
	if _, err := bad.GetServByName("http", ""); err == nil || errors.Is(err, resolver.ErrServiceNotFound) {
		t.Errorf("services file is a directory: %v", err)
	}
}

func TestTestdataDatabases(t *testing.T) {
	r := &resolver.Resolver{ServicesFile: "testdata/services", ProtocolsFile: "testdata/protocols", HostsFile: "testdata/hosts"}
	if p, err := r.GetServByName("mine", "tcp"); err != nil || p != 4242 {
		t.Errorf("alias: %d, %v", p, err)
	}
	if p, err := r.GetServByName("broken2", ""); err != nil || p != 99999&0xffff {
		t.Errorf("out-of-range port kept modulo 65536 as glibc: %d, %v", p, err)
	}
	if _, err := r.GetServByName("broken", ""); err == nil {
		t.Error("line with a non-numeric port was not skipped")
	}
	if p, err := r.GetProtoByName("Experimental"); err != nil || p != 253 {
		t.Errorf("protocol alias: %d, %v", p, err)
	}
	ctx := context.Background()
	// Hosts-file lookups need no DNS at all.
	r.Net = nil
	ais, err := r.GetAddrInfo(ctx, "GW", "", resolver.Hints{Family: resolver.AF_INET, Type: resolver.SOCK_STREAM, Flags: resolver.AI_CANONNAME})
	if err != nil || len(ais) != 1 || ais[0].Addr != netip.MustParseAddrPort("192.0.2.1:0") || ais[0].CanonName != "gateway.example.test" {
		t.Errorf("GetAddrInfo(GW) = %+v, %v", ais, err)
	}
	name, aliases, addrs, err := r.GetHostByNameEx(ctx, "gw")
	if err != nil || name != "gateway.example.test" || !slices.Equal(aliases, []string{"gateway", "gw"}) || !slices.Equal(addrs, []string{"192.0.2.1"}) {
		t.Errorf("GetHostByNameEx(gw) = %q %q %q %v", name, aliases, addrs, err)
	}
	if got := r.GetFQDN(ctx, "gw"); got != "gateway.example.test" {
		t.Errorf("GetFQDN(gw) = %q", got)
	}
	host, serv, err := r.GetNameInfo(ctx, netip.MustParseAddrPort("[fe80::1%1]:7"), resolver.NI_NUMERICHOST|resolver.NI_DGRAM)
	if err != nil || host != "fe80::1%lo" || serv != "echo" {
		t.Errorf("GetNameInfo(fe80::1%%1) = %q %q %v", host, serv, err)
	}
	if _, _, err := r.GetNameInfo(ctx, netip.MustParseAddrPort("[fe80::1%nosuchif]:7"), 0); !errors.Is(err, resolver.EAI_NONAME) {
		t.Errorf("unknown zone: %v", err)
	}
}

func TestInterfaces(t *testing.T) {
	ifs, err := resolver.IfNameIndex()
	if err != nil || len(ifs) == 0 {
		t.Fatal(ifs, err)
	}
	for _, i := range ifs {
		n, err := resolver.IfIndexToName(i.Index)
		if err != nil || n != i.Name {
			t.Errorf("IfIndexToName(%d) = %q, %v", i.Index, n, err)
		}
		x, err := resolver.IfNameToIndex(i.Name)
		if err != nil || x != i.Index {
			t.Errorf("IfNameToIndex(%q) = %d, %v", i.Name, x, err)
		}
	}
	if _, err := resolver.IfIndexToName(0); !errors.Is(err, syscall.ENXIO) {
		t.Errorf("IfIndexToName(0): %v", err)
	}
	if _, err := resolver.IfNameToIndex("nosuchif0"); !errors.Is(err, resolver.ErrInterfaceNotFound) {
		t.Errorf("IfNameToIndex(nosuchif0): %v", err)
	}
}

func TestAddrErrors(t *testing.T) {
	_, err := resolver.InetAton("1.2.3.4x")
	var ae *resolver.AddrError
	if !errors.As(err, &ae) || !errors.Is(err, resolver.ErrIllegalAton) || !errors.Is(err, syscall.EINVAL) {
		t.Errorf("InetAton: %v", err)
	}
	if err.Error() != `resolver: inet_aton "1.2.3.4x": illegal IP address string passed to inet_aton` {
		t.Errorf("message %q", err)
	}
	if _, err := resolver.InetPton(99, "x"); !errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EINVAL) {
		t.Errorf("InetPton(99): %v", err)
	}
	if _, err := resolver.InetNtop(resolver.AF_INET6, make([]byte, 4)); !errors.Is(err, resolver.ErrPackedLength) {
		t.Errorf("InetNtop short: %v", err)
	}
	if resolver.Htons(0x1234) != resolver.Ntohs(0x1234) || resolver.Ntohl(resolver.Htonl(0xdeadbeef)) != 0xdeadbeef {
		t.Error("byte order helpers are not inverses")
	}
}
