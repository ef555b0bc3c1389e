package families_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/anysock/anysock/families"
)

// malformed addresses per network, each of which must be rejected with an
// error naming the expected syntax.
var malformed = map[string][]string{
	"unix":          {"", "/tmp/a\x00b", "@" + strings.Repeat("x", 200), "/" + strings.Repeat("p", 120)},
	"unixpacket":    {"", "bad\x00path", strings.Repeat("z", 108)},
	"unixgram":      {"", "a\x00", "@" + strings.Repeat("y", 108)},
	"netlink":       {"", "nosuchproto", "route:", "route:0", "route:nogroup", "route:1,,2", "99999", "-1", "route:1:2"},
	"packet":        {"", "/0x0800", "nosuchif0/ip", "lo/0x10000", "lo/notatype", "lo/ip/zz:zz", "lo/ip/00:11:22:33:44:55:66:77:88", "a/b/c/d", "99999999999"},
	"packet-cooked": {"", "lo/ipx", "lo/ip/not-a-mac"},
	"can":           {"#x", "vcan0:1", "has space"},
	"can-bcm":       {"#-1", "a/b"},
	"can-isotp":     {"", "vcan0", "vcan0:7E0", "vcan0:7E0:ZZZ", "vcan0:1234:7E8", "vcan0:7E0:7E8:9"},
	"can-j1939":     {"vcan0:GG", "vcan0:80,ZZZZZZ", "vcan0:1FF", "vcan0:80,12300,1,2"},
}

func TestMalformedAddresses(t *testing.T) {
	ctx := context.Background()
	nets := families.Networks()
	for _, n := range nets {
		if _, ok := malformed[n.Name]; !ok {
			t.Errorf("network %q has no malformed-address cases", n.Name)
		}
	}
	for _, n := range nets {
		for _, addr := range malformed[n.Name] {
			calls := map[string]func() error{
				"ParseAddr": func() error { _, err := families.ParseAddr(n.Name, addr); return err },
			}
			if n.CanDial() {
				calls["Dial"] = func() error { c, err := families.Dial(ctx, n.Name, addr); closeIf(c); return err }
			}
			if n.CanListen() {
				calls["Listen"] = func() error { l, err := families.Listen(ctx, n.Name, addr); closeIf(l); return err }
			}
			if n.CanListenPacket() {
				calls["ListenPacket"] = func() error { c, err := families.ListenPacket(ctx, n.Name, addr); closeIf(c); return err }
			}
			for name, call := range calls {
				// The netlink peer-address parser reads port IDs; its listen
				// syntax is different, so a few inputs are valid for one only.
				err := call()
				if err == nil {
					if n.Name == "netlink" && (name == "ParseAddr") == isDigits(addr) {
						continue
					}
					t.Errorf("%s(%q, %q) succeeded", name, n.Name, addr)
					continue
				}
				var oe *net.OpError
				if !errors.As(err, &oe) || oe.Net != n.Name {
					t.Errorf("%s(%q, %q): %v is not a *net.OpError for the network", name, n.Name, addr, err)
				}
				if !mentionsSyntax(err.Error()) {
					t.Errorf("%s(%q, %q): error %q does not name the expected syntax", name, n.Name, addr, err)
				}
			}
		}
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// mentionsSyntax reports whether an error message shows the address form.
func mentionsSyntax(msg string) bool {
	for _, hint := range []string{"want ", "syntax", "longer than", "e.g."} {
		if strings.Contains(msg, hint) {
			return true
		}
	}
	return false
}

func closeIf(c interface{ Close() error }) {
	switch v := c.(type) {
	case net.Conn:
		if v != nil {
			v.Close()
		}
	case net.Listener:
		if v != nil {
			v.Close()
		}
	case net.PacketConn:
		if v != nil {
			v.Close()
		}
	}
}

func TestUnknownNetworkListsKnown(t *testing.T) {
	ctx := context.Background()
	_, err := families.Dial(ctx, "carrier-pigeon", "coop")
	var une *families.UnknownNetworkError
	if !errors.As(err, &une) {
		t.Fatalf("Dial of unknown network: %v", err)
	}
	for _, n := range families.Networks() {
		if !strings.Contains(err.Error(), n.Name) {
			t.Errorf("error %q does not list %q", err, n.Name)
		}
	}
	if _, err := families.Listen(ctx, "", ""); !errors.As(err, &une) {
		t.Errorf("Listen of empty network: %v", err)
	}
	if _, err := families.ListenPacket(ctx, "UNIX", "@x"); !errors.As(err, &une) {
		t.Errorf("network names are case-sensitive like net's: %v", err)
	}
	if _, err := families.ParseAddr("tcp", "x"); !errors.As(err, &une) {
		t.Errorf("ParseAddr of unknown network: %v", err)
	}
}

func TestWrongKindOfCall(t *testing.T) {
	ctx := context.Background()
	if _, err := families.Listen(ctx, "unixgram", "@x"); err == nil || !strings.Contains(err.Error(), "ListenPacket") {
		t.Errorf("Listen on unixgram: %v", err)
	}
	if _, err := families.ListenPacket(ctx, "unix", "@x"); err == nil || !strings.Contains(err.Error(), "connection-oriented") {
		t.Errorf("ListenPacket on unix: %v", err)
	}
}

// Every address the dispatcher prints can be parsed back.
func TestParseAddrRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ network, addr string }{
		{"unixgram", "@anysock-rt"},
		{"netlink", "route"},
	} {
		pc, err := families.ListenPacket(ctx, tc.network, tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		la := pc.LocalAddr()
		back, err := families.ParseAddr(tc.network, la.String())
		pc.Close()
		if err != nil || back.String() != la.String() || back.Network() != la.Network() {
			t.Errorf("%s: ParseAddr(%q) = %v, %v", tc.network, la, back, err)
		}
	}
}

func TestProbe(t *testing.T) {
	res := families.Probe()
	seen := map[string]families.Support{}
	for _, s := range res {
		seen[s.Network] = s
		if !s.Supported && (len(s.Modules) == 0 || !strings.Contains(s.Reason, s.Modules[len(s.Modules)-1])) {
			t.Errorf("%s unsupported without naming its module: %+v", s.Network, s)
		}
	}
	for _, n := range families.Networks() {
		s, ok := seen[n.Name]
		if !ok || !s.Implemented {
			t.Errorf("dispatcher network %q missing from Probe or not marked implemented", n.Name)
		}
	}
	for _, must := range []string{"unix", "unixpacket", "unixgram", "netlink"} {
		if !seen[must].Supported {
			t.Errorf("%s reported unsupported: %s", must, seen[must].Reason)
		}
	}
}
