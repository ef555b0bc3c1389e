// Package conntest holds conformance suites for what golang.org/x/net/nettest
// does not cover: datagram sockets (net.PacketConn) and sequenced-packet
// connections (message boundaries on a net.Conn). Every family package runs
// them over its own sockets, on the host or inside the VM harness:
//
//	conntest.TestPacketConn(t, func(t *testing.T) (a, b *anysock.PacketConn) { ... }, nil)
//	conntest.TestSeqpacket(t, func(t *testing.T) (a, b *anysock.Conn) { ... })
//
// The suites check data, message boundaries, zero-length messages,
// truncation (anysock.ErrTruncated), deadlines, Close and context
// cancellation interrupting blocked calls (and the socket staying usable
// afterwards), batch I/O, error shapes (*net.OpError with the network name)
// and concurrent use under the race detector.
package conntest
