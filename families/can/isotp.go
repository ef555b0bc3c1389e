package can

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/anysock/anysock"
)

// ISO-TP socket options (SOL_CAN_ISOTP).
const (
	isotpOpts    = 1
	isotpRecvFC  = 2
	isotpTxSTmin = 3
	isotpRxSTmin = 4
	isotpLLOpts  = 5
)

// ISOTPFlags are the flags of struct can_isotp_options.
type ISOTPFlags uint32

// ISO-TP option flags (CAN_ISOTP_*). Padding, extended addressing and the
// transmission minimum are better set through the ISOTPConfig fields, which
// set these flags.
const (
	ISOTPListenMode   ISOTPFlags = 0x0001 // listen only: send no flow control frames
	ISOTPExtendAddr   ISOTPFlags = 0x0002 // extended addressing (ExtAddr)
	ISOTPTxPadding    ISOTPFlags = 0x0004 // pad sent frames (TxPad)
	ISOTPRxPadding    ISOTPFlags = 0x0008 // expect padded received frames (RxPad)
	ISOTPCheckPadLen  ISOTPFlags = 0x0010 // reject received frames with a wrong padding length
	ISOTPCheckPadData ISOTPFlags = 0x0020 // reject received frames with wrong padding bytes
	ISOTPHalfDuplex   ISOTPFlags = 0x0040 // half duplex error state handling
	ISOTPForceTxSTmin ISOTPFlags = 0x0080 // ignore the receiver's STmin, use TxSTmin
	ISOTPForceRxSTmin ISOTPFlags = 0x0100 // drop frames arriving faster than RxSTmin
	ISOTPRxExtAddr    ISOTPFlags = 0x0200 // a different extended address for reception (RxExtAddr)
	ISOTPWaitTxDone   ISOTPFlags = 0x0400 // Write returns when the message was sent
	ISOTPSFBroadcast  ISOTPFlags = 0x0800 // 1-to-N functional addressing with single frames
	ISOTPCFBroadcast  ISOTPFlags = 0x1000 // 1-to-N transmission without flow control
)

// Message size limits of the kernel's ISO-TP implementation.
const (
	// ISOTPMaxLen is the longest message every kernel carries: the 12-bit
	// length of a classic ISO-TP first frame. Kernels with the 32-bit
	// escape length accept more (Debian's 6.1.192 carries up to 66000
	// bytes, checked by TestISOTPLimits); longer writes fail with an
	// *ISOTPSizeError.
	ISOTPMaxLen = 4095
)

// ISOTPFlowControl is the flow control the socket sends as a receiver
// (struct can_isotp_fc_options).
type ISOTPFlowControl struct {
	// BlockSize is the number of consecutive frames the sender may send
	// before waiting for the next flow control frame; 0 means no limit.
	BlockSize uint8
	// STmin is the raw separation time the sender must leave between
	// consecutive frames: 0x00-0x7F milliseconds, 0xF1-0xF9 100-900
	// microseconds.
	STmin uint8
	// WFTmax is the most wait frames accepted as a sender; 0 means wait
	// frames are not accepted.
	WFTmax uint8
}

// ISOTPLinkLayer sets CAN FD for the frames an ISO-TP socket sends (struct
// can_isotp_ll_options).
type ISOTPLinkLayer struct {
	// MTU is FrameSize (16) for classic CAN or FDFrameSize (72) for CAN FD.
	MTU uint8
	// TxDL is the payload length of sent frames: 8, 12, 16, 20, 24, 32, 48
	// or 64 (more than 8 needs MTU 72).
	TxDL uint8
	// TxFlags are the canfd_frame flags of sent frames (BRS 0x01).
	TxFlags uint8
}

// ISOTPConfig holds the options of an ISO-TP socket; they are set before it
// is bound. A nil *ISOTPConfig means the kernel's defaults: normal
// addressing, no padding, block size 0, STmin 0, classic CAN.
type ISOTPConfig struct {
	anysock.Config

	// Flags are added to the options (see the ISOTP* flag constants).
	Flags ISOTPFlags
	// ExtAddr, if not nil, enables extended addressing with this address
	// byte.
	ExtAddr *uint8
	// RxExtAddr, if not nil, is a different extended address for
	// reception.
	RxExtAddr *uint8
	// TxPad, if not nil, pads every sent frame to 8 bytes (or TxDL) with
	// this byte.
	TxPad *uint8
	// RxPad, if not nil, expects received frames padded with this byte
	// (checked with ISOTPCheckPadLen and ISOTPCheckPadData).
	RxPad *uint8
	// FrameTxTime, if positive, is the gap between sent frames when the
	// receiver's STmin is 0 (frame_txtime).
	FrameTxTime time.Duration
	// FlowControl, if not nil, is the flow control sent as a receiver.
	FlowControl *ISOTPFlowControl
	// TxSTmin, if positive, overrides the receiver's STmin (with
	// ISOTPForceTxSTmin).
	TxSTmin time.Duration
	// RxSTmin, if positive, makes the socket drop consecutive frames
	// arriving faster than this (with ISOTPForceRxSTmin).
	RxSTmin time.Duration
	// LinkLayer, if not nil, selects CAN FD frames.
	LinkLayer *ISOTPLinkLayer
}

// optsBytes encodes struct can_isotp_options.
func (cfg *ISOTPConfig) optsBytes() []byte {
	flags := cfg.Flags
	var ext, txpad, rxpad, rxext uint8
	if cfg.ExtAddr != nil {
		flags |= ISOTPExtendAddr
		ext = *cfg.ExtAddr
	}
	if cfg.RxExtAddr != nil {
		flags |= ISOTPRxExtAddr
		rxext = *cfg.RxExtAddr
	}
	if cfg.TxPad != nil {
		flags |= ISOTPTxPadding
		txpad = *cfg.TxPad
	}
	if cfg.RxPad != nil {
		flags |= ISOTPRxPadding
		rxpad = *cfg.RxPad
	}
	if cfg.TxSTmin > 0 {
		flags |= ISOTPForceTxSTmin
	}
	if cfg.RxSTmin > 0 {
		flags |= ISOTPForceRxSTmin
	}
	b := binary.NativeEndian.AppendUint32(nil, uint32(flags))
	b = binary.NativeEndian.AppendUint32(b, uint32(max(cfg.FrameTxTime, 0).Nanoseconds()))
	return append(b, ext, txpad, rxpad, rxext)
}

func (cfg *ISOTPConfig) apply(rc syscall.RawConn) error {
	if cfg == nil {
		return nil
	}
	if err := setsockopt(rc, solCANISOTP, isotpOpts, cfg.optsBytes()); err != nil {
		return err
	}
	if fc := cfg.FlowControl; fc != nil {
		if err := setsockopt(rc, solCANISOTP, isotpRecvFC, []byte{fc.BlockSize, fc.STmin, fc.WFTmax}); err != nil {
			return err
		}
	}
	if cfg.TxSTmin > 0 {
		if err := setsockopt(rc, solCANISOTP, isotpTxSTmin, u32Opt(uint32(cfg.TxSTmin.Nanoseconds()))); err != nil {
			return err
		}
	}
	if cfg.RxSTmin > 0 {
		if err := setsockopt(rc, solCANISOTP, isotpRxSTmin, u32Opt(uint32(cfg.RxSTmin.Nanoseconds()))); err != nil {
			return err
		}
	}
	if ll := cfg.LinkLayer; ll != nil {
		if err := setsockopt(rc, solCANISOTP, isotpLLOpts, []byte{ll.MTU, ll.TxDL, ll.TxFlags}); err != nil {
			return fmt.Errorf("can: ISO-TP link layer options (MTU %d, TxDL %d): %w", ll.MTU, ll.TxDL, err)
		}
	}
	return nil
}

// An ISOTPConn is an ISO-TP connection: each Write sends one message
// (segmented into CAN frames with flow control by the kernel), each Read
// returns one whole message. A message longer than the Read buffer is
// truncated with an error matching anysock.ErrTruncated, so give Read (or
// bufio.NewReaderSize) a buffer of at least the largest message. It
// implements net.Conn through the embedded *anysock.Conn.
type ISOTPConn struct {
	*anysock.Conn
}

// DialISOTP opens an ISO-TP socket on addr's interface that sends with
// addr.TxID and receives on addr.RxID. cfg may be nil.
func DialISOTP(ctx context.Context, addr *ISOTPAddr, cfg *ISOTPConfig) (*ISOTPConn, error) {
	if addr == nil {
		return nil, &net.OpError{Op: "dial", Net: NetworkISOTP, Err: &anysock.AddrError{Network: NetworkISOTP, Err: "missing address; want " + ISOTPSyntax}}
	}
	la := *addr
	if la.Index == 0 && (la.Interface == "" || la.Interface == "any") {
		return nil, &net.OpError{Op: "dial", Net: NetworkISOTP, Err: &anysock.AddrError{Network: NetworkISOTP, Addr: la.String(), Err: "ISO-TP needs one interface, not all"}}
	}
	p := ISOTPProto()
	var base anysock.Config
	if cfg != nil {
		base = cfg.Config
	}
	conn, err := p.Dial(ctx, &la, nil, bindHook(base, p.Codec.(*Codec), la.Interface, &la.Index, cfg.apply))
	if err != nil {
		return nil, err
	}
	return &ISOTPConn{Conn: conn}, nil
}

// Write sends b as one ISO-TP message. An empty message is rejected; one
// longer than the kernel accepts gives an *ISOTPSizeError.
func (c *ISOTPConn) Write(b []byte) (int, error) {
	return c.WriteContext(context.Background(), b)
}

// WriteContext is Write bounded by ctx.
func (c *ISOTPConn) WriteContext(ctx context.Context, b []byte) (int, error) {
	if c == nil || c.Conn == nil {
		return 0, errNil("write", NetworkISOTP)
	}
	if len(b) == 0 {
		return 0, &net.OpError{Op: "write", Net: NetworkISOTP, Source: c.LocalAddr(), Err: errors.New("can: empty ISO-TP message")}
	}
	n, err := c.Conn.WriteContext(ctx, b)
	if err != nil && len(b) > ISOTPMaxLen && errors.Is(err, errnoEINVAL) {
		return n, rewrap(err, func(inner error) error { return &ISOTPSizeError{Len: len(b), Err: inner} })
	}
	return n, err
}

// An ISOTPSizeError reports a message longer than the kernel's ISO-TP
// implementation accepts.
type ISOTPSizeError struct {
	// Len is the length of the message.
	Len int
	// Err is the kernel's error (EINVAL).
	Err error
}

func (e *ISOTPSizeError) Error() string {
	return fmt.Sprintf("can: ISO-TP message of %d bytes is longer than the kernel's ISO-TP accepts (4095 bytes are always carried; recent kernels take up to 66000)", e.Len)
}

// Unwrap returns the kernel's error.
func (e *ISOTPSizeError) Unwrap() error { return e.Err }
