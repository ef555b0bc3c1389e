// Command netlinkdump lists the network interfaces with a raw rtnetlink
// RTM_GETLINK dump over an anysock PacketConn, framing messages with
// github.com/mdlayher/netlink. (Package families/netlink/route offers typed
// queries; this shows the raw family.)
package main
