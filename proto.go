package anysock

import (
	"net"
	"syscall"
)

// A Codec translates between a socket family's net.Addr values and the raw
// sockaddr structures the kernel reads and writes.
//
// Raw sockaddrs are used instead of golang.org/x/sys/unix.Sockaddr because
// x/sys cannot decode every family (Bluetooth HCI and SCO, RDS) and its
// Accept4 closes the accepted socket when it cannot. All address-bearing
// system calls in this package (bind, connect, accept, getsockname,
// getpeername, recvmsg, sendmsg) go through a Codec.
type Codec interface {
	// Family returns the address family, an AF_* constant.
	Family() int

	// AppendSockaddr appends the kernel's sockaddr encoding of addr to b,
	// starting with the sa_family field in host byte order, and returns the
	// extended slice. It returns an error if addr is not an address of this
	// family or is out of range. Implementations should not allocate when b
	// has room (sockets call it with a 128-byte buffer).
	AppendSockaddr(b []byte, addr net.Addr) ([]byte, error)

	// ParseSockaddr decodes a sockaddr the kernel returned. b holds exactly
	// the length the kernel reported, which may be shorter than the full
	// structure (an unnamed Unix socket reports only sa_family).
	ParseSockaddr(b []byte) (net.Addr, error)
}

// A Proto describes one kind of socket: the family's codec, the socket type
// and the protocol. Family packages export ready-made Protos; the zero value
// is not usable.
type Proto struct {
	// Network is the network name used in errors and returned by the
	// addresses' Network methods, such as "unixpacket" or "can".
	Network string

	// Codec translates the family's addresses.
	Codec Codec

	// Type is the socket type: SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET,
	// SOCK_RAW or SOCK_RDM.
	Type int

	// Protocol is passed as the third argument of socket(2).
	Protocol int

	// Modules lists the kernel modules that provide this kind of socket,
	// in load order (e.g. "can", "can_raw"). Errors about a family the
	// kernel lacks name them.
	Modules []string

	// MaxMessage, if positive, is the largest message a datagram socket of
	// this kind can deliver (72 for CAN raw: struct canfd_frame). A Read
	// into a buffer at least that large cannot be truncated, so it uses
	// the cheaper recvfrom(2) instead of recvmsg(2). Zero means unknown.
	MaxMessage int
}

// A Config holds optional settings for creating a socket. A nil *Config
// means the defaults described on each field.
type Config struct {
	// NetNS is a file descriptor of a network namespace (for example from
	// opening /var/run/netns/NAME) in which to create the socket. Zero means
	// the namespace of the calling thread, falling back to the process's
	// namespace when that cannot be entered. Entering a namespace needs
	// CAP_SYS_ADMIN.
	NetNS int

	// Control, if not nil, is called after the socket is created and
	// before it is bound or connected, with the Proto's network and the
	// text of the address being bound or connected to (empty if none). It
	// has the signature of net.Dialer.Control, so functions from the
	// control package serve both. An error aborts the operation and closes
	// the socket.
	Control func(network, address string, c syscall.RawConn) error

	// Backlog is the listen(2) backlog for Listen. Zero means the largest
	// the kernel allows (net.core.somaxconn).
	Backlog int
}

// A Message is one datagram for ReadBatch and WriteBatch. Its fields mirror
// golang.org/x/net/ipv4.Message.
type Message struct {
	// Buffers hold the payload: filled in order on read, sent in order on
	// write (vectored I/O).
	Buffers [][]byte

	// OOB holds control messages (ancillary data).
	OOB []byte

	// Addr is the source address on read and the destination on write
	// (nil on a connected socket).
	Addr net.Addr

	// N is the number of payload bytes read or written.
	N int

	// NN is the number of control message bytes read or written.
	NN int

	// Flags are the message flags reported by the kernel on read
	// (MSG_TRUNC, MSG_CTRUNC, ...).
	Flags int
}

// sockaddrSize is the size of struct sockaddr_storage: the largest sockaddr
// the kernel reads or writes.
const sockaddrSize = 128
