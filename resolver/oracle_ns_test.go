package resolver_test

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/anysock/anysock/internal/testenv"
	"github.com/anysock/anysock/resolver"
)

// nsDNSAddr is where the test DNS server listens for glibc, which cannot
// be told a port: a loopback address of its own, port 53.
const nsDNSAddr = "127.0.0.153:53"

func namespaceCases() []call {
	var cs []call
	const st = resolver.SOCK_STREAM
	for _, a := range [][]any{
		{"sorttest", 80, 0, st, 0, 0}, {"sorttest", 80, afINET, st, 0, 0}, {"sorttest", 80, afINET6, st, 0, 0},
		{"gateway.example.test", 80, 0, st, 0, resolver.AI_CANONNAME}, {"gw", 80, 0, st, 0, resolver.AI_CANONNAME},
		{"GW", 80, afINET, st, 0, resolver.AI_CANONNAME},
		{"mapped.example.test", 80, afINET, st, 0, 0}, {"mapped.example.test", 80, 0, st, 0, 0},
		{"multi.example.test", 80, afINET, st, 0, resolver.AI_CANONNAME}, {"multi", 80, 0, st, 0, resolver.AI_CANONNAME},
		{"legacy.example.test", 80, 0, st, 0, 0}, {"scoped.example.test", 80, 0, st, 0, 0},
		{"ignored.example.test", 80, 0, st, 0, 0}, {"localhost", 80, 0, st, 0, 0}, {"localhost", 80, afINET, st, 0, 0},
		{"ip6-localhost", 80, afINET, st, 0, 0}, {"gateway", 80, afINET6, st, 0, resolver.AI_V4MAPPED},
		{"gateway", 80, afINET6, st, 0, resolver.AI_V4MAPPED | resolver.AI_ALL},
		{"mapped.example.test", 80, afINET6, st, 0, 0},
		{"www.example.test", 80, 0, st, 0, resolver.AI_CANONNAME}, {"www.example.test", 80, afINET, st, 0, 0},
		{"www.example.test", 80, afINET6, st, 0, 0}, {"alias.example.test", 80, 0, st, 0, resolver.AI_CANONNAME},
		{"v4only.example.test", 80, afINET6, st, 0, 0}, {"v6only.example.test", 80, afINET, st, 0, 0},
		{"v4only.example.test", 80, afINET6, st, 0, resolver.AI_V4MAPPED},
		{"nxdomain.example.test", 80, 0, st, 0, 0}, {"servfail.example.test", 80, 0, st, 0, 0},
		{"empty.example.test", 80, afINET, st, 0, 0}, {"www.example.test", 80, 0, st, 0, resolver.AI_NUMERICHOST},
		{"127.0.0.1", "mysvc", 0, 0, 0, 0}, {"127.0.0.1", "mine", 0, 0, 0, 0}, {"127.0.0.1", "sctpsvc", 0, 0, 0, 0},
		{"127.0.0.1", "sctpsvc", 0, resolver.SOCK_SEQPACKET, 0, 0}, {"127.0.0.1", "broken", 0, 0, 0, 0},
		{"127.0.0.1", "www", 0, 0, 0, 0},
	} {
		cs = append(cs, c("getaddrinfo", a...))
	}
	for _, s := range []string{"gw", "multi.example.test", "www.example.test", "alias.example.test", "v6only.example.test", "sorttest", "nxdomain.example.test"} {
		cs = append(cs, c("gethostbyname", s))
	}
	for _, s := range []string{"gateway", "gw", "multi.example.test", "alias.example.test", "www.example.test", "sorttest", "localhost", "mapped.example.test"} {
		cs = append(cs, c("gethostbyname_ex", s))
	}
	for _, s := range []string{"192.0.2.1", "2001:db8::1", "192.0.2.10", "2001:db8::10", "198.51.100.4", "192.0.2.55", "10.0.0.2", "gw", "::1", "127.0.0.5"} {
		cs = append(cs, c("gethostbyaddr", s))
	}
	for _, a := range [][]any{
		{[]any{"192.0.2.10", 80}, 0}, {[]any{"192.0.2.1", 4242}, 0}, {[]any{"192.0.2.1", 4243}, resolver.NI_DGRAM},
		{[]any{"198.51.100.4", 80}, resolver.NI_NAMEREQD}, {[]any{"198.51.100.4", 80}, 0}, {[]any{"192.0.2.55", 80}, 0},
		{[]any{"2001:db8::10", 80, 0, 0}, 0}, {[]any{"192.0.2.1", 80}, resolver.NI_NOFQDN},
	} {
		cs = append(cs, c("getnameinfo", a...))
	}
	for _, a := range [][]any{{"mysvc"}, {"mine", "tcp"}, {"mysvc", "udp"}, {"broken"}, {"broken2"}, {"noproto"}, {"sctpsvc"}, {"http"}, {"ssh"}} {
		cs = append(cs, c("getservbyname", a...))
	}
	for _, a := range [][]any{{4243, "udp"}, {4242}, {5000}, {80, "udp"}, {22}} {
		cs = append(cs, c("getservbyport", a...))
	}
	for _, s := range []string{"myproto", "Experimental", "MYPROTO", "bad", "icmp", "tcp"} {
		cs = append(cs, c("getprotobyname", s))
	}
	cs = append(cs, c("getfqdn", "gw"), c("getfqdn", "192.0.2.10"), c("getfqdn", "multi"), c("getfqdn", "nxdomain.example.test"))
	return cs
}

// TestOracleNamespace runs CPython in a private mount namespace whose
// /etc/hosts, /etc/services, /etc/protocols and /etc/resolv.conf are this
// package's test files and the loopback test DNS server, so that glibc's
// hosts-file parsing, ordering, services and DNS error codes can be
// compared without touching the system's files or network.
func TestOracleNamespace(t *testing.T) {
	testenv.RequireRoot(t, "bind-mounting /etc files in a private mount namespace")
	unshare := testenv.LookPeer(t, "unshare")
	pc, err := net.ListenPacket("udp4", nsDNSAddr)
	if err != nil {
		t.Skipf("cannot listen on %s for glibc: %v", nsDNSAddr, err)
	}
	srv := serveDNS(t, pc)

	dir := t.TempDir()
	resolvConf := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(resolvConf, []byte("nameserver 127.0.0.153\noptions timeout:2 attempts:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	script := `set -e
mount --bind "$1" /etc/hosts
mount --bind "$2" /etc/services
mount --bind "$3" /etc/protocols
mount --bind "$4" /etc/resolv.conf
shift 4
exec "$@"`
	prefix := []string{unshare, "--mount", "--propagation", "private", "sh", "-c", script, "sh",
		abs("testdata/hosts"), abs("testdata/services"), abs("testdata/protocols"), resolvConf}

	cases := namespaceCases()
	py := runPython(t, cases, prefix...)
	r := &resolver.Resolver{
		Net:           srv.resolver(),
		HostsFile:     "testdata/hosts",
		ServicesFile:  "testdata/services",
		ProtocolsFile: "testdata/protocols",
	}
	compareOracle(t, r, cases, py)
}
