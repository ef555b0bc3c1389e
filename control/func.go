package control

import (
	"context"
	"syscall"
)

// Func is the signature of net.Dialer.Control and net.ListenConfig.Control:
// it runs after the socket is created and before it is bound or connected.
// anysock's family configs accept the same signature.
type Func func(network, address string, c syscall.RawConn) error

// Context adapts f to net.Dialer.ControlContext.
func (f Func) Context() func(ctx context.Context, network, address string, c syscall.RawConn) error {
	return func(_ context.Context, network, address string, c syscall.RawConn) error {
		return f(network, address, c)
	}
}

// Chain returns a Func that runs fs in order and stops at the first error.
// Nil entries are skipped.
func Chain(fs ...Func) Func {
	return func(network, address string, c syscall.RawConn) error {
		for _, f := range fs {
			if f == nil {
				continue
			}
			if err := f(network, address, c); err != nil {
				return err
			}
		}
		return nil
	}
}

// Option returns a Func that sets option o to v.
func Option[T any](o Setter[T], v T) Func {
	return func(_, _ string, c syscall.RawConn) error { return o.Set(c, v) }
}

// ReuseAddr sets SO_REUSEADDR, so a listener can bind an address that still
// has connections in TIME_WAIT.
func ReuseAddr() Func { return Option(SOReuseAddr, true) }

// ReusePort sets SO_REUSEPORT, so several sockets of the same user can bind
// the same address and share its traffic.
func ReusePort() Func { return Option(SOReusePort, true) }

// BindToDevice sets SO_BINDTODEVICE, restricting the socket to the network
// interface named ifname. Needs CAP_NET_RAW unless the socket is unbound.
func BindToDevice(ifname string) Func { return Option(SOBindToDevice, ifname) }

// Mark sets SO_MARK, the fwmark used by policy routing and netfilter. Needs
// CAP_NET_ADMIN.
func Mark(mark uint32) Func { return Option(SOMark, int(int32(mark))) }

// ReadBuffer sets the receive buffer size. It tries SO_RCVBUFFORCE first,
// which may exceed net.core.rmem_max but needs CAP_NET_ADMIN, and falls back
// to SO_RCVBUF. The kernel doubles the value for bookkeeping.
func ReadBuffer(bytes int) Func {
	return func(_, _ string, c syscall.RawConn) error { return setBuffer(c, SORcvBufForce, SORcvBuf, bytes) }
}

// WriteBuffer sets the send buffer size, like ReadBuffer with SO_SNDBUFFORCE
// and SO_SNDBUF.
func WriteBuffer(bytes int) Func {
	return func(_, _ string, c syscall.RawConn) error { return setBuffer(c, SOSndBufForce, SOSndBuf, bytes) }
}

func setBuffer(c syscall.RawConn, force, plain Int, bytes int) error {
	if err := force.Set(c, bytes); err == nil {
		return nil
	}
	return plain.Set(c, bytes)
}

// Transparent sets IP_TRANSPARENT, or IPV6_TRANSPARENT on an AF_INET6
// socket (found with SO_DOMAIN, so dual-stack "tcp" sockets work), letting
// the socket bind non-local addresses and receive redirected traffic (TPROXY).
// Needs CAP_NET_ADMIN or CAP_NET_RAW.
func Transparent() Func {
	return func(_, _ string, c syscall.RawConn) error {
		d, err := SODomain.Get(c)
		if err != nil {
			return err
		}
		if d == sysAF_INET6 {
			return IPv6Transparent.Set(c, true)
		}
		return IPTransparent.Set(c, true)
	}
}

// FastOpen sets TCP_FASTOPEN on a listener, allowing up to qlen pending
// connections whose SYN carried data (net.ipv4.tcp_fastopen must include the
// server bit, 2).
func FastOpen(qlen int) Func { return Option(TCPFastOpen, qlen) }

// FastOpenConnect sets TCP_FASTOPEN_CONNECT on a client socket, so the first
// write is sent in the SYN when a cookie is cached (net.ipv4.tcp_fastopen
// must include the client bit, 1).
func FastOpenConnect() Func { return Option(TCPFastOpenConnect, true) }
