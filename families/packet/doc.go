// Package packet provides AF_PACKET sockets as anysock PacketConns: whole
// link-layer frames ("packet", SOCK_RAW) or frames with the link-layer
// header removed ("packet-cooked", SOCK_DGRAM), on one interface or all of
// them, filtered by EtherType. Opening one needs CAP_NET_RAW.
//
// Address text, as printed by Addr.String and read by ParseAddr:
// "IFACE[/ETHERTYPE[/HWADDR]]", e.g. "eth0", "eth0/0x0806",
// "eth0/ipv6/02:00:00:00:00:01". IFACE is an interface name or index ("any"
// or "0" for all interfaces); ETHERTYPE is a number or one of "all", "ip",
// "arp", "ipv6", "vlan", "lldp".
package packet
