//go:build linux

package route

import (
	"context"
	"errors"
	"net"

	"github.com/anysock/anysock"
	nl "github.com/anysock/anysock/families/netlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// initialBufSize is the first receive buffer size. The kernel sizes dump
// datagrams after the largest buffer a socket has read with, capped near
// 32 KiB, so a 32 KiB buffer gets the fewest datagrams; larger messages
// grow it (see recv).
const initialBufSize = 32 << 10

// A transport is one NETLINK_ROUTE socket with a reusable receive buffer.
type transport struct {
	pc     *anysock.PacketConn
	pid    uint32
	seq    uint32
	buf    []byte
	kernel net.Addr
	// pending is the sequence number of a request whose replies were not
	// all read (the call was cancelled or failed mid-way); its leftovers
	// are drained before the next request. 0 if none.
	pending uint32
}

func dialTransport(ctx context.Context, cfg *Config, groups []Group) (*transport, error) {
	var acfg *anysock.Config
	if cfg != nil && cfg.NetNS != 0 {
		acfg = &anysock.Config{NetNS: cfg.NetNS}
	}
	gs := make([]uint32, len(groups))
	for i, g := range groups {
		gs[i] = uint32(g)
	}
	pc, err := nl.ListenPacket(ctx, unix.NETLINK_ROUTE, 0, gs, acfg)
	if err != nil {
		return nil, err
	}
	// Extended ACKs carry the kernel's explanation of a failed change;
	// capped ACKs leave out the echoed request. Kernels too old for
	// either still work, with less detail, so errors are ignored.
	_ = nl.SetOption(pc, nl.ExtendedAck, true)
	_ = nl.SetOption(pc, nl.CapAck, true)
	if cfg != nil && cfg.NoENOBUFS {
		if err := nl.SetOption(pc, nl.NoENOBUFS, true); err != nil {
			pc.Close()
			return nil, err
		}
	}
	if cfg != nil && cfg.ReadBuffer > 0 {
		if err := pc.SetReadBuffer(cfg.ReadBuffer); err != nil {
			pc.Close()
			return nil, err
		}
	}
	la, ok := pc.LocalAddr().(*nl.Addr)
	if !ok {
		pc.Close()
		return nil, errors.New("route: netlink socket has no local address")
	}
	return &transport{pc: pc, pid: la.PID, buf: make([]byte, initialBufSize), kernel: &nl.Addr{}}, nil
}

func (t *transport) close() error { return t.pc.Close() }

// recv reads one datagram sent by the kernel into t.buf, growing it to fit
// (a zero-length MSG_PEEK|MSG_TRUNC read learns the size without copying).
// Datagrams from any other sender (a user-space socket whose port ID is not
// 0) are dropped.
func (t *transport) recv(ctx context.Context) ([]byte, error) {
	for {
		n, _, _, _, err := t.pc.ReadMsgFromContext(ctx, nil, nil, unix.MSG_PEEK|unix.MSG_TRUNC)
		if err != nil {
			return nil, err
		}
		if n > len(t.buf) {
			t.buf = make([]byte, (n+4095)&^4095)
		}
		n, _, _, addr, err := t.pc.ReadMsgFromContext(ctx, t.buf, nil, 0)
		if err != nil {
			return nil, err
		}
		if a, ok := addr.(*nl.Addr); !ok || a.PID != 0 {
			continue
		}
		return t.buf[:n], nil
	}
}

// drain reads and discards the replies of an abandoned request, so that a
// dump the kernel still has in progress does not make the next one fail
// with EBUSY.
func (t *transport) drain(ctx context.Context) error {
	for t.pending != 0 {
		b, err := t.recv(ctx)
		if err != nil {
			if isENOBUFS(err) {
				// Replies were dropped; the end may be among them.
				t.pending = 0
				return nil
			}
			return err
		}
		for len(b) > 0 {
			m, rest, err := nextMessage(b)
			if err != nil {
				break
			}
			b = rest
			if m.Header.Sequence == t.pending && m.Header.PID == t.pid &&
				(m.Header.Type == netlink.Done || m.Header.Type == netlink.Error) {
				t.pending = 0
			}
		}
	}
	return nil
}

// roundTrip sends one request and reads its replies until NLMSG_DONE or
// NLMSG_ERROR, passing every other reply to fn. Replies are those from the
// kernel with the request's sequence number and this socket's port ID;
// everything else is dropped. intr reports NLM_F_DUMP_INTR on any reply.
func (t *transport) roundTrip(ctx context.Context, op string, typ uint16, flags netlink.HeaderFlags, body []byte, fn func(netlink.Header, []byte) error) (intr bool, err error) {
	if err := t.drain(ctx); err != nil {
		return false, err
	}
	t.seq++
	if t.seq == 0 {
		t.seq = 1
	}
	seq := t.seq
	for len(body)&3 != 0 {
		body = append(body, 0)
	}
	req, err := netlink.Message{
		Header: netlink.Header{Length: uint32(nlmsgHdrLen + len(body)), Type: netlink.HeaderType(typ), Flags: flags, Sequence: seq, PID: t.pid},
		Data:   body,
	}.MarshalBinary()
	if err != nil {
		return false, err
	}
	if _, err := t.pc.WriteToContext(ctx, req, t.kernel); err != nil {
		return false, err
	}
	t.pending = seq
	for {
		b, err := t.recv(ctx)
		if err != nil {
			return intr, err
		}
		for len(b) > 0 {
			m, rest, err := nextMessage(b)
			if err != nil {
				return intr, err
			}
			b = rest
			if m.Header.Sequence != seq || m.Header.PID != t.pid {
				continue
			}
			if m.Header.Flags&netlink.DumpInterrupted != 0 {
				intr = true
			}
			switch m.Header.Type {
			case netlink.Noop:
			case netlink.Overrun:
				return intr, malformed("netlink", "NLMSG_OVERRUN from the kernel")
			case netlink.Error, netlink.Done:
				t.pending = 0
				errno, msg, off, err := ackError(m)
				if err != nil {
					return intr, err
				}
				if errno != 0 {
					return intr, kernelError(op, errno, msg, off)
				}
				return intr, nil
			default:
				if fn != nil {
					if err := fn(m.Header, m.Data); err != nil {
						return intr, err
					}
				}
			}
		}
	}
}
