// Package netlink provides raw AF_NETLINK sockets as anysock PacketConns.
//
// A socket speaks one netlink protocol, chosen by name ("route", "generic",
// "audit", "netfilter", "kobject_uevent", ...) or number. Its address (Addr)
// is a port ID and a multicast group mask; the kernel is port 0. Messages are
// framed and parsed with github.com/mdlayher/netlink; package
// families/netlink/route builds typed rtnetlink queries on top.
//
// Address text, as printed by Addr.String and read by ParseAddr: "PORTID"
// or "PORTID:GROUPMASK", e.g. "0" (the kernel) or "4321:0x11". The
// dispatcher's listen address is "PROTOCOL" or "PROTOCOL:GROUP,GROUP...",
// e.g. "route" or "route:link,ipv4-ifaddr" or "kobject_uevent:1", read by
// ParseListenAddr.
package netlink
