// Command routes prints the routing table of every table and family, like
// `ip route show table all`, using package families/netlink/route.
//
//	go run ./examples/routes [-netns NAME]
package main
