// Package unix provides AF_UNIX sockets as anysock connections: stream
// ("unix"), sequenced-packet ("unixpacket") and datagram ("unixgram"), the
// network names of the standard library.
//
// Addresses are *net.UnixAddr values (aliased here as Addr) so they mix
// freely with the standard library. A name starting with '@' is in the Linux
// abstract namespace ("@name" is sun_path "\x00name"); any other non-empty
// name is a file system path. An empty name means an unnamed socket, or
// automatic binding to a unique abstract name when bound.
//
// Every function returns anysock's own types: *anysock.Conn,
// *anysock.Listener and *anysock.PacketConn, with ReadMsg/WriteMsg for
// SCM_RIGHTS and SCM_CREDENTIALS, batch I/O and context variants.
package unix
