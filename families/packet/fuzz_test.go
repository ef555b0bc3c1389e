package packet_test

import (
	"testing"

	"github.com/anysock/anysock/families/packet"
)

func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"lo", "lo/0x0800", "1/arp", "any/ipv6/02:00:00:00:00:01", "0/all", "", "/", "lo//", "lo/0x10000", "a/b/c/d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := packet.ParseAddr(packet.Raw, s)
		if err != nil {
			return
		}
		c := packet.Codec{Net: packet.Raw}
		sa, err := c.AppendSockaddr(nil, a)
		if err != nil {
			t.Fatalf("accepted %q but cannot encode: %v", s, err)
		}
		back, err := c.ParseSockaddr(sa)
		if err != nil {
			t.Fatal(err)
		}
		b := back.(*packet.Addr)
		if b.Index != a.Index || b.EtherType != a.EtherType || b.HardwareAddr.String() != a.HardwareAddr.String() {
			t.Fatalf("round trip of %q: %+v -> %+v", s, a, b)
		}
		// The printed form parses back to the same address.
		again, err := packet.ParseAddr(packet.Raw, b.String())
		if err != nil || again.Index != a.Index || again.EtherType != a.EtherType {
			t.Fatalf("ParseAddr(%q) = %+v, %v", b.String(), again, err)
		}
	})
}

func FuzzParseSockaddr(f *testing.F) {
	f.Add([]byte{17, 0, 8, 0, 1, 0, 0, 0, 1, 0, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0})
	f.Add([]byte{17, 0, 8, 0, 1, 0, 0, 0, 1, 0, 0, 9})
	f.Add([]byte{17, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := packet.Codec{Net: packet.Raw}.ParseSockaddr(b)
		if err == nil && a == nil {
			t.Fatal("nil address without error")
		}
	})
}
