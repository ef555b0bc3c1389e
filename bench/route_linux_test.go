//go:build linux

package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/anysock/anysock/families/netlink/route"
	"github.com/anysock/anysock/internal/leakcheck"
	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	vnl "github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// nRoutes is the number of routes put in the benchmark namespace (besides
// the handful the kernel adds for the addresses).
const nRoutes = 10000

// benchNS is the namespace the benchmarks dump, made by TestMain.
var benchNS string

func TestMain(m *testing.M) {
	before := leakcheck.OpenFDs()
	code := func() int {
		if os.Geteuid() != 0 {
			fmt.Fprintln(os.Stderr, "bench: route benchmarks need root (network namespaces); skipping setup")
			return m.Run()
		}
		ip, err := exec.LookPath("ip")
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: iproute2 ip not found:", err)
			return 1
		}
		benchNS = fmt.Sprintf("anysock-bench-%d", os.Getpid())
		if out, err := exec.Command(ip, "netns", "add", benchNS).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "bench: ip netns add: %v: %s\n", err, out)
			return 1
		}
		defer exec.Command(ip, "netns", "del", benchNS).Run()
		var b strings.Builder
		b.WriteString("link set lo up\nlink add v0 type veth peer name v1\nlink set v0 up\nlink set v1 up\naddr add 10.9.0.1/24 dev v0\n")
		for i := 0; i < nRoutes; i++ {
			fmt.Fprintf(&b, "route add 172.16.%d.%d/32 via 10.9.0.%d\n", i/256, i%256, 2+i%2)
		}
		cmd := exec.Command(ip, "-n", benchNS, "-batch", "-")
		cmd.Stdin = strings.NewReader(b.String())
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "bench: ip -batch: %v: %s\n", err, out)
			return 1
		}
		return m.Run()
	}()
	if code == 0 {
		if err := leakcheck.Check(before); err != nil {
			fmt.Fprintln(os.Stderr, "leakcheck:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func needNS(tb testing.TB) *os.File {
	tb.Helper()
	if benchNS == "" {
		tb.Skip("needs root")
	}
	f, err := os.Open("/var/run/netns/" + benchNS)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// Each library must see the same routes, so that the benchmarks compare
// equal work.
func TestSameRoutes(t *testing.T) {
	f := needNS(t)
	c, err := route.Dial(context.Background(), &route.Config{NetNS: int(f.Fd())})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ours, err := c.Routes(context.Background(), route.FamilyIPv4)
	if err != nil {
		t.Fatal(err)
	}
	if len(ours) < nRoutes {
		t.Fatalf("anysock: %d routes, want at least %d", len(ours), nRoutes)
	}

	h, err := vnl.NewHandleAt(netns.NsHandle(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	vr, err := h.RouteListFiltered(vnl.FAMILY_V4, &vnl.Route{Table: unix.RT_TABLE_UNSPEC}, vnl.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}

	jc, err := rtnetlink.Dial(&netlink.Config{NetNS: int(f.Fd())})
	if err != nil {
		t.Fatal(err)
	}
	defer jc.Close()
	jr, err := jc.Route.List()
	if err != nil {
		t.Fatal(err)
	}
	j4 := 0
	for _, r := range jr {
		if r.Family == unix.AF_INET {
			j4++
		}
	}
	if len(vr) != len(ours) || j4 != len(ours) {
		t.Fatalf("IPv4 routes: anysock %d, vishvananda %d, jsimonetti %d", len(ours), len(vr), j4)
	}
	t.Logf("%d IPv4 routes (all tables), jsimonetti dumps %d of all families", len(ours), len(jr))
}

// BenchmarkDump10kRoutes dumps every IPv4 route of every table of a
// namespace holding 10,000 routes, with each library's session opened once.
func BenchmarkDump10kRoutes(b *testing.B) {
	f := needNS(b)
	b.Run("anysock", func(b *testing.B) {
		c, err := route.Dial(context.Background(), &route.Config{NetNS: int(f.Fd())})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			rs, err := c.Routes(ctx, route.FamilyIPv4)
			if err != nil || len(rs) < nRoutes {
				b.Fatal(len(rs), err)
			}
		}
	})
	b.Run("anysock-reuse", func(b *testing.B) {
		c, err := route.Dial(context.Background(), &route.Config{NetNS: int(f.Fd())})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		ctx := context.Background()
		var rs []route.Route
		b.ReportAllocs()
		for b.Loop() {
			rs, err = c.AppendRoutes(ctx, rs[:0], route.FamilyIPv4)
			if err != nil || len(rs) < nRoutes {
				b.Fatal(len(rs), err)
			}
		}
	})
	b.Run("vishvananda", func(b *testing.B) {
		h, err := vnl.NewHandleAt(netns.NsHandle(f.Fd()))
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close()
		b.ReportAllocs()
		for b.Loop() {
			rs, err := h.RouteListFiltered(vnl.FAMILY_V4, &vnl.Route{Table: unix.RT_TABLE_UNSPEC}, vnl.RT_FILTER_TABLE)
			if err != nil || len(rs) < nRoutes {
				b.Fatal(len(rs), err)
			}
		}
	})
	b.Run("jsimonetti", func(b *testing.B) {
		c, err := rtnetlink.Dial(&netlink.Config{NetNS: int(f.Fd())})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.ReportAllocs()
		for b.Loop() {
			rs, err := c.Route.List()
			if err != nil || len(rs) < nRoutes {
				b.Fatal(len(rs), err)
			}
		}
	})
	b.Run("ip", func(b *testing.B) {
		ip, err := exec.LookPath("ip")
		if err != nil {
			b.Skip(err)
		}
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		defer null.Close()
		for b.Loop() {
			cmd := exec.Command(ip, "-n", benchNS, "-4", "-j", "route", "show", "table", "all")
			cmd.Stdout = null
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
