//go:build linux

package route_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/anysock/anysock/families/netlink/route"
)

// These tests compare every field the package decodes with what iproute2
// reports for the same namespace (`ip -j ...`).

func linkNames(t testing.TB, links []route.Link) map[int]string {
	t.Helper()
	m := make(map[int]string)
	for _, l := range links {
		m[l.Index] = l.Name
	}
	return m
}

// diffSets compares two lists of canonical JSON lines as multisets.
func diffSets(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(got)
	sort.Strings(want)
	if slices.Equal(got, want) {
		return
	}
	g := map[string]int{}
	for _, s := range got {
		g[s]++
	}
	for _, s := range want {
		g[s]--
	}
	var b strings.Builder
	for s, n := range g {
		switch {
		case n > 0:
			fmt.Fprintf(&b, "\n  only in anysock: %s", s)
		case n < 0:
			fmt.Fprintf(&b, "\n  only in ip:      %s", s)
		}
	}
	t.Errorf("%s: anysock has %d, ip has %d; differences:%s", what, len(got), len(want), b.String())
}

func canon(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type ipLink struct {
	Ifindex   int      `json:"ifindex"`
	Ifname    string   `json:"ifname"`
	Flags     []string `json:"flags"`
	MTU       uint32   `json:"mtu"`
	Qdisc     string   `json:"qdisc"`
	Operstate string   `json:"operstate"`
	Linkmode  string   `json:"linkmode"`
	Group     string   `json:"group"`
	Txqlen    uint32   `json:"txqlen"`
	LinkType  string   `json:"link_type"`
	Address   string   `json:"address"`
	Broadcast string   `json:"broadcast"`
	Link      string   `json:"link,omitempty"`
	LinkIndex int      `json:"link_index,omitempty"`
	LinkNetNS *int32   `json:"link_netnsid,omitempty"`
	Master    string   `json:"master,omitempty"`
	Alias     string   `json:"ifalias,omitempty"`
	Promisc   uint32   `json:"promiscuity"`
	AllMulti  uint32   `json:"allmulti"`
	MinMTU    uint32   `json:"min_mtu"`
	MaxMTU    uint32   `json:"max_mtu"`
	NumTxQ    uint32   `json:"num_tx_queues"`
	NumRxQ    uint32   `json:"num_rx_queues"`
	Kind      string   `json:"kind,omitempty"`
	LinkInfo  *struct {
		Kind string `json:"info_kind"`
	} `json:"linkinfo,omitempty"`
}

func TestLinksMatchIP(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 0)
	// A veth whose peer lives in another namespace has IFLA_LINK_NETNSID.
	other := newNS(t)
	n.run(t, "link", "add", "x0", "type", "veth", "peer", "name", "x1", "netns", other.name)
	c := n.dial(t)
	links, err := c.Links(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	names := linkNames(t, links)
	var got []string
	for _, l := range links {
		il := ipLink{
			Ifindex: l.Index, Ifname: l.Name, Flags: l.Flags.Names(), MTU: l.MTU, Qdisc: l.Qdisc,
			Operstate: l.OperState.String(), Linkmode: []string{"DEFAULT", "DORMANT"}[l.LinkMode&1],
			Group: "default", Txqlen: l.TxQueueLen, LinkType: l.Type.String(),
			Address: l.HardwareAddr.String(), Broadcast: l.Broadcast.String(),
			Link: names[l.ParentIndex], Master: names[l.Master], Alias: l.Alias,
			Promisc: l.Promiscuity, AllMulti: l.AllMulti, MinMTU: l.MinMTU, MaxMTU: l.MaxMTU,
			NumTxQ: l.NumTxQueues, NumRxQ: l.NumRxQueues, Kind: l.Kind,
		}
		if l.Group != 0 {
			il.Group = fmt.Sprint(l.Group)
		}
		if l.ParentIndex == l.Index {
			il.Link = ""
		}
		if l.HasLinkNetNSID {
			// The parent is in another namespace: ip prints its index
			// and the namespace ID instead of a name.
			il.Link, il.LinkIndex = "", l.ParentIndex
			id := l.LinkNetNSID
			il.LinkNetNS = &id
		}
		// ip adds M-DOWN when the parent link (IFLA_LINK) is down.
		for _, p := range links {
			if l.ParentIndex != 0 && p.Index == l.ParentIndex && p.Flags&route.FlagUp == 0 {
				il.Flags = append(il.Flags, "M-DOWN")
			}
		}
		got = append(got, canon(t, il))
	}
	var ip []ipLink
	n.json(t, &ip, "-d", "link", "show")
	var want []string
	for _, il := range ip {
		if il.LinkInfo != nil {
			il.Kind = il.LinkInfo.Kind
			il.LinkInfo = nil
		}
		if il.Flags == nil {
			il.Flags = []string{}
		}
		want = append(want, canon(t, il))
	}
	diffSets(t, "links", got, want)
	if len(links) != 6 {
		t.Errorf("got %d links, want 6 (lo, two veth pairs, one veth end)", len(links))
	}
	found := false
	for _, l := range links {
		found = found || (l.Name == "x0" && l.HasLinkNetNSID)
	}
	if !found {
		t.Error("x0 (peer in another namespace) has no IFLA_LINK_NETNSID")
	}
}

type ipAddr struct {
	Ifindex   int             `json:"ifindex"`
	Family    string          `json:"family"`
	Local     string          `json:"local"`
	Address   string          `json:"address,omitempty"`
	Prefixlen int             `json:"prefixlen"`
	Broadcast string          `json:"broadcast,omitempty"`
	Scope     string          `json:"scope"`
	Label     string          `json:"label,omitempty"`
	Valid     uint32          `json:"valid_life_time"`
	Preferred uint32          `json:"preferred_life_time"`
	Flags     map[string]bool `json:"flags"`
}

// addrFlagNames lists the flags `ip -j addr` prints as booleans.
func addrFlagNames(a route.Address) map[string]bool {
	m := map[string]bool{}
	v6 := a.Family == route.FamilyIPv6
	f := a.Flags
	if f&route.AddrSecondary != 0 {
		if v6 {
			m["temporary"] = true
		} else {
			m["secondary"] = true
		}
	}
	for _, e := range []struct {
		f    route.AddrFlags
		name string
		v6   bool
	}{
		{route.AddrNoDAD, "nodad", true}, {route.AddrOptimistic, "optimistic", true},
		{route.AddrDADFailed, "dadfailed", true}, {route.AddrHome, "home", true},
		{route.AddrDeprecated, "deprecated", true}, {route.AddrTentative, "tentative", true},
		{route.AddrManageTempAddr, "mngtmpaddr", true}, {route.AddrNoPrefixRoute, "noprefixroute", false},
		{route.AddrMcAutoJoin, "autojoin", false}, {route.AddrStablePrivacy, "stable-privacy", true},
	} {
		if f&e.f != 0 && (!e.v6 || v6) {
			m[e.name] = true
		}
	}
	if f&route.AddrPermanent == 0 {
		m["dynamic"] = true
	}
	return m
}

func TestAddressesMatchIP(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 0)
	c := n.dial(t)
	addrs, err := c.Addresses(ctxT(t), route.FamilyAll)
	if err != nil {
		t.Fatal(err)
	}
	ourLife, ipLife := map[string][2]uint32{}, map[string][2]uint32{}
	finite := func(s uint32) uint32 {
		if s == route.Forever {
			return s
		}
		return 1
	}
	var got []string
	for _, a := range addrs {
		ia := ipAddr{Ifindex: a.Index, Family: a.Family.String(), Local: a.Prefix.Addr().String(),
			Prefixlen: a.Prefix.Bits(), Scope: a.Scope.String(), Label: a.Label,
			Valid: a.ValidLifetime, Preferred: a.PreferredLifetime, Flags: addrFlagNames(a)}
		if a.Peer.IsValid() {
			ia.Address = a.Peer.Addr().String()
		}
		if a.Broadcast.IsValid() {
			ia.Broadcast = a.Broadcast.String()
		}
		// Finite lifetimes count down: compared apart, within 2 seconds.
		ourLife[ia.Local] = [2]uint32{ia.Valid, ia.Preferred}
		ia.Valid, ia.Preferred = finite(ia.Valid), finite(ia.Preferred)
		got = append(got, canon(t, ia))
	}
	var ip []struct {
		Ifindex  int                          `json:"ifindex"`
		AddrInfo []map[string]json.RawMessage `json:"addr_info"`
	}
	n.json(t, &ip, "addr", "show")
	var want []string
	for _, l := range ip {
		for _, raw := range l.AddrInfo {
			var ia ipAddr
			ia.Ifindex = l.Ifindex
			ia.Flags = map[string]bool{}
			for k, v := range raw {
				var err error
				switch k {
				case "family":
					err = json.Unmarshal(v, &ia.Family)
				case "local":
					err = json.Unmarshal(v, &ia.Local)
				case "address":
					err = json.Unmarshal(v, &ia.Address)
				case "prefixlen":
					err = json.Unmarshal(v, &ia.Prefixlen)
				case "broadcast":
					err = json.Unmarshal(v, &ia.Broadcast)
				case "scope":
					err = json.Unmarshal(v, &ia.Scope)
				case "label":
					err = json.Unmarshal(v, &ia.Label)
				case "valid_life_time":
					err = json.Unmarshal(v, &ia.Valid)
				case "preferred_life_time":
					err = json.Unmarshal(v, &ia.Preferred)
				default:
					var b bool
					if json.Unmarshal(v, &b) == nil && b {
						ia.Flags[k] = true
					} else {
						t.Errorf("unexpected addr_info field %s=%s", k, v)
					}
				}
				if err != nil {
					t.Fatalf("addr_info %s: %v", k, err)
				}
			}
			ipLife[ia.Local] = [2]uint32{ia.Valid, ia.Preferred}
			ia.Valid, ia.Preferred = finite(ia.Valid), finite(ia.Preferred)
			want = append(want, canon(t, ia))
		}
	}
	diffSets(t, "addresses", got, want)
	for local, o := range ourLife {
		p := ipLife[local]
		for i := range o {
			if d := int64(o[i]) - int64(p[i]); d < -2 || d > 2 {
				t.Errorf("%s lifetimes: anysock %v, ip %v", local, o, p)
			}
		}
	}
	if l := ourLife["2001:db8:2::1"]; l[0] < 3590 || l[0] > 3600 || l[1] < 1790 || l[1] > 1800 {
		t.Errorf("2001:db8:2::1 valid/preferred lifetimes %v, want about 3600/1800", l)
	}
	// The point-to-point address must have its peer.
	found := false
	for _, a := range addrs {
		if a.Prefix.Addr() == netip.MustParseAddr("10.9.1.1") {
			found = a.Peer == netip.MustParsePrefix("10.9.1.2/32")
		}
	}
	if !found {
		t.Error("10.9.1.1 peer 10.9.1.2/32 not decoded")
	}
}

type ipNexthop struct {
	Gateway string   `json:"gateway,omitempty"`
	Dev     string   `json:"dev,omitempty"`
	Weight  int      `json:"weight"`
	Flags   []string `json:"flags"`
}

type ipRoute struct {
	Type    string `json:"type"`
	Dst     string `json:"dst"`
	From    string `json:"from,omitempty"`
	Gateway string `json:"gateway,omitempty"`
	Via     *struct {
		Family string `json:"family"`
		Host   string `json:"host"`
	} `json:"via,omitempty"`
	Dev      string            `json:"dev,omitempty"`
	Table    string            `json:"table"`
	Protocol string            `json:"protocol"`
	Scope    string            `json:"scope"`
	PrefSrc  string            `json:"prefsrc,omitempty"`
	Metric   uint32            `json:"metric"`
	Flags    []string          `json:"flags"`
	Pref     string            `json:"pref,omitempty"`
	Metrics  []map[string]any  `json:"metrics,omitempty"`
	Nexthops []ipNexthop       `json:"nexthops,omitempty"`
	Merged   map[string]uint32 `json:"merged_metrics,omitempty"`
	Expires  int32             `json:"expires,omitempty"` // compared as 0 or 1: it counts down
}

func dstText(p netip.Prefix) string {
	if p.Bits() == 0 {
		return "default"
	}
	if p.Bits() == p.Addr().BitLen() {
		return p.Addr().String()
	}
	return p.String()
}

func ourRoutes(t testing.TB, routes []route.Route, names map[int]string) []string {
	var got []string
	for _, r := range routes {
		ir := ipRoute{Type: r.Type.String(), Dst: dstText(r.Dst), Dev: names[r.OIF],
			Table: r.Table.String(), Protocol: r.Protocol.String(), Scope: r.Scope.String(),
			Metric: r.Priority, Flags: r.Flags.Names()}
		if r.Src.IsValid() && r.Src.Bits() > 0 {
			ir.From = dstText(r.Src)
		}
		if r.Gateway.IsValid() {
			ir.Gateway = r.Gateway.String()
		}
		if r.PrefSrc.IsValid() {
			ir.PrefSrc = r.PrefSrc.String()
		}
		if r.HasPref {
			ir.Pref = r.Pref.String()
		}
		if r.Expires > 0 {
			ir.Expires = 1
		}
		m := map[string]uint32{}
		var rm route.Metrics
		if r.Metrics != nil {
			rm = *r.Metrics
		}
		for k, v := range map[string]uint32{"mtu": rm.MTU, "advmss": rm.AdvMSS,
			"initcwnd": rm.InitCWnd, "hoplimit": rm.HopLimit, "window": rm.Window} {
			if v != 0 {
				m[k] = v
			}
		}
		if len(m) > 0 {
			ir.Merged = m
		}
		for _, h := range r.NextHops {
			nh := ipNexthop{Dev: names[h.OIF], Weight: h.Weight, Flags: h.Flags.Names()}
			if h.Gateway.IsValid() {
				nh.Gateway = h.Gateway.String()
			}
			ir.Nexthops = append(ir.Nexthops, nh)
		}
		got = append(got, canon(t, ir))
	}
	return got
}

func ipRoutes(t testing.TB, n *testNS) []string {
	var ip []ipRoute
	n.json(t, &ip, "route", "show", "table", "all")
	var want []string
	for _, ir := range ip {
		if ir.Type == "" {
			ir.Type = "unicast"
		}
		if ir.Via != nil { // RTA_VIA: a gateway of another family
			ir.Gateway, ir.Via = ir.Via.Host, nil
		}
		if ir.Table == "" {
			ir.Table = "main"
		}
		if ir.Protocol == "" {
			ir.Protocol = "boot"
		}
		if ir.Scope == "" {
			ir.Scope = "global"
		}
		if ir.Flags == nil {
			ir.Flags = []string{}
		}
		if ir.Expires > 0 {
			ir.Expires = 1
		}
		for i := range ir.Nexthops {
			if ir.Nexthops[i].Flags == nil {
				ir.Nexthops[i].Flags = []string{}
			}
		}
		if len(ir.Metrics) > 0 {
			ir.Merged = map[string]uint32{}
			for _, m := range ir.Metrics {
				for k, v := range m {
					f, ok := v.(float64)
					if !ok {
						t.Fatalf("metric %s=%v is not a number", k, v)
					}
					ir.Merged[k] = uint32(f)
				}
			}
			ir.Metrics = nil
		}
		want = append(want, canon(t, ir))
	}
	return want
}

func TestRoutesMatchIP(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 3000)
	c := n.dial(t)
	ctx := ctxT(t)
	links, err := c.Links(ctx)
	if err != nil {
		t.Fatal(err)
	}
	routes, err := c.Routes(ctx, route.FamilyAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 3000 {
		t.Fatalf("got %d routes, want at least 3000", len(routes))
	}
	diffSets(t, "routes", ourRoutes(t, routes, linkNames(t, links)), ipRoutes(t, n))
	for _, r := range routes {
		switch r.Dst.String() {
		case "2001:db8:300::/48":
			if r.Expires < 280 || r.Expires > 300 {
				t.Errorf("route with expires 300 decoded with Expires %d", r.Expires)
			}
		case "2001:db8:200::/48":
			if r.Src != netip.MustParsePrefix("2001:db8:1::/64") {
				t.Errorf("source-specific route decoded with Src %v", r.Src)
			}
		}
	}

	// Per-family dumps partition the full one.
	v4, err := c.Routes(ctx, route.FamilyIPv4)
	if err != nil {
		t.Fatal(err)
	}
	v6, err := c.Routes(ctx, route.FamilyIPv6)
	if err != nil {
		t.Fatal(err)
	}
	if len(v4)+len(v6) != len(routes) {
		t.Errorf("IPv4 %d + IPv6 %d routes != %d in the full dump", len(v4), len(v6), len(routes))
	}
	for _, r := range v4 {
		if r.Family != route.FamilyIPv4 || !r.Dst.Addr().Is4() {
			t.Fatalf("IPv4 dump returned %+v", r)
		}
	}
}

type ipNeigh struct {
	Dst    string   `json:"dst"`
	Dev    string   `json:"dev"`
	LLAddr string   `json:"lladdr,omitempty"`
	State  []string `json:"state"`
	Router bool     `json:"router,omitempty"`
}

func TestNeighborsMatchIP(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 0)
	c := n.dial(t)
	ctx := ctxT(t)
	links, err := c.Links(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := linkNames(t, links)
	neighs, err := c.Neighbors(ctx, route.FamilyAll)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ne := range neighs {
		// ip hides NOARP and NONE entries unless asked.
		if ne.State&^route.NeighNoARP == 0 && ne.Flags&(route.NeighFlagProxy|route.NeighFlagExtLearned) == 0 {
			continue
		}
		in := ipNeigh{Dst: ne.Dst.String(), Dev: names[ne.Index], State: ne.State.Names(),
			Router: ne.Flags&route.NeighFlagRouter != 0}
		if len(ne.LLAddr) > 0 {
			in.LLAddr = ne.LLAddr.String()
		}
		got = append(got, canon(t, in))
	}
	// ip prints "router": null for router entries.
	var raw []map[string]json.RawMessage
	n.json(t, &raw, "neigh", "show")
	var want []string
	for _, m := range raw {
		var in ipNeigh
		b, _ := json.Marshal(m)
		if err := json.Unmarshal(b, &in); err != nil {
			t.Fatal(err)
		}
		_, in.Router = m["router"]
		want = append(want, canon(t, in))
	}
	diffSets(t, "neighbours", got, want)
	if len(got) < 5 {
		t.Errorf("only %d neighbours, want the 5 added", len(got))
	}
}
