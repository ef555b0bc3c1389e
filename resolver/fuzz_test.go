package resolver_test

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/anysock/anysock/resolver"
)

// FuzzInetAton: no panics; whatever parses formats back to text that
// parses to the same bytes; inet_pton's strict form agrees with it.
func FuzzInetAton(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "127.1", "0x7f.1", "017700000001", "1.2.3.4 x", "4294967296", "0x", "1..2", "08"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := resolver.InetAton(s)
		if p, perr := resolver.InetPton(resolver.AF_INET, s); perr == nil {
			if err != nil || !bytes.Equal(p, b[:]) {
				t.Fatalf("inet_pton(%q) = %v but inet_aton = %v, %v", s, p, b, err)
			}
		}
		if err != nil {
			return
		}
		txt, err := resolver.InetNtoa(b[:])
		if err != nil {
			t.Fatal(err)
		}
		back, err := resolver.InetAton(txt)
		if err != nil || back != b {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, b, txt, back, err)
		}
		if a, err := netip.ParseAddr(txt); err != nil || a.As4() != b {
			t.Fatalf("inet_ntoa text %q is not what netip reads: %v", txt, err)
		}
	})
}

// FuzzInetPton6: no panics, and for text without a zone the result agrees
// with net/netip (both follow RFC 4291 text rules).
func FuzzInetPton6(f *testing.F) {
	for _, s := range []string{"::", "::1", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "1::2::3", "1:2:3:4:5:6:7::", ":::", "fe80::1%lo", "::1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := resolver.InetPton(resolver.AF_INET6, s)
		if strings.ContainsRune(s, '%') {
			if err == nil {
				t.Fatalf("inet_pton accepted a zone: %q", s)
			}
			return
		}
		a, nerr := netip.ParseAddr(s)
		if nerr == nil && !a.Is6() {
			if err == nil {
				t.Fatalf("inet_pton(AF_INET6) accepted IPv4 text %q", s)
			}
			return
		}
		if (err == nil) != (nerr == nil) {
			t.Fatalf("%q: inet_pton err %v, netip err %v", s, err, nerr)
		}
		if err == nil && [16]byte(b) != a.As16() {
			t.Fatalf("%q: inet_pton %x, netip %x", s, b, a.As16())
		}
	})
}

// FuzzInetNtop: every 16 bytes format to text that inet_pton and netip
// read back to the same bytes.
func FuzzInetNtop(f *testing.F) {
	f.Add(make([]byte, 16))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4})
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := resolver.InetNtop(resolver.AF_INET6, b)
		if len(b) != 16 {
			if err == nil {
				t.Fatalf("inet_ntop accepted %d bytes", len(b))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		back, err := resolver.InetPton(resolver.AF_INET6, s)
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("%x -> %q -> %x, %v", b, s, back, err)
		}
		if a, err := netip.ParseAddr(s); err != nil || a.As16() != [16]byte(b) {
			t.Fatalf("%x -> %q, netip: %v", b, s, err)
		}
	})
}

// FuzzParseDatabases feeds the same text to the hosts, services and
// protocols parsers: no panics, and every entry is well formed.
func FuzzParseDatabases(f *testing.F) {
	f.Add("127.0.0.1 localhost # c\n::1 localhost ip6-localhost\n")
	f.Add("http 80/tcp www\nbroken x/tcp\nnoproto 42\n")
	f.Add("tcp 6 TCP\nbad -1\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, e := range resolver.ParseHosts(text) {
			if !e.Addr.IsValid() || len(e.Names) == 0 {
				t.Fatalf("bad host entry %+v", e)
			}
		}
		for _, e := range resolver.ParseServices(text) {
			if e.Name == "" || e.Port < 0 || e.Port > 65535 || strings.ContainsAny(e.Name, " \t\n#") {
				t.Fatalf("bad service entry %+v", e)
			}
		}
		for _, e := range resolver.ParseProtocols(text) {
			if e.Name == "" || strings.ContainsAny(e.Name, " \t\n#") {
				t.Fatalf("bad protocol entry %+v", e)
			}
		}
	})
}

// FuzzGetAddrInfoNumeric runs GetAddrInfo on arbitrary host and service
// text with AI_NUMERICHOST, so no lookup leaves the process: no panics,
// and every result is well formed.
func FuzzGetAddrInfoNumeric(f *testing.F) {
	f.Add("127.1", "80", 0, 0, 0)
	f.Add("fe80::1%lo", "http", 10, 1, 0)
	f.Add("::ffff:1.2.3.4", "-1", 2, 0, 17)
	f.Add("", "", 0, 3, 0)
	r := &resolver.Resolver{HostsFile: "testdata/hosts", ServicesFile: "testdata/services"}
	f.Fuzz(func(t *testing.T, host, service string, family, typ, proto int) {
		ais, err := r.GetAddrInfo(context.Background(), host, service, resolver.Hints{
			Family: family, Type: typ, Protocol: proto, Flags: resolver.AI_NUMERICHOST,
		})
		if err != nil {
			if _, ok := err.(*resolver.Error); !ok {
				t.Fatalf("error %T %v is not *resolver.Error", err, err)
			}
			return
		}
		for _, ai := range ais {
			if !ai.Addr.IsValid() || (ai.Family != resolver.AF_INET && ai.Family != resolver.AF_INET6) {
				t.Fatalf("bad result %+v", ai)
			}
		}
	})
}
