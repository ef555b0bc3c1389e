// Package anysock turns any Linux socket family into a first-class Go network
// connection.
//
// The types here are family-agnostic adapters over github.com/mdlayher/socket:
//
//   - *Conn implements net.Conn and syscall.Conn, plus CloseRead/CloseWrite,
//     ReadContext/WriteContext, ReadMsg/WriteMsg (control messages and flags)
//     and File.
//   - *Listener implements net.Listener plus AcceptContext, SyscallConn and
//     File.
//   - *PacketConn implements net.PacketConn plus ReadMsgFrom/WriteMsgTo,
//     ReadBatch/WriteBatch (recvmmsg/sendmmsg: many datagrams per system call)
//     and context variants.
//
// Every socket is non-blocking and driven by the Go runtime network poller:
// a blocked Read parks a goroutine, not an OS thread; deadlines, Close and
// context cancellation interrupt it.
//
// A family plugs in through a Proto: its network name, a Codec translating
// its net.Addr values to and from raw kernel sockaddrs, and the socket type
// and protocol. The family packages under families/ (unix, netlink, packet,
// can, tipc, ...) provide ready Protos and typed addresses; the families
// package dispatches on network names like the standard library's net.Dial.
//
// # Errors
//
// Every error from an operation is a *net.OpError naming the operation, the
// network and the addresses involved. Failed system calls are wrapped in
// *os.SyscallError, so errors.Is(err, syscall.ECONNREFUSED) works. After
// Close, errors satisfy errors.Is(err, net.ErrClosed); after a deadline,
// errors.Is(err, os.ErrDeadlineExceeded); after context cancellation,
// errors.Is(err, context.Canceled) (or context.DeadlineExceeded). A family
// the running kernel lacks yields an error satisfying
// errors.Is(err, ErrFamilyNotSupported) that names the kernel modules to load.
// A datagram or control message that did not fit the caller's buffer yields
// ErrTruncated or ErrControlTruncated together with the bytes that fit.
//
// # Contexts
//
// The Context variants cost no goroutine per call. A context is registered
// with context.AfterFunc; from its second consecutive use the registration is
// kept for as long as the same context is passed again, so a loop reading
// with one context allocates nothing per call. When the context is done, the socket's
// deadline is moved into the past to wake the poller and is restored once
// the cancelled call has returned; the connection stays usable.
package anysock
