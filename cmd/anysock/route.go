package main

// The rtnetlink commands: links, addrs, routes, neigh and monitor.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/anysock/anysock/families/netlink/route"
)

// routeFlags are the flags every rtnetlink command takes.
type routeFlags struct {
	json  *bool
	netns *string
}

func newRouteFlags(fs *flag.FlagSet) routeFlags {
	return routeFlags{
		json:  fs.Bool("json", false, "print one JSON object per line, with iproute2's field names"),
		netns: fs.String("netns", "", "network namespace: a name under /var/run/netns or a path"),
	}
}

// config opens the namespace named by -netns. The returned function closes
// it.
func (f routeFlags) config() (*route.Config, func(), error) {
	if *f.netns == "" {
		return nil, func() {}, nil
	}
	p := *f.netns
	if !strings.Contains(p, "/") {
		p = "/var/run/netns/" + p
	}
	ns, err := os.Open(p)
	if err != nil {
		return nil, nil, fmt.Errorf("network namespace: %w", err)
	}
	return &route.Config{NetNS: int(ns.Fd())}, func() { ns.Close() }, nil
}

func parseRouteArgs(name, extra string, args []string, stderr io.Writer, more func(*flag.FlagSet)) (routeFlags, error) {
	fs := newFlagSet(name, "[-json] [-netns NAME]"+extra, stderr)
	rf := newRouteFlags(fs)
	if more != nil {
		more(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return rf, err
		}
		return rf, errUsage // the FlagSet has printed the problem and usage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return rf, errUsage
	}
	return rf, nil
}

// session dials an rtnetlink Conn and reads the link names.
func session(ctx context.Context, rf routeFlags) (*route.Conn, map[int]string, func(), error) {
	cfg, closeNS, err := rf.config()
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := route.Dial(ctx, cfg)
	if err != nil {
		closeNS()
		return nil, nil, nil, err
	}
	done := func() { c.Close(); closeNS() }
	links, err := c.Links(ctx)
	if err != nil {
		done()
		return nil, nil, nil, err
	}
	names := make(map[int]string, len(links))
	for _, l := range links {
		names[l.Index] = l.Name
	}
	return c, names, done, nil
}

func cmdLinks(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	rf, err := parseRouteArgs("links", "", args, stderr, nil)
	if err != nil {
		return err
	}
	c, names, done, err := session(ctx, rf)
	if err != nil {
		return err
	}
	defer done()
	links, err := c.Links(ctx)
	if err != nil {
		return err
	}
	return printObjects(stdout, *rf.json, links, names, linkJSON, linkText, nil)
}

func cmdAddrs(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	rf, err := parseRouteArgs("addrs", "", args, stderr, nil)
	if err != nil {
		return err
	}
	c, names, done, err := session(ctx, rf)
	if err != nil {
		return err
	}
	defer done()
	addrs, err := c.Addresses(ctx, route.FamilyAll)
	if err != nil {
		return err
	}
	return printObjects(stdout, *rf.json, addrs, names, addrJSON, addrText, nil)
}

func cmdRoutes(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	var v4, v6 *bool
	rf, err := parseRouteArgs("routes", " [-4|-6]", args, stderr, func(fs *flag.FlagSet) {
		v4 = fs.Bool("4", false, "IPv4 routes only")
		v6 = fs.Bool("6", false, "IPv6 routes only")
	})
	if err != nil {
		return err
	}
	fam := route.FamilyAll
	switch {
	case *v4 && *v6:
		return fmt.Errorf("-4 and -6 exclude each other")
	case *v4:
		fam = route.FamilyIPv4
	case *v6:
		fam = route.FamilyIPv6
	}
	c, names, done, err := session(ctx, rf)
	if err != nil {
		return err
	}
	defer done()
	routes, err := c.Routes(ctx, fam)
	if err != nil {
		return err
	}
	return printObjects(stdout, *rf.json, routes, names, routeJSON, routeText, nil)
}

func cmdNeigh(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	var all *bool
	rf, err := parseRouteArgs("neigh", " [-all]", args, stderr, func(fs *flag.FlagSet) {
		all = fs.Bool("all", false, "include NOARP and NONE entries, which ip neigh hides")
	})
	if err != nil {
		return err
	}
	c, names, done, err := session(ctx, rf)
	if err != nil {
		return err
	}
	defer done()
	neighs, err := c.Neighbors(ctx, route.FamilyAll)
	if err != nil {
		return err
	}
	// Like ip neigh, entries in no state (NOARP-only, not proxy or
	// externally learned) are shown only with -all.
	keep := func(n *route.Neighbor) bool {
		return *all || n.State&^route.NeighNoARP != 0 || n.Flags&(route.NeighFlagProxy|route.NeighFlagExtLearned) != 0
	}
	return printObjects(stdout, *rf.json, neighs, names, neighJSON, neighText, keep)
}

// printObjects writes each object kept by keep (nil keeps all) as one JSON
// object per line with asJSON, else as iproute2-like text.
func printObjects[T, J any](w io.Writer, asJSON bool, objs []T, names map[int]string,
	toJSON func(*T, map[int]string) J, toText func(*T, map[int]string) string, keep func(*T) bool) error {
	enc := json.NewEncoder(w)
	for i := range objs {
		o := &objs[i]
		if keep != nil && !keep(o) {
			continue
		}
		if asJSON {
			if err := enc.Encode(toJSON(o, names)); err != nil {
				return err
			}
			continue
		}
		if _, err := fmt.Fprintln(w, toText(o, names)); err != nil {
			return err
		}
	}
	return nil
}

// cmdMonitor prints rtnetlink events until interrupted.
func cmdMonitor(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	rf, err := parseRouteArgs("monitor", "", args, stderr, nil)
	if err != nil {
		return err
	}
	cfg, closeNS, err := rf.config()
	if err != nil {
		return err
	}
	defer closeNS()
	w, err := route.Watch(ctx, cfg)
	if err != nil {
		return err
	}
	defer w.Close()
	// Link names are learnt from link events; the initial set is dumped.
	names := map[int]string{}
	if c, err := route.Dial(ctx, cfg); err == nil {
		if links, err := c.Links(ctx); err == nil {
			for _, l := range links {
				names[l.Index] = l.Name
			}
		}
		c.Close()
	}
	enc := json.NewEncoder(stdout)
	for {
		ev, err := w.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, route.ErrEventsLost) {
				fmt.Fprintln(stderr, "anysock monitor:", err)
				continue
			}
			return err
		}
		if ev.Link != nil {
			names[ev.Link.Index] = ev.Link.Name
		}
		if *rf.json {
			if err := enc.Encode(eventJSON(ev, names)); err != nil {
				return err
			}
		} else {
			fmt.Fprintln(stdout, eventText(ev, names))
		}
		if ev.Link != nil && ev.Type == route.DelLink {
			delete(names, ev.Link.Index)
		}
	}
}

// dstText prints a prefix as iproute2 does: "default" for length 0, the
// bare address for a host route.
func dstText(p netip.Prefix) string {
	switch {
	case !p.IsValid():
		return ""
	case p.Bits() == 0:
		return "default"
	case p.Bits() == p.Addr().BitLen():
		return p.Addr().String()
	}
	return p.String()
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func addrString(a netip.Addr) *string {
	if !a.IsValid() {
		return nil
	}
	s := a.String()
	return &s
}

func devName(names map[int]string, i int) *string {
	if i == 0 {
		return nil
	}
	if n, ok := names[i]; ok {
		return &n
	}
	s := fmt.Sprintf("if%d", i)
	return &s
}

// devText is devName for text output: "-" for no link.
func devText(names map[int]string, i int) string {
	if d := devName(names, i); d != nil {
		return *d
	}
	return "-"
}

// jsonRoute is one route, with iproute2's field names and spellings. The
// fields up to metric are always present (null when the route has none).
type jsonRoute struct {
	Type     string         `json:"type"`
	Family   string         `json:"family"`
	Dst      string         `json:"dst"`
	From     string         `json:"from,omitempty"`
	Gateway  *string        `json:"gateway"`
	Via      *jsonVia       `json:"via,omitempty"`
	Dev      *string        `json:"dev"`
	Table    string         `json:"table"`
	Protocol string         `json:"protocol"`
	Scope    string         `json:"scope"`
	PrefSrc  *string        `json:"prefsrc"`
	Metric   uint32         `json:"metric"`
	Flags    []string       `json:"flags"`
	Pref     string         `json:"pref,omitempty"`
	Expires  int32          `json:"expires,omitempty"`
	Metrics  map[string]any `json:"metrics,omitempty"`
	Nexthops []jsonNexthop  `json:"nexthops,omitempty"`
}

// jsonVia is a gateway of another family than the route (RTA_VIA), as
// iproute2 prints it.
type jsonVia struct {
	Family string `json:"family"`
	Host   string `json:"host"`
}

// via returns the RTA_VIA form of a gateway of another family, or nil.
func via(fam route.Family, gw netip.Addr) *jsonVia {
	if !gw.IsValid() || (gw.Is4() == (fam == route.FamilyIPv4)) {
		return nil
	}
	f := route.FamilyIPv6
	if gw.Is4() {
		f = route.FamilyIPv4
	}
	return &jsonVia{Family: f.String(), Host: gw.String()}
}

type jsonNexthop struct {
	Gateway *string  `json:"gateway"`
	Dev     *string  `json:"dev"`
	Weight  int      `json:"weight"`
	Flags   []string `json:"flags"`
}

func metricsMap(m *route.Metrics) map[string]any {
	if m.IsZero() {
		return nil
	}
	out := map[string]any{}
	for k, v := range map[string]uint32{
		"lock": m.Lock, "mtu": m.MTU, "window": m.Window, "rtt": m.RTT, "rttvar": m.RTTVar,
		"ssthresh": m.SSThresh, "cwnd": m.CWnd, "advmss": m.AdvMSS, "reordering": m.Reordering,
		"hoplimit": m.HopLimit, "initcwnd": m.InitCWnd, "features": m.Features, "rto_min": m.RTOMin,
		"initrwnd": m.InitRWnd, "quickack": m.QuickACK, "fastopen_no_cookie": m.FastOpenNoCookie,
	} {
		if v != 0 {
			out[k] = v
		}
	}
	if m.CCAlgo != "" {
		out["congctl"] = m.CCAlgo
	}
	return out
}

func routeJSON(r *route.Route, names map[int]string) jsonRoute {
	j := jsonRoute{
		Type: r.Type.String(), Family: r.Family.String(), Dst: dstText(r.Dst),
		Gateway: addrString(r.Gateway), Dev: devName(names, r.OIF),
		Table: r.Table.String(), Protocol: r.Protocol.String(), Scope: r.Scope.String(),
		PrefSrc: addrString(r.PrefSrc), Metric: r.Priority, Flags: r.Flags.Names(),
		Expires: r.Expires, Metrics: metricsMap(r.Metrics),
	}
	if r.Src.IsValid() && r.Src.Bits() > 0 {
		j.From = dstText(r.Src)
	}
	if j.Via = via(r.Family, r.Gateway); j.Via != nil {
		j.Gateway = nil
	}
	if r.HasPref {
		j.Pref = r.Pref.String()
	}
	for _, h := range r.NextHops {
		j.Nexthops = append(j.Nexthops, jsonNexthop{Gateway: addrString(h.Gateway), Dev: devName(names, h.OIF), Weight: h.Weight, Flags: h.Flags.Names()})
	}
	return j
}

// routeText prints a route like `ip route show table all`.
func routeText(r *route.Route, names map[int]string) string {
	var b strings.Builder
	if r.Type != route.TypeUnicast {
		b.WriteString(r.Type.String() + " ")
	}
	b.WriteString(dstText(r.Dst))
	if j := routeJSON(r, names); j.From != "" {
		b.WriteString(" from " + j.From)
	}
	if v := via(r.Family, r.Gateway); v != nil {
		b.WriteString(" via " + v.Family + " " + v.Host)
	} else if r.Gateway.IsValid() {
		b.WriteString(" via " + r.Gateway.String())
	}
	if d := devName(names, r.OIF); d != nil {
		b.WriteString(" dev " + *d)
	}
	if r.Table != route.TableMain {
		b.WriteString(" table " + r.Table.String())
	}
	if r.Protocol != route.ProtocolBoot {
		b.WriteString(" proto " + r.Protocol.String())
	}
	if r.Scope != route.ScopeUniverse {
		b.WriteString(" scope " + r.Scope.String())
	}
	if r.PrefSrc.IsValid() {
		b.WriteString(" src " + r.PrefSrc.String())
	}
	if r.Priority != 0 || r.Family == route.FamilyIPv6 {
		fmt.Fprintf(&b, " metric %d", r.Priority)
	}
	for _, f := range r.Flags.Names() {
		b.WriteString(" " + f)
	}
	if r.HasPref {
		b.WriteString(" pref " + r.Pref.String())
	}
	if m := metricsMap(r.Metrics); m != nil {
		for _, k := range []string{"mtu", "advmss", "window", "hoplimit", "initcwnd", "initrwnd", "congctl"} {
			if v, ok := m[k]; ok {
				fmt.Fprintf(&b, " %s %v", k, v)
			}
		}
	}
	for _, h := range r.NextHops {
		b.WriteString("\n\tnexthop")
		if h.Gateway.IsValid() {
			b.WriteString(" via " + h.Gateway.String())
		}
		if d := devName(names, h.OIF); d != nil {
			b.WriteString(" dev " + *d)
		}
		fmt.Fprintf(&b, " weight %d", h.Weight)
	}
	return b.String()
}

type jsonLink struct {
	Ifindex   int      `json:"ifindex"`
	Ifname    string   `json:"ifname"`
	Flags     []string `json:"flags"`
	MTU       uint32   `json:"mtu"`
	Qdisc     string   `json:"qdisc,omitempty"`
	Operstate string   `json:"operstate"`
	Txqlen    uint32   `json:"txqlen"`
	LinkType  string   `json:"link_type"`
	Address   string   `json:"address,omitempty"`
	Broadcast string   `json:"broadcast,omitempty"`
	Link      *string  `json:"link,omitempty"`
	LinkIndex int      `json:"link_index,omitempty"`
	LinkNetNS *int32   `json:"link_netnsid,omitempty"`
	Master    *string  `json:"master,omitempty"`
	Kind      string   `json:"kind,omitempty"`
	Alias     string   `json:"ifalias,omitempty"`
}

func linkJSON(l *route.Link, names map[int]string) jsonLink {
	j := jsonLink{Ifindex: l.Index, Ifname: l.Name, Flags: l.Flags.Names(), MTU: l.MTU, Qdisc: l.Qdisc,
		Operstate: l.OperState.String(), Txqlen: l.TxQueueLen, LinkType: l.Type.String(),
		Address: l.HardwareAddr.String(), Broadcast: l.Broadcast.String(), Kind: l.Kind, Alias: l.Alias}
	if l.ParentIndex != 0 && l.ParentIndex != l.Index && !l.HasLinkNetNSID {
		j.Link = devName(names, l.ParentIndex)
	}
	if l.HasLinkNetNSID {
		id := l.LinkNetNSID
		j.LinkIndex, j.LinkNetNS = l.ParentIndex, &id
	}
	if l.Master != 0 {
		j.Master = devName(names, l.Master)
	}
	if j.Flags == nil {
		j.Flags = []string{}
	}
	return j
}

func linkText(l *route.Link, names map[int]string) string {
	s := fmt.Sprintf("%d: %s: <%s> mtu %d", l.Index, l.Name, l.Flags, l.MTU)
	if l.Qdisc != "" {
		s += " qdisc " + l.Qdisc
	}
	if l.Master != 0 {
		s += " master " + devText(names, l.Master)
	}
	s += " state " + l.OperState.String()
	s += fmt.Sprintf(" qlen %d\n    link/%s", l.TxQueueLen, l.Type)
	if len(l.HardwareAddr) > 0 {
		s += " " + l.HardwareAddr.String()
	}
	if len(l.Broadcast) > 0 {
		s += " brd " + l.Broadcast.String()
	}
	if l.Kind != "" {
		s += " (" + l.Kind + ")"
	}
	return s
}

type jsonAddr struct {
	Ifindex   int     `json:"ifindex"`
	Dev       *string `json:"dev"`
	Family    string  `json:"family"`
	Local     string  `json:"local"`
	Address   string  `json:"address,omitempty"`
	Prefixlen int     `json:"prefixlen"`
	Broadcast string  `json:"broadcast,omitempty"`
	Scope     string  `json:"scope"`
	Label     string  `json:"label,omitempty"`
	Valid     uint32  `json:"valid_life_time"`
	Preferred uint32  `json:"preferred_life_time"`
}

func addrJSON(a *route.Address, names map[int]string) jsonAddr {
	j := jsonAddr{Ifindex: a.Index, Dev: devName(names, a.Index), Family: a.Family.String(),
		Local: a.Prefix.Addr().String(), Prefixlen: a.Prefix.Bits(), Scope: a.Scope.String(),
		Label: a.Label, Valid: a.ValidLifetime, Preferred: a.PreferredLifetime}
	if a.Peer.IsValid() {
		j.Address = a.Peer.Addr().String()
	}
	if a.Broadcast.IsValid() {
		j.Broadcast = a.Broadcast.String()
	}
	return j
}

func addrText(a *route.Address, names map[int]string) string {
	s := fmt.Sprintf("%d: %s    %s %s", a.Index, devText(names, a.Index), a.Family, a.Prefix)
	if a.Peer.IsValid() {
		s = fmt.Sprintf("%d: %s    %s %s peer %s", a.Index, devText(names, a.Index), a.Family, a.Prefix.Addr(), a.Peer)
	}
	if a.Broadcast.IsValid() {
		s += " brd " + a.Broadcast.String()
	}
	s += " scope " + a.Scope.String()
	if a.Label != "" {
		s += " " + a.Label
	}
	return s
}

type jsonNeigh struct {
	Dst    string   `json:"dst"`
	Dev    *string  `json:"dev"`
	LLAddr string   `json:"lladdr,omitempty"`
	State  []string `json:"state"`
	Router bool     `json:"router,omitempty"`
}

func neighJSON(n *route.Neighbor, names map[int]string) jsonNeigh {
	j := jsonNeigh{Dst: n.Dst.String(), Dev: devName(names, n.Index), State: n.State.Names(), Router: n.Flags&route.NeighFlagRouter != 0}
	if len(n.LLAddr) > 0 {
		j.LLAddr = n.LLAddr.String()
	}
	return j
}

func neighText(n *route.Neighbor, names map[int]string) string {
	s := n.Dst.String() + " dev " + devText(names, n.Index)
	if len(n.LLAddr) > 0 {
		s += " lladdr " + n.LLAddr.String()
	}
	if n.Flags&route.NeighFlagRouter != 0 {
		s += " router"
	}
	return s + " " + strings.Join(n.State.Names(), " ")
}

// eventJSON is an event: {"event": "route", "deleted": false, "route": {...}}.
func eventJSON(ev route.Event, names map[int]string) map[string]any {
	m := map[string]any{"deleted": ev.Type.Deleted()}
	switch {
	case ev.Link != nil:
		m["event"], m["link"] = "link", linkJSON(ev.Link, names)
	case ev.Address != nil:
		m["event"], m["address"] = "address", addrJSON(ev.Address, names)
	case ev.Route != nil:
		m["event"], m["route"] = "route", routeJSON(ev.Route, names)
	case ev.Neighbor != nil:
		m["event"], m["neighbor"] = "neighbor", neighJSON(ev.Neighbor, names)
	}
	return m
}

// eventText prints an event on one line, like `ip monitor -oneline`:
// "Deleted " before removals, then the object as the show commands print
// it.
func eventText(ev route.Event, names map[int]string) string {
	var s string
	switch {
	case ev.Link != nil:
		s = "[LINK] " + linkText(ev.Link, names)
	case ev.Address != nil:
		s = "[ADDR] " + addrText(ev.Address, names)
	case ev.Route != nil:
		s = "[ROUTE] " + routeText(ev.Route, names)
	case ev.Neighbor != nil:
		s = "[NEIGH] " + neighText(ev.Neighbor, names)
	}
	if ev.Type.Deleted() {
		s = "Deleted " + s
	}
	// One line per event: fold the show commands' continuation lines.
	return strings.Join(strings.Fields(s), " ")
}
