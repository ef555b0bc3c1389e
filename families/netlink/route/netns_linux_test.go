//go:build linux

package route_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anysock/anysock/families/netlink/route"
	"github.com/anysock/anysock/internal/testenv"
)

var nsCounter atomic.Int32

// testNS is a network namespace made with `ip netns add` for one test and
// deleted when it ends.
type testNS struct {
	name string
	ip   string // path of iproute2's ip
	f    *os.File
}

func newNS(t testing.TB) *testNS {
	t.Helper()
	testenv.RequireRoot(t, "network namespaces")
	ip := testenv.LookPeer(t, "ip")
	name := fmt.Sprintf("anysock-route-%d-%d", os.Getpid(), nsCounter.Add(1))
	if out, err := exec.Command(ip, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", name, err, out)
	}
	n := &testNS{name: name, ip: ip}
	t.Cleanup(func() {
		if n.f != nil {
			n.f.Close()
		}
		if out, err := exec.Command(ip, "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	f, err := os.Open("/var/run/netns/" + name)
	if err != nil {
		t.Fatal(err)
	}
	n.f = f
	// No duplicate address detection: IPv6 addresses (and their local
	// routes) appear at once, so the tables do not change under a test.
	for _, k := range []string{"all", "default"} {
		p := "/proc/sys/net/ipv6/conf/" + k + "/accept_dad"
		if out, err := exec.Command(ip, "netns", "exec", name, "sh", "-c", "echo 0 > "+p).CombinedOutput(); err != nil {
			t.Fatalf("disabling DAD: %v: %s", err, out)
		}
	}
	n.run(t, "link", "set", "lo", "up")
	return n
}

func (n *testNS) cfg() *route.Config { return &route.Config{NetNS: int(n.f.Fd())} }

// run runs `ip -n NS args...` and fails the test on error.
func (n *testNS) run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(n.ip, append([]string{"-n", n.name}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip -n %s %s: %v: %s", n.name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// json runs `ip -n NS -j args...` and decodes its output into v.
func (n *testNS) json(t testing.TB, v any, args ...string) {
	t.Helper()
	out := n.run(t, append([]string{"-j"}, args...)...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("ip -j %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// batch runs `ip -n NS -batch -` over lines.
func (n *testNS) batch(t testing.TB, lines []string) {
	t.Helper()
	cmd := exec.Command(n.ip, "-n", n.name, "-batch", "-")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ip -batch: %v: %s", err, bytes.TrimSpace(out))
	}
}

// dial opens a Conn in the namespace.
func (n *testNS) dial(t testing.TB) *route.Conn {
	t.Helper()
	c, err := route.Dial(context.Background(), n.cfg())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// setupRich fills a namespace with a veth pair, IPv4 and IPv6 addresses,
// neighbours and a variety of routes in several tables, plus nRoutes
// generated routes.
func setupRich(t testing.TB, n *testNS, nRoutes int) {
	t.Helper()
	lines := []string{
		"link add v0 type veth peer name v1",
		"link add v2 type veth peer name v3",
		"link set v0 up", "link set v1 up", "link set v2 up",
		"link set v1 mtu 1400",
		"link set v2 alias uplink",
		"addr add 10.9.0.1/24 dev v0",
		"addr add 10.9.0.5/24 dev v0",
		"addr add 10.9.1.1 peer 10.9.1.2/32 dev v1",
		"addr add 192.0.2.1/24 brd + dev v2 label v2:x",
		"addr add 2001:db8::1/64 dev v0 nodad",
		"addr add 2001:db8:1::1/64 dev v1 nodad noprefixroute",
		"addr add 2001:db8:2::1/64 dev v2 nodad valid_lft 3600 preferred_lft 1800",
		"route add default via 10.9.0.2",
		"route add 10.50.0.0/16 via 10.9.0.2 metric 5 mtu 1400 advmss 1360",
		"route add 10.51.0.0/16 dev v0 scope link proto static",
		"route add 10.52.0.0/16 via 10.9.0.3 src 10.9.0.5 proto dhcp",
		"route add 10.53.0.0/16 via 10.9.0.2 table 100 proto static",
		"route add 10.54.0.0/16 via 10.9.0.2 table 1000 initcwnd 10 hoplimit 32",
		"route add 10.60.0.0/16 nexthop via 10.9.0.2 weight 2 nexthop via 10.9.0.3",
		"route add blackhole 10.80.0.0/16",
		"route add unreachable 10.81.0.0/16",
		"route add prohibit 10.82.0.0/16 table 100",
		"route add 10.83.0.1 via 10.9.0.2",
		"route add 10.84.0.0/16 via 10.9.1.2 dev v1 onlink",
		"route add 2001:db8:100::/48 via 2001:db8::2 metric 10",
		"route add 2001:db8:101::/48 via 2001:db8::2 pref high",
		"route add 2001:db8:102::/48 nexthop via 2001:db8::2 dev v0 nexthop via 2001:db8::3 dev v0 weight 3",
		"route add 2001:db8:103::/48 dev v0 table 100 mtu 1300",
		"route add blackhole 2001:db8:104::/48",
		"route add default via 2001:db8::2 metric 1024",
		"route add 2001:db8:200::/48 from 2001:db8:1::/64 via 2001:db8::2",
		"route add 2001:db8:300::/48 via 2001:db8::2 expires 300",
		"route add 10.85.0.0/16 via inet6 fe80::9 dev v0",
		"neigh add 10.9.0.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent",
		"neigh add 10.9.0.8 lladdr 02:00:00:00:00:08 dev v0 nud stale",
		"neigh add 10.9.0.9 lladdr 02:00:00:00:00:09 dev v0 nud reachable",
		"neigh add 2001:db8::7 lladdr 02:00:00:00:00:17 dev v0 nud permanent router",
		"neigh add 192.0.2.9 dev v2 nud failed",
	}
	for i := 0; i < nRoutes; i++ {
		if i%4 == 3 {
			lines = append(lines, fmt.Sprintf("route add 2001:db8:%x:%x::/64 via 2001:db8::2 table %d", 0x1000+i/256, i%256, 200+i%3))
		} else {
			lines = append(lines, fmt.Sprintf("route add 172.%d.%d.0/24 via 10.9.0.%d table %d", 16+i/65536, (i/256)%256, 2+i%2, 200+i%3))
			lines[len(lines)-1] = fmt.Sprintf("route add 172.%d.%d.%d/32 via 10.9.0.%d table %d", 16+i/65536, (i/256)%256, i%256, 2+i%2, 200+i%3)
		}
	}
	n.batch(t, lines)
	// Link-local addresses stay tentative for a moment even without DAD;
	// wait until they settle so that the tables do not change under a
	// comparison.
	tentative := func() bool {
		var ls []struct {
			AddrInfo []any `json:"addr_info"`
		}
		n.json(t, &ls, "addr", "show", "tentative")
		for _, l := range ls {
			if len(l.AddrInfo) > 0 {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(10 * time.Second); tentative(); {
		if time.Now().After(deadline) {
			t.Fatalf("addresses still tentative:\n%s", n.run(t, "addr", "show", "tentative"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
