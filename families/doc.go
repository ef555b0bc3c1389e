// Package families dispatches on network names, like the standard library's
// net.Dial, to every socket family anysock implements:
//
//	c, err := families.Dial(ctx, "unixpacket", "@service")
//	ln, err := families.Listen(ctx, "unix", "/run/app.sock")
//	pc, err := families.ListenPacket(ctx, "netlink", "route:link")
//
// The values returned are anysock's own types (*anysock.Conn,
// *anysock.Listener, *anysock.PacketConn) behind the net interfaces; assert
// them to reach ReadMsg, batch I/O and the context variants.
//
// ParseAddr reads a peer address in the text its Addr.String prints, so a
// WriteTo can reach any peer. Probe reports, for every socket family Linux
// has that anysock knows of, whether the running kernel supports it and, if
// not, which kernel modules provide it. Networks returns the table of
// networks with their address syntax.
package families
