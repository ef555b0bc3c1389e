// Package control reads and writes socket options and builds and parses
// socket control messages (ancillary data) for any socket that offers a
// syscall.RawConn: the standard library's *net.TCPConn, *net.UDPConn,
// *net.UnixConn and listeners, anysock's own conns, or an *os.File.
//
// # Options
//
// Each option is a typed constant whose type says how its value is encoded:
// Bool, Int, Seconds, Milliseconds, Timeval, String, LingerOption,
// CANFilterOption, NetlinkGroupsOption, ImportanceOption. Get and Set
// work on any of them:
//
//	rc, _ := conn.SyscallConn()
//	err := control.Set(rc, control.SOReuseAddr, true)
//	n, err := control.Get(rc, control.SORcvBuf)
//
// Options the package does not name are reached with MakeKey and a kind,
// for example control.Int(control.MakeKey(level, name)).
//
// # Control hooks
//
// Func has the signature of net.Dialer.Control and net.ListenConfig.Control.
// Chain composes several; ReuseAddr, ReusePort, BindToDevice, Mark,
// ReadBuffer, WriteBuffer, Transparent, FastOpen and FastOpenConnect cover
// the usual needs, and Option turns any typed option into a Func.
//
// # Control messages
//
// An Encoder appends control messages (SCM_RIGHTS, SCM_CREDENTIALS,
// IP_PKTINFO, IPV6_PKTINFO, timestamps or raw ones) and reports the first
// error from Encode. A Decoder walks received bytes like a scanner: Next
// moves to the next message, Level and Type identify it, typed getters
// (Rights, Credentials, Timestamp, Timestamping, PktInfo) decode it, and Err
// reports the first problem after the loop. The bytes are those exchanged
// with recvmsg and sendmsg: the oob argument of (*net.UnixConn).ReadMsgUnix,
// (*net.UDPConn).WriteMsgUDP or anysock's ReadMsg and WriteMsg.
//
// CmsgLen and CmsgSpace equal the kernel's CMSG_LEN and CMSG_SPACE, for
// sizing receive buffers.
//
// Everything here is Linux-specific; on other systems Get and Set return an
// error wrapping errors.ErrUnsupported that names runtime.GOOS.
package control
