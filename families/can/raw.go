package can

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/anysock/anysock"
)

func nativeUint64(b []byte) uint64 { return binary.NativeEndian.Uint64(b) }

// rewrap replaces the Err of the *net.OpError err with wrap(Err), so that
// an explanation is added without nesting one OpError in another.
func rewrap(err error, wrap func(error) error) error {
	var oe *net.OpError
	if !errors.As(err, &oe) {
		return wrap(err)
	}
	c := *oe
	c.Err = wrap(oe.Err)
	return &c
}

// errNil is returned by methods called on a nil or zero-value conn.
func errNil(op, network string) error {
	return &net.OpError{Op: op, Net: network, Err: errors.New("can: method called on a nil or unopened conn")}
}

// RawConfig holds the options of a CAN_RAW socket. They are applied before
// the socket is bound, so no unwanted frame is ever queued. A nil
// *RawConfig means the kernel's defaults: classic frames only, every frame
// received, no error frames, local loopback on, own frames not received,
// no timestamps.
type RawConfig struct {
	// Config holds the settings common to every anysock socket (network
	// namespace, Control hook). Control runs after the options below.
	anysock.Config

	// FD enables CAN FD frames (CAN_RAW_FD_FRAMES): the socket then reads
	// and writes both classic and FD frames.
	FD bool

	// Filters select the frames received (CAN_RAW_FILTER). Nil keeps the
	// kernel's default of receiving every frame; an empty non-nil slice
	// receives no data frames at all.
	Filters []Filter

	// JoinFilters makes a frame pass only if it passes every filter
	// (CAN_RAW_JOIN_FILTERS) instead of any.
	JoinFilters bool

	// ErrorMask selects the error frames received (CAN_RAW_ERR_FILTER);
	// zero receives none, ErrAll all.
	ErrorMask ErrorClass

	// NoLoopback turns off local loopback (CAN_RAW_LOOPBACK = 0): frames
	// sent by this socket are then not seen by other sockets on this host.
	NoLoopback bool

	// ReceiveOwn makes the socket receive the frames it sends itself
	// (CAN_RAW_RECV_OWN_MSGS); FrameInfo.Own marks them.
	ReceiveOwn bool

	// Timestamps asks the kernel for a receive timestamp with every frame
	// (SO_TIMESTAMPNS), returned in FrameInfo.Time.
	Timestamps bool
}

// apply sets the options on a new socket.
func (cfg *RawConfig) apply(rc syscall.RawConn) error {
	if cfg == nil {
		return nil
	}
	if cfg.FD {
		if err := setsockopt(rc, solCANRaw, rawFDFrames, boolOpt(true)); err != nil {
			return err
		}
	}
	if cfg.Filters != nil {
		if err := setFilters(rc, cfg.Filters); err != nil {
			return err
		}
	}
	if cfg.JoinFilters {
		if err := setsockopt(rc, solCANRaw, rawJoinFilters, boolOpt(true)); err != nil {
			return err
		}
	}
	if cfg.ErrorMask != 0 {
		if err := setsockopt(rc, solCANRaw, rawErrFilter, u32Opt(uint32(cfg.ErrorMask))); err != nil {
			return err
		}
	}
	if cfg.NoLoopback {
		if err := setsockopt(rc, solCANRaw, rawLoopback, boolOpt(false)); err != nil {
			return err
		}
	}
	if cfg.ReceiveOwn {
		if err := setsockopt(rc, solCANRaw, rawRecvOwnMsgs, boolOpt(true)); err != nil {
			return err
		}
	}
	if cfg.Timestamps {
		if err := setsockopt(rc, solSocket, soTimestampNS, boolOpt(true)); err != nil {
			return err
		}
	}
	return nil
}

func boolOpt(v bool) []byte {
	if v {
		return u32Opt(1)
	}
	return u32Opt(0)
}

func u32Opt(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

func setFilters(rc syscall.RawConn, fs []Filter) error {
	b, err := AppendFilters(nil, fs)
	if err != nil {
		return err
	}
	return setsockopt(rc, solCANRaw, rawFilter, b)
}

// common is the part of RawConn and RawPacketConn that sets options.
type common struct {
	rc    syscall.RawConn
	fd    atomic.Bool // CAN_RAW_FD_FRAMES is on
	codec *Codec
}

func (c *common) ok() bool { return c != nil && c.rc != nil }

func (c *common) opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &net.OpError{Op: op, Net: Network, Err: err}
}

// bindHook returns an anysock.Config whose Control applies opts, resolves
// the interface of a (in the socket's network namespace) and then runs the
// caller's Control.
func bindHook(base anysock.Config, codec *Codec, name string, index *int, opts func(syscall.RawConn) error) *anysock.Config {
	cfg := base
	user := base.Control
	if base.NetNS != 0 {
		// Names must come from the socket's namespace, not the thread's.
		codec.lookup = false
	}
	cfg.Control = func(network, address string, rc syscall.RawConn) error {
		if opts != nil {
			if err := opts(rc); err != nil {
				return err
			}
		}
		if *index == 0 && name != "" && name != "any" {
			i, err := ifIndex(rc, name)
			if err != nil {
				return err
			}
			*index = i
		}
		codec.remember(name, *index)
		if user != nil {
			return user(network, address, rc)
		}
		return nil
	}
	return &cfg
}

// A RawConn is a CAN_RAW socket bound to one interface (or to all): it
// reads every frame on the interface that passes its filters and writes
// frames to it. It is an *anysock.Conn (net.Conn, batch I/O, contexts,
// deadlines: each Read and Write is one frame in its kernel wire form) with
// typed frame methods and CAN options. Its methods are safe for concurrent
// use.
//
// ReadFrame, WriteFrame and their FD and batch variants do not allocate.
type RawConn struct {
	*anysock.Conn
	common

	rmu  sync.Mutex
	rbuf [FDFrameSize]byte
	roob [64]byte

	wmu  sync.Mutex
	wbuf [FDFrameSize]byte

	bmu   sync.Mutex
	batch batchState

	wbmu   sync.Mutex
	wbatch batchState
}

// Dial opens a CAN_RAW socket bound to the interface iface ("vcan0"; "" or
// "any" for all interfaces, which can read but not write: use
// ListenPacket to write to chosen interfaces). A missing interface gives an
// error matching *UnknownInterfaceError; a kernel without CAN gives one
// matching anysock.ErrFamilyNotSupported that names the modules to load.
func Dial(ctx context.Context, iface string, cfg *RawConfig) (*RawConn, error) {
	la, err := ParseAddr(iface)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: Network, Err: err}
	}
	p := RawProto()
	codec := p.Codec.(*Codec)
	var base anysock.Config
	if cfg != nil {
		base = cfg.Config
	}
	acfg := bindHook(base, codec, la.Interface, &la.Index, cfg.apply)
	conn, err := p.Dial(ctx, la, nil, acfg)
	if err != nil {
		return nil, err
	}
	rc, err := conn.SyscallConn()
	if err != nil {
		conn.Close()
		return nil, err
	}
	c := &RawConn{Conn: conn, common: common{rc: rc, codec: codec}}
	c.fd.Store(cfg != nil && cfg.FD)
	return c, nil
}

// ReadFrame reads one classic frame. If a CAN FD frame arrives (on a socket
// with FD frames enabled) it is consumed and an error matching ErrFrame is
// returned: use ReadFDFrame on such sockets.
func (c *RawConn) ReadFrame(f *Frame) error {
	return c.ReadFrameContext(nil, f)
}

// ReadFrameContext is ReadFrame bounded by ctx.
func (c *RawConn) ReadFrameContext(ctx context.Context, f *Frame) error {
	return readFrame(c, ctx, f)
}

// readFrame is ReadFrameContext and ReadFDFrameContext: one datagram into
// c.rbuf, decoded into f.
func readFrame[F interface{ UnmarshalBinary([]byte) error }](c *RawConn, ctx context.Context, f F) error {
	if c == nil || c.Conn == nil {
		return errNil("read", Network)
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	n, err := c.read(ctx)
	if err != nil {
		return err
	}
	if err := f.UnmarshalBinary(c.rbuf[:n]); err != nil {
		return c.readErr(err)
	}
	return nil
}

// read reads one datagram into c.rbuf. c.rmu must be held. A nil ctx is
// treated as context.Background by the root package (no registration).
func (c *RawConn) read(ctx context.Context) (int, error) {
	return c.Conn.ReadContext(ctx, c.rbuf[:])
}

func (c *RawConn) readErr(err error) error {
	return &net.OpError{Op: "read", Net: Network, Source: c.LocalAddr(), Err: err}
}

// ReadFDFrame reads one frame, classic or CAN FD (f.Flags has FD for the
// latter).
func (c *RawConn) ReadFDFrame(f *FDFrame) error {
	return c.ReadFDFrameContext(nil, f)
}

// ReadFDFrameContext is ReadFDFrame bounded by ctx.
func (c *RawConn) ReadFDFrameContext(ctx context.Context, f *FDFrame) error {
	return readFrame(c, ctx, f)
}

// FrameInfo is what the kernel says about a received frame besides its
// content.
type FrameInfo struct {
	// Time is the kernel's receive timestamp, zero unless
	// RawConfig.Timestamps is set.
	Time time.Time
	// Local reports that the frame was sent from this host
	// (MSG_DONTROUTE), not received from the bus.
	Local bool
	// Own reports that this socket sent the frame (MSG_CONFIRM; only with
	// RawConfig.ReceiveOwn).
	Own bool
}

// ReadFrameInfo reads one frame, classic or FD, with its timestamp and
// origin. ctx may be nil.
func (c *RawConn) ReadFrameInfo(ctx context.Context, f *FDFrame, info *FrameInfo) error {
	if c == nil || c.Conn == nil {
		return errNil("read", Network)
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	n, oobn, flags, err := c.Conn.ReadMsgContext(ctx, c.rbuf[:], c.roob[:], 0)
	if err != nil {
		return err
	}
	if err := f.UnmarshalBinary(c.rbuf[:n]); err != nil {
		return c.readErr(err)
	}
	if info != nil {
		info.Time, _ = parseTimestamp(c.roob[:oobn])
		info.Local = flags&msgDontRoute != 0
		info.Own = flags&msgConfirm != 0
	}
	return nil
}

// WriteFrame writes one classic frame. An invalid frame (identifier out of
// range, length over 8...) is rejected with an error matching ErrFrame
// before anything is sent.
func (c *RawConn) WriteFrame(f *Frame) error {
	return c.WriteFrameContext(nil, f)
}

// WriteFrameContext is WriteFrame bounded by ctx.
func (c *RawConn) WriteFrameContext(ctx context.Context, f *Frame) error {
	if c == nil || c.Conn == nil {
		return errNil("write", Network)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := f.AppendBinary(c.wbuf[:0])
	if err != nil {
		return c.writeErr(err)
	}
	return c.write(ctx, b, false)
}

// WriteFDFrame writes one frame: a CAN FD frame if f has the FD flag (the
// socket needs RawConfig.FD and the interface an MTU of 72), else a classic
// one.
func (c *RawConn) WriteFDFrame(f *FDFrame) error {
	return c.WriteFDFrameContext(nil, f)
}

// WriteFDFrameContext is WriteFDFrame bounded by ctx.
func (c *RawConn) WriteFDFrameContext(ctx context.Context, f *FDFrame) error {
	if c == nil || c.Conn == nil {
		return errNil("write", Network)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if f.Flags&FD != 0 && !c.fd.Load() {
		return c.writeErr(ErrFDDisabled)
	}
	b, err := f.AppendBinary(c.wbuf[:0])
	if err != nil {
		return c.writeErr(err)
	}
	return c.write(ctx, b, f.Flags&FD != 0)
}

func (c *RawConn) write(ctx context.Context, b []byte, fd bool) error {
	var err error
	if ctx == nil {
		_, err = c.Conn.Write(b)
	} else {
		_, err = c.Conn.WriteContext(ctx, b)
	}
	if fd && errors.Is(err, errnoEINVAL) {
		return rewrap(err, func(inner error) error { return &fdMTUError{inner} })
	}
	return err
}

func (c *RawConn) writeErr(err error) error {
	return &net.OpError{Op: "write", Net: Network, Source: c.LocalAddr(), Err: err}
}

// ErrFDDisabled is returned when writing a CAN FD frame on a socket without
// FD frames enabled (RawConfig.FD or SetFD).
var ErrFDDisabled = errors.New("can: CAN FD frame on a socket without FD frames enabled (set RawConfig.FD or call SetFD)")

// fdMTUError explains the kernel's EINVAL for an FD frame.
type fdMTUError struct{ err error }

func (e *fdMTUError) Error() string {
	return "can: the interface does not take CAN FD frames (its MTU must be 72: ip link set DEV mtu 72): " + e.err.Error()
}

func (e *fdMTUError) Unwrap() error { return e.err }

// SetFilters replaces the socket's filters (CAN_RAW_FILTER). Nil or empty
// receives no data frames; use []Filter{{}} (ID 0, Mask 0) to receive all.
func (c *common) SetFilters(fs []Filter) error {
	if !c.ok() {
		return errNil("set", Network)
	}
	if fs == nil {
		fs = []Filter{}
	}
	return c.opErr("set", setFilters(c.rc, fs))
}

// Filters returns the socket's filters.
func (c *common) Filters() ([]Filter, error) {
	if !c.ok() {
		return nil, errNil("get", Network)
	}
	buf := make([]byte, MaxFilters*sizeofCANFilter)
	n, err := getsockopt(c.rc, solCANRaw, rawFilter, buf)
	if err != nil {
		return nil, c.opErr("get", err)
	}
	return DecodeFilters(buf[:n])
}

// SetErrorMask chooses the error frames received (CAN_RAW_ERR_FILTER).
func (c *common) SetErrorMask(m ErrorClass) error {
	if !c.ok() {
		return errNil("set", Network)
	}
	return c.opErr("set", setsockopt(c.rc, solCANRaw, rawErrFilter, u32Opt(uint32(m))))
}

// SetLoopback turns local loopback on or off (CAN_RAW_LOOPBACK).
func (c *common) SetLoopback(on bool) error {
	if !c.ok() {
		return errNil("set", Network)
	}
	return c.opErr("set", setsockopt(c.rc, solCANRaw, rawLoopback, boolOpt(on)))
}

// SetReceiveOwn sets whether the socket receives its own frames
// (CAN_RAW_RECV_OWN_MSGS).
func (c *common) SetReceiveOwn(on bool) error {
	if !c.ok() {
		return errNil("set", Network)
	}
	return c.opErr("set", setsockopt(c.rc, solCANRaw, rawRecvOwnMsgs, boolOpt(on)))
}

// SetJoinFilters sets whether a frame must pass all filters rather than any
// (CAN_RAW_JOIN_FILTERS).
func (c *common) SetJoinFilters(on bool) error {
	if !c.ok() {
		return errNil("set", Network)
	}
	return c.opErr("set", setsockopt(c.rc, solCANRaw, rawJoinFilters, boolOpt(on)))
}

// SetFD enables or disables CAN FD frames (CAN_RAW_FD_FRAMES).
func (c *common) SetFD(on bool) error {
	if !c.ok() {
		return errNil("set", Network)
	}
	if err := setsockopt(c.rc, solCANRaw, rawFDFrames, boolOpt(on)); err != nil {
		return c.opErr("set", err)
	}
	c.fd.Store(on)
	return nil
}

// SetTimestamps turns receive timestamps (SO_TIMESTAMPNS) on or off.
func (c *common) SetTimestamps(on bool) error {
	if !c.ok() {
		return errNil("set", Network)
	}
	return c.opErr("set", setsockopt(c.rc, solSocket, soTimestampNS, boolOpt(on)))
}

// batchState holds the messages and buffers of batch reads or writes,
// grown on demand and reused.
type batchState struct {
	msgs []anysock.Message
	bufs [][]byte
	data []byte
	size int
}

// prepare readies n messages of size bytes each.
func (b *batchState) prepare(n, size int) []anysock.Message {
	if cap(b.msgs) < n || b.size != size {
		b.msgs = make([]anysock.Message, n)
		b.bufs = make([][]byte, n)
		b.data = make([]byte, n*size)
		b.size = size
	}
	b.msgs = b.msgs[:n]
	for i := range b.msgs {
		b.bufs[i] = b.data[i*size : (i+1)*size]
		b.msgs[i] = anysock.Message{Buffers: b.bufs[i : i+1]}
	}
	return b.msgs
}

func (c *RawConn) frameSize() int {
	if c.fd.Load() {
		return FDFrameSize
	}
	return FrameSize
}

// ReadFrames reads up to len(fs) classic frames with one recvmmsg(2) call,
// waiting until at least one is available, and returns how many it read.
// ctx may be nil. An FD frame in the batch ends it with an error matching
// ErrFrame (the frames before it are returned).
func (c *RawConn) ReadFrames(ctx context.Context, fs []Frame) (int, error) {
	return readFrames(c, ctx, fs)
}

// readFrames is ReadFrames and ReadFDFrames: one recvmmsg into the
// connection's batch buffers, then each frame decoded into fs.
func readFrames[F any, PF interface {
	*F
	UnmarshalBinary([]byte) error
}](c *RawConn, ctx context.Context, fs []F) (int, error) {
	if c == nil || c.Conn == nil {
		return 0, errNil("read", Network)
	}
	c.bmu.Lock()
	defer c.bmu.Unlock()
	ms := c.batch.prepare(len(fs), c.frameSize())
	n, err := c.Conn.ReadBatchContext(ctx, ms, 0)
	if err != nil {
		return 0, err
	}
	for i := 0; i < n; i++ {
		if err := PF(&fs[i]).UnmarshalBinary(c.batch.bufs[i][:ms[i].N]); err != nil {
			return i, c.readErr(err)
		}
	}
	return n, nil
}

// ReadFDFrames reads up to len(fs) frames, classic or FD, with one
// recvmmsg(2) call. ctx may be nil.
func (c *RawConn) ReadFDFrames(ctx context.Context, fs []FDFrame) (int, error) {
	return readFrames(c, ctx, fs)
}

// WriteFrames writes the classic frames with sendmmsg(2) and returns how
// many were sent. Every frame is validated before any is sent. ctx may be
// nil.
func (c *RawConn) WriteFrames(ctx context.Context, fs []Frame) (int, error) {
	if c == nil || c.Conn == nil {
		return 0, errNil("write", Network)
	}
	c.wbmu.Lock()
	defer c.wbmu.Unlock()
	ms := c.wbatch.prepare(len(fs), FrameSize)
	for i := range fs {
		if _, err := fs[i].AppendBinary(c.wbatch.bufs[i][:0]); err != nil {
			return 0, c.writeErr(err)
		}
	}
	return c.Conn.WriteBatchContext(ctx, ms, 0)
}

// WriteFDFrames writes frames, classic or FD, with sendmmsg(2). ctx may be
// nil.
func (c *RawConn) WriteFDFrames(ctx context.Context, fs []FDFrame) (int, error) {
	if c == nil || c.Conn == nil {
		return 0, errNil("write", Network)
	}
	c.wbmu.Lock()
	defer c.wbmu.Unlock()
	ms := c.wbatch.prepare(len(fs), FDFrameSize)
	for i := range fs {
		if fs[i].Flags&FD != 0 && !c.fd.Load() {
			return 0, c.writeErr(ErrFDDisabled)
		}
		b, err := fs[i].AppendBinary(c.wbatch.bufs[i][:0])
		if err != nil {
			return 0, c.writeErr(err)
		}
		c.wbatch.bufs[i] = c.wbatch.bufs[i][:len(b)]
	}
	return c.Conn.WriteBatchContext(ctx, ms, 0)
}
