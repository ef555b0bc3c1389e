package unix_test

import (
	"testing"

	"github.com/anysock/anysock/families/unix"
)

// ParseAddr never panics, and whatever it accepts encodes and decodes back
// to the same text.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"/run/a.sock", "@abstract", "@", "", "rel/path", "/a\x00b", "@\x00nul"} {
		f.Add("unix", s)
	}
	f.Add("unixgram", "/tmp/x")
	f.Add("tcp", "/tmp/x")
	f.Fuzz(func(t *testing.T, network, s string) {
		a, err := unix.ParseAddr(network, s)
		if err != nil {
			return
		}
		c := unix.Codec{Net: network}
		sa, err := c.AppendSockaddr(nil, a)
		if err != nil {
			t.Fatalf("accepted %q but cannot encode it: %v", s, err)
		}
		if len(sa) > 110 {
			t.Fatalf("sockaddr of %d bytes exceeds sockaddr_un", len(sa))
		}
		back, err := c.ParseSockaddr(sa)
		if err != nil || back.String() != a.String() || back.Network() != network {
			t.Fatalf("round trip of %q = %v, %v", s, back, err)
		}
	})
}

// ParseSockaddr never panics on bytes claimed to come from the kernel.
func FuzzParseSockaddr(f *testing.F) {
	f.Add([]byte{1, 0})
	f.Add([]byte{1, 0, '/', 't', 0})
	f.Add([]byte{1, 0, 0, 'a', 'b'})
	f.Add([]byte{2, 0, 1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := unix.Codec{Net: "unix"}.ParseSockaddr(b)
		if err == nil && a == nil {
			t.Fatal("nil address without error")
		}
	})
}
