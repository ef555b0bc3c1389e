package netlink_test

import (
	"testing"

	"github.com/anysock/anysock/families/netlink"
)

func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"0", "4321", "4321:0x11", "1:17", "4294967295:0xffffffff", "", ":", "1:", "x", "-1", "4294967296"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := netlink.ParseAddr(s)
		if err != nil {
			return
		}
		back, err := netlink.ParseAddr(a.String())
		if err != nil || *back != *a {
			t.Fatalf("%q -> %v -> %v, %v", s, a, back, err)
		}
		sa, err := netlink.Codec{}.AppendSockaddr(nil, a)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := netlink.Codec{}.ParseSockaddr(sa)
		if err != nil || *dec.(*netlink.Addr) != *a {
			t.Fatalf("sockaddr round trip of %v = %v, %v", a, dec, err)
		}
	})
}

func FuzzParseListenAddr(f *testing.F) {
	for _, s := range []string{"route", "route:link,ipv4-ifaddr", "generic", "kobject_uevent:1", "16:3,40", "route:", "route:0", ":", "audit:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		proto, groups, err := netlink.ParseListenAddr(s)
		if err != nil {
			return
		}
		if proto < 0 || proto >= 32 {
			t.Fatalf("%q: protocol %d out of range", s, proto)
		}
		for _, g := range groups {
			if g == 0 {
				t.Fatalf("%q: group 0 accepted", s)
			}
		}
	})
}

func FuzzParseSockaddr(f *testing.F) {
	f.Add([]byte{16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{16, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := netlink.Codec{}.ParseSockaddr(b)
		if err == nil && a == nil {
			t.Fatal("nil address without error")
		}
	})
}
