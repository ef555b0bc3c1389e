// Package route makes typed rtnetlink (NETLINK_ROUTE) queries, changes and
// event subscriptions: links, addresses, routes and neighbours, in the
// current network namespace or in one the caller names.
//
// A Conn is a request/response session: Links, Addresses, Routes and
// Neighbors dump kernel tables; LinkByName, LinkByIndex and RouteTo (like
// `ip route get`) look up one object; AddAddress, DeleteAddress, AddRoute,
// ReplaceRoute, DeleteRoute, AddNeighbor, DeleteNeighbor and SetLinkUp /
// SetLinkDown change them. A Watcher receives the kernel's multicast events
// about the same objects. Every call takes a context; cancelling it, or a
// deadline, interrupts the receive in progress.
//
// # Names
//
// Table, Protocol, Scope, RouteType, OperState, LinkType and NeighState print
// the names iproute2 uses ("main", "kernel", "link", "unicast", "UP",
// "ether", "REACHABLE"), so output can be compared with `ip -j`.
//
// # Dumps
//
// A dump is a multi-part reply read until its NLMSG_DONE. Replies are
// matched to the request by sequence number and port ID; anything else
// (stale parts of a dump abandoned by a cancelled call, messages sent by
// other user-space sockets, whose sender port is not 0) is dropped. The
// receive buffer is sized by peeking at each datagram (MSG_PEEK|MSG_TRUNC),
// so no message is ever truncated, and it is reused between calls.
//
// When the kernel flags a dump as inconsistent (NLM_F_DUMP_INTR: the table
// changed while it was being read), the dump is retried, up to
// Config.DumpAttempts times in all. If every attempt is interrupted the
// result of the last attempt is returned together with a
// *DumpInterruptedError, which matches ErrDumpInterrupted.
//
// A message that cannot be decoded (truncated, bad attribute lengths,
// impossible prefix lengths) fails the whole call with an error matching
// ErrMalformed: there are no silent partial results.
//
// # Events
//
// When the kernel drops events because a Watcher's receive buffer is full,
// Next returns an error matching ErrEventsLost (and syscall.ENOBUFS). The
// Watcher remains usable; the caller should re-read the state it tracks.
//
// # Kernel errors
//
// A failed change returns an *Error holding the kernel's errno (so
// errors.Is(err, syscall.EEXIST) works) and, when the kernel supplies one,
// its extended ACK message.
//
// # Network namespaces
//
// Config.NetNS is a file descriptor of a network namespace (such as an open
// /var/run/netns/NAME). The socket is created in that namespace by a
// short-lived locked OS thread; no goroutine of the caller ever changes
// namespace.
//
// # Decoding
//
// Requests are framed with github.com/mdlayher/netlink's Message and
// AttributeEncoder. Replies are framed with its Message codec; their
// attributes are read with a small copy-free scanner instead of its
// AttributeDecoder, which copies every attribute's payload into a new slice
// (one allocation per attribute: tens of thousands for a 10,000-route
// dump). See BENCHMARKS.md for the effect.
package route
