package can

import (
	"context"
	"net"
	"sync"

	"github.com/anysock/anysock"
)

// A RawPacketConn is a CAN_RAW socket used as a net.PacketConn: ReadFrom
// reports the interface each frame came from, WriteTo sends a frame to a
// chosen interface (an *Addr). Bound to all interfaces ("" or "any") it
// sees the traffic of every CAN interface, like `candump any`.
type RawPacketConn struct {
	*anysock.PacketConn
	common

	rmu  sync.Mutex
	rbuf [FDFrameSize]byte

	wmu  sync.Mutex
	wbuf [FDFrameSize]byte
}

// ListenPacket opens a CAN_RAW socket bound to iface ("" or "any" for all
// interfaces).
func ListenPacket(ctx context.Context, iface string, cfg *RawConfig) (*RawPacketConn, error) {
	la, err := ParseAddr(iface)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: Network, Err: err}
	}
	p := RawProto()
	codec := p.Codec.(*Codec)
	var base anysock.Config
	if cfg != nil {
		base = cfg.Config
	}
	acfg := bindHook(base, codec, la.Interface, &la.Index, cfg.apply)
	pc, err := p.ListenPacket(ctx, la, acfg)
	if err != nil {
		return nil, err
	}
	rc, err := pc.SyscallConn()
	if err != nil {
		pc.Close()
		return nil, err
	}
	c := &RawPacketConn{PacketConn: pc, common: common{rc: rc, codec: codec}}
	c.fd.Store(cfg != nil && cfg.FD)
	return c, nil
}

// ReadFrameFrom reads one frame, classic or FD, and returns the interface
// it arrived on. ctx may be nil.
func (c *RawPacketConn) ReadFrameFrom(ctx context.Context, f *FDFrame) (*Addr, error) {
	if c == nil || c.PacketConn == nil {
		return nil, errNil("read", Network)
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	n, _, _, from, err := c.PacketConn.ReadMsgFromContext(ctx, c.rbuf[:], nil, 0)
	if err != nil {
		return nil, err
	}
	if err := f.UnmarshalBinary(c.rbuf[:n]); err != nil {
		return nil, &net.OpError{Op: "read", Net: Network, Source: c.LocalAddr(), Err: err}
	}
	a, _ := from.(*Addr)
	return a, nil
}

// WriteFrameTo sends one frame, classic or FD, on the interface to. ctx
// may be nil.
func (c *RawPacketConn) WriteFrameTo(ctx context.Context, f *FDFrame, to *Addr) error {
	if c == nil || c.PacketConn == nil {
		return errNil("write", Network)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	werr := func(err error) error {
		return &net.OpError{Op: "write", Net: Network, Source: c.LocalAddr(), Addr: to, Err: err}
	}
	if to == nil || to.any() {
		return werr(&anysock.AddrError{Network: Network, Addr: to.String(), Err: "a frame must be sent on one interface, not all"})
	}
	if f.Flags&FD != 0 && !c.fd.Load() {
		return werr(ErrFDDisabled)
	}
	b, err := f.AppendBinary(c.wbuf[:0])
	if err != nil {
		return werr(err)
	}
	_, _, err = c.PacketConn.WriteMsgToContext(ctx, b, nil, to, 0)
	return err
}
