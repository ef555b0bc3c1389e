//go:build linux

package route_test

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"

	"github.com/anysock/anysock/families/netlink/route"
)

func TestChanges(t *testing.T) {
	n := newNS(t)
	n.run(t, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	c := n.dial(t)
	ctx := ctxT(t)
	v0, err := c.LinkByName(ctx, "v0")
	if err != nil {
		t.Fatal(err)
	}
	if v0.Name != "v0" || v0.Kind != "veth" || v0.Index == 0 {
		t.Fatalf("LinkByName(v0) = %+v", v0)
	}
	if l, err := c.LinkByIndex(ctx, v0.Index); err != nil || l.Name != "v0" {
		t.Fatalf("LinkByIndex(%d) = %v, %v", v0.Index, l.Name, err)
	}
	if _, err := c.LinkByName(ctx, "nosuchlink"); !errors.Is(err, syscall.ENODEV) {
		t.Fatalf("LinkByName(nosuchlink) error = %v, want ENODEV", err)
	}

	isUp := func(name string) bool {
		var ls []struct {
			Flags []string `json:"flags"`
		}
		n.json(t, &ls, "link", "show", "dev", name)
		for _, f := range ls[0].Flags {
			if f == "UP" {
				return true
			}
		}
		return false
	}
	if err := c.SetLinkUp(ctx, v0.Index); err != nil {
		t.Fatal(err)
	}
	if !isUp("v0") {
		t.Fatal("v0 not up after SetLinkUp")
	}
	if err := c.SetLinkDown(ctx, v0.Index); err != nil {
		t.Fatal(err)
	}
	if isUp("v0") {
		t.Fatal("v0 still up after SetLinkDown")
	}
	if err := c.SetLinkUp(ctx, 9999); !errors.Is(err, syscall.ENODEV) {
		t.Fatalf("SetLinkUp(9999) = %v, want ENODEV", err)
	}
	if err := c.SetLinkMTU(ctx, v0.Index, 1300); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.LinkByIndex(ctx, v0.Index); l.MTU != 1300 {
		t.Fatalf("MTU after SetLinkMTU = %d", l.MTU)
	}
	if err := c.SetLinkUp(ctx, v0.Index); err != nil {
		t.Fatal(err)
	}

	// Addresses.
	a := route.Address{Prefix: netip.MustParsePrefix("10.20.0.1/24"), Index: v0.Index, Label: "v0:a"}
	if err := c.AddAddress(ctx, a); err != nil {
		t.Fatal(err)
	}
	if out := n.run(t, "-4", "addr", "show", "dev", "v0"); !strings.Contains(out, "10.20.0.1/24") || !strings.Contains(out, "v0:a") {
		t.Fatalf("added address missing from ip addr:\n%s", out)
	}
	err = c.AddAddress(ctx, a)
	var rerr *route.Error
	if !errors.Is(err, syscall.EEXIST) || !errors.As(err, &rerr) || !strings.Contains(err.Error(), "add address 10.20.0.1/24") {
		t.Fatalf("second AddAddress = %v, want a *route.Error matching EEXIST", err)
	}
	if err := c.AddAddress(ctx, route.Address{Prefix: netip.MustParsePrefix("10.21.0.1/24"), Index: 9999}); !errors.Is(err, syscall.ENODEV) {
		t.Fatalf("AddAddress on link 9999 = %v, want ENODEV", err)
	}
	a6 := route.Address{Prefix: netip.MustParsePrefix("2001:db8:5::1/64"), Index: v0.Index, Flags: route.AddrNoDAD | route.AddrNoPrefixRoute}
	if err := c.AddAddress(ctx, a6); err != nil {
		t.Fatal(err)
	}
	addrs, err := c.Addresses(ctx, route.FamilyIPv6)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range addrs {
		if x.Prefix == a6.Prefix {
			found = x.Flags&route.AddrNoPrefixRoute != 0 && x.Flags&route.AddrNoDAD != 0
		}
	}
	if !found {
		t.Fatalf("IPv6 address with nodad,noprefixroute not found in %+v", addrs)
	}

	// Routes.
	r := route.Route{Dst: netip.MustParsePrefix("10.30.0.0/16"), Gateway: netip.MustParseAddr("10.20.0.254"),
		Table: 100, Priority: 7, Protocol: route.ProtocolStatic, Metrics: &route.Metrics{MTU: 1400}}
	if err := c.AddRoute(ctx, r); err != nil {
		t.Fatal(err)
	}
	var ip []ipRoute
	n.json(t, &ip, "route", "show", "table", "100")
	if len(ip) != 1 || ip[0].Dst != "10.30.0.0/16" || ip[0].Gateway != "10.20.0.254" || ip[0].Metric != 7 || ip[0].Protocol != "static" || ip[0].Dev != "v0" {
		t.Fatalf("ip route show table 100 = %+v", ip)
	}
	if err := c.AddRoute(ctx, r); !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("second AddRoute = %v, want EEXIST", err)
	}
	r.Gateway = netip.MustParseAddr("10.20.0.253")
	if err := c.ReplaceRoute(ctx, r); err != nil {
		t.Fatal(err)
	}
	if out := n.run(t, "route", "show", "table", "100"); !strings.Contains(out, "via 10.20.0.253") {
		t.Fatalf("ReplaceRoute did not change the gateway:\n%s", out)
	}
	if err := c.DeleteRoute(ctx, route.Route{Dst: r.Dst, Table: 100}); err != nil {
		t.Fatal(err)
	}
	if out := n.run(t, "route", "show", "table", "100"); strings.TrimSpace(out) != "" {
		t.Fatalf("route left after DeleteRoute:\n%s", out)
	}
	if err := c.DeleteRoute(ctx, route.Route{Dst: r.Dst, Table: 100}); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("second DeleteRoute = %v, want ESRCH", err)
	}

	// The kernel explains some failures (extended ACK).
	err = c.AddRoute(ctx, route.Route{Dst: netip.MustParsePrefix("10.31.0.0/16"), Gateway: netip.MustParseAddr("10.77.0.1")})
	if !errors.As(err, &rerr) || rerr.Message == "" || !strings.Contains(err.Error(), rerr.Message) {
		t.Fatalf("AddRoute via an unreachable gateway = %v, want an *Error with the kernel's message", err)
	}
	t.Logf("extended ACK: %v", err)
	err = c.AddRoute(ctx, route.Route{Dst: netip.MustParsePrefix("10.32.0.0/16"), OIF: 9999})
	if !errors.Is(err, syscall.ENODEV) {
		t.Fatalf("AddRoute dev 9999 = %v, want ENODEV", err)
	}

	// Multipath, IPv6, default and link-scope routes.
	mp := route.Route{Dst: netip.MustParsePrefix("10.40.0.0/16"), NextHops: []route.NextHop{
		{Gateway: netip.MustParseAddr("10.20.0.2"), OIF: v0.Index, Weight: 3},
		{Gateway: netip.MustParseAddr("10.20.0.3"), OIF: v0.Index},
	}}
	v6 := route.Route{Dst: netip.MustParsePrefix("2001:db8:50::/48"), Gateway: netip.MustParseAddr("fe80::2"), OIF: v0.Index, HasPref: true, Pref: route.PrefHigh}
	def := route.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("10.20.0.1"), Priority: 50}
	onlink := route.Route{Dst: netip.MustParsePrefix("10.41.0.0/16"), OIF: v0.Index}
	for _, x := range []route.Route{mp, v6, def, onlink} {
		if err := c.AddRoute(ctx, x); err != nil {
			t.Fatalf("AddRoute(%v): %v", x.Dst, err)
		}
	}
	routes, err := c.Routes(ctx, route.FamilyAll)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]route.Route{}
	for _, x := range routes {
		if x.Table == route.TableMain {
			seen[x.Dst.String()] = x
		}
	}
	if g := seen["10.40.0.0/16"]; len(g.NextHops) != 2 || g.NextHops[0].Weight != 3 || g.NextHops[1].Gateway != netip.MustParseAddr("10.20.0.3") {
		t.Errorf("multipath route read back as %+v", g)
	}
	if g := seen["2001:db8:50::/48"]; g.Gateway != v6.Gateway || !g.HasPref || g.Pref != route.PrefHigh {
		t.Errorf("IPv6 route read back as %+v", g)
	}
	if g := seen["0.0.0.0/0"]; g.Gateway != def.Gateway || g.Priority != 50 {
		t.Errorf("default route read back as %+v", g)
	}
	if g := seen["10.41.0.0/16"]; g.Scope != route.ScopeLink || g.OIF != v0.Index {
		t.Errorf("device route read back as %+v", g)
	}

	// Neighbours.
	ne := route.Neighbor{Dst: netip.MustParseAddr("10.20.0.9"), Index: v0.Index, LLAddr: net.HardwareAddr{2, 0, 0, 0, 0, 9}}
	if err := c.AddNeighbor(ctx, ne); err != nil {
		t.Fatal(err)
	}
	if out := n.run(t, "neigh", "show", "dev", "v0"); !strings.Contains(out, "10.20.0.9 lladdr 02:00:00:00:00:09 PERMANENT") {
		t.Fatalf("neighbour missing:\n%s", out)
	}
	if err := c.DeleteNeighbor(ctx, ne); err != nil {
		t.Fatal(err)
	}
	if out := n.run(t, "neigh", "show", "dev", "v0"); strings.Contains(out, "10.20.0.9 ") {
		t.Fatalf("neighbour left after delete:\n%s", out)
	}
	if err := c.DeleteAddress(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAddress(ctx, a); !errors.Is(err, syscall.EADDRNOTAVAIL) {
		t.Fatalf("second DeleteAddress = %v, want EADDRNOTAVAIL", err)
	}
}

func TestEvents(t *testing.T) {
	n := newNS(t)
	n.run(t, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	w, err := route.Watch(ctxT(t), n.cfg())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	n.run(t, "link", "set", "v0", "up")
	n.run(t, "addr", "add", "10.9.0.1/24", "dev", "v0")
	n.run(t, "route", "add", "10.70.0.0/16", "via", "10.9.0.2", "proto", "static")
	n.run(t, "neigh", "add", "10.9.0.7", "lladdr", "02:00:00:00:00:07", "dev", "v0")
	n.run(t, "route", "del", "10.70.0.0/16")
	want := map[string]bool{"link v0 up": false, "address 10.9.0.1/24": false, "route 10.70.0.0/16 static": false,
		"neighbor 10.9.0.7": false, "deleted route 10.70.0.0/16": false}
	remaining := len(want)
	for remaining > 0 {
		ev, err := w.Next(ctxT(t))
		if err != nil {
			t.Fatalf("Next: %v (still waiting for %v)", err, want)
		}
		var k string
		switch {
		case ev.Link != nil && ev.Link.Flags&route.FlagUp != 0:
			k = "link " + ev.Link.Name + " up"
		case ev.Address != nil:
			k = "address " + ev.Address.Prefix.String()
		case ev.Route != nil && ev.Type == route.NewRoute:
			k = "route " + ev.Route.Dst.String() + " " + ev.Route.Protocol.String()
		case ev.Route != nil:
			k = "deleted route " + ev.Route.Dst.String()
		case ev.Neighbor != nil:
			k = "neighbor " + ev.Neighbor.Dst.String()
		}
		if seen, ok := want[k]; ok && !seen {
			want[k] = true
			remaining--
		}
	}
}

func TestRouteToMatchesIPRouteGet(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 0)
	c := n.dial(t)
	links, err := c.Links(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	names := linkNames(t, links)
	for _, dst := range []string{"10.50.1.2", "8.8.8.8", "10.9.0.7", "10.9.0.1", "2001:db8:100::5", "2001:db8::9"} {
		r, err := c.RouteTo(ctxT(t), netip.MustParseAddr(dst))
		if err != nil {
			t.Fatalf("RouteTo(%s): %v", dst, err)
		}
		var ip []struct {
			Type    string `json:"type"`
			Dst     string `json:"dst"`
			Gateway string `json:"gateway"`
			Dev     string `json:"dev"`
			PrefSrc string `json:"prefsrc"`
		}
		n.json(t, &ip, "route", "get", dst)
		if len(ip) != 1 {
			t.Fatalf("ip route get %s: %+v", dst, ip)
		}
		gw := ""
		if r.Gateway.IsValid() {
			gw = r.Gateway.String()
		}
		src := ""
		if r.PrefSrc.IsValid() {
			src = r.PrefSrc.String()
		}
		typ := r.Type.String()
		if ip[0].Type == "" {
			ip[0].Type = "unicast"
		}
		if ip[0].Dst != dst || ip[0].Gateway != gw || ip[0].Dev != names[r.OIF] || ip[0].PrefSrc != src || ip[0].Type != typ {
			t.Errorf("RouteTo(%s) = %s via %q dev %s src %q (%s); ip route get: %+v", dst, r.Dst, gw, names[r.OIF], src, typ, ip[0])
		}
	}
	n.run(t, "route", "del", "default")
	if _, err := c.RouteTo(ctxT(t), netip.MustParseAddr("8.8.8.8")); !errors.Is(err, syscall.ENETUNREACH) {
		t.Fatalf("RouteTo without a default route = %v, want ENETUNREACH", err)
	}
}
