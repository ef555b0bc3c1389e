package can

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"sync"
	"time"
	"unsafe"

	"github.com/anysock/anysock"
)

// BCMOp is a broadcast-manager opcode (struct bcm_msg_head.opcode).
type BCMOp uint32

// Broadcast-manager opcodes: requests written to the socket and events read
// from it.
const (
	BCMTxSetup   BCMOp = 1  // create or update a transmission task
	BCMTxDelete  BCMOp = 2  // remove a transmission task
	BCMTxRead    BCMOp = 3  // read a transmission task (answered with BCMTxStatus)
	BCMTxSend    BCMOp = 4  // send one frame
	BCMRxSetup   BCMOp = 5  // create or update a receive filter
	BCMRxDelete  BCMOp = 6  // remove a receive filter
	BCMRxRead    BCMOp = 7  // read a receive filter (answered with BCMRxStatus)
	BCMTxStatus  BCMOp = 8  // event: reply to BCMTxRead
	BCMTxExpired BCMOp = 9  // event: a counted transmission ended (with BCMTxCountEvent)
	BCMRxStatus  BCMOp = 10 // event: reply to BCMRxRead
	BCMRxTimeout BCMOp = 11 // event: no frame within the receive timeout
	BCMRxChanged BCMOp = 12 // event: a received frame's relevant content changed
)

var bcmOpNames = [...]string{"", "TX_SETUP", "TX_DELETE", "TX_READ", "TX_SEND", "RX_SETUP", "RX_DELETE",
	"RX_READ", "TX_STATUS", "TX_EXPIRED", "RX_STATUS", "RX_TIMEOUT", "RX_CHANGED"}

// String returns the kernel's name of the opcode, such as "RX_CHANGED".
func (o BCMOp) String() string {
	if o > 0 && int(o) < len(bcmOpNames) {
		return bcmOpNames[o]
	}
	return fmt.Sprintf("BCMOp(%d)", uint32(o))
}

// BCMFlags are the flags of a broadcast-manager message.
type BCMFlags uint32

// Broadcast-manager flags.
const (
	BCMSetTimer         BCMFlags = 0x0001 // take Ival1, Ival2 and Count from the message
	BCMStartTimer       BCMFlags = 0x0002 // start the timer with the current values
	BCMTxCountEvent     BCMFlags = 0x0004 // send BCMTxExpired when Count runs out
	BCMTxAnnounce       BCMFlags = 0x0008 // send changed data at once
	BCMTxCopyID         BCMFlags = 0x0010 // copy the message's ID into the frames
	BCMRxFilterID       BCMFlags = 0x0020 // filter on the ID only, no content
	BCMRxCheckDLC       BCMFlags = 0x0040 // a change of length is a change
	BCMRxNoAutoTimer    BCMFlags = 0x0080 // do not restart the timeout monitor
	BCMRxAnnounceResume BCMFlags = 0x0100 // report the first frame after a timeout
	BCMTxResetMultiIdx  BCMFlags = 0x0200 // restart a multi-frame sequence at index 0
	BCMRxRTRFrame       BCMFlags = 0x0400 // answer remote requests with Frames[0]
	BCMFDFrame          BCMFlags = 0x0800 // the frames are CAN FD frames (FDFrames)
)

// bcmTimeval mirrors struct bcm_timeval: two C longs, which are Go ints on
// every Linux architecture.
type bcmTimeval struct{ Sec, Usec int }

// bcmMsgHead mirrors struct bcm_msg_head without its frames.
type bcmMsgHead struct {
	Opcode, Flags, Count uint32
	Ival1, Ival2         bcmTimeval
	CanID, Nframes       uint32
}

// bcmLayout describes struct bcm_msg_head for one size of C long.
type bcmLayout struct {
	long, head, ival1, ival2, canID int
}

// Layouts of struct bcm_msg_head. The frames that follow the head are
// 8-byte aligned (struct can_frame's data is), so the head is padded to 8.
var (
	bcmNative = bcmLayout{
		long:  int(unsafe.Sizeof(int(0))),
		head:  (int(unsafe.Sizeof(bcmMsgHead{})) + 7) &^ 7,
		ival1: int(unsafe.Offsetof(bcmMsgHead{}.Ival1)),
		ival2: int(unsafe.Offsetof(bcmMsgHead{}.Ival2)),
		canID: int(unsafe.Offsetof(bcmMsgHead{}.CanID)),
	}
	// bcm64 is the layout of a 64-bit kernel. CAN_BCM has no compat
	// translation: a 32-bit process on a 64-bit kernel must use it.
	bcm64 = bcmLayout{long: 8, head: 56, ival1: 16, ival2: 32, canID: 48}
)

// BCMHeadSize is sizeof(struct bcm_msg_head) for this process's
// architecture (56 on 64-bit systems, 40 on 32-bit ones), the layout of
// BCMMessage.AppendBinary and UnmarshalBinary. A BCMConn of a 32-bit
// process on a 64-bit kernel uses the kernel's 56-byte layout instead.
var BCMHeadSize = bcmNative.head

// BCMMaxFrames is the most frames one broadcast-manager message carries
// (MAX_NFRAMES).
const BCMMaxFrames = 256

// A BCMMessage is a broadcast-manager request or event: struct
// bcm_msg_head followed by its frames.
type BCMMessage struct {
	// Op is the request or event.
	Op BCMOp
	// Flags modify the request (see the BCM* flag constants).
	Flags BCMFlags
	// Count is the number of frames sent at Ival1 before switching to
	// Ival2 (transmission tasks).
	Count uint32
	// Ival1 is the first interval: the initial transmission interval, or
	// the receive timeout.
	Ival1 time.Duration
	// Ival2 is the second interval: the cyclic transmission interval, or
	// the minimum time between BCMRxChanged events (throttling).
	Ival2 time.Duration
	// ID is the CAN identifier of the task (with EFFFlag for a 29-bit
	// one).
	ID uint32
	// Frames are the classic frames of the message (without BCMFDFrame).
	// For BCMRxSetup, Frames[0] is a content mask: a received frame counts
	// as changed when its data differs in the bits set here.
	Frames []Frame
	// FDFrames are the frames with BCMFDFrame set.
	FDFrames []FDFrame
}

func (m *BCMMessage) frameSize() int {
	if m.Flags&BCMFDFrame != 0 {
		return FDFrameSize
	}
	return FrameSize
}

func (m *BCMMessage) nframes() int {
	if m.Flags&BCMFDFrame != 0 {
		return len(m.FDFrames)
	}
	return len(m.Frames)
}

// Size returns the size of m's wire form (with BCMHeadSize).
func (m *BCMMessage) Size() int { return BCMHeadSize + m.nframes()*m.frameSize() }

func (l *bcmLayout) putLong(b []byte, v int64) {
	if l.long == 8 {
		binary.NativeEndian.PutUint64(b, uint64(v))
	} else {
		binary.NativeEndian.PutUint32(b, uint32(v))
	}
}

func (l *bcmLayout) getLong(b []byte) int64 {
	if l.long == 8 {
		return int64(binary.NativeEndian.Uint64(b))
	}
	return int64(int32(binary.NativeEndian.Uint32(b)))
}

func (l *bcmLayout) putTimeval(b []byte, d time.Duration) {
	l.putLong(b, int64(d/time.Second))
	l.putLong(b[l.long:], int64(d%time.Second/time.Microsecond))
}

func (l *bcmLayout) getTimeval(b []byte) time.Duration {
	return time.Duration(l.getLong(b))*time.Second + time.Duration(l.getLong(b[l.long:]))*time.Microsecond
}

func bcmErr(op, format string, args ...any) error {
	return &FrameError{Op: op, Reason: "BCM message: " + fmt.Sprintf(format, args...)}
}

// AppendBinary appends m's wire form to b, validating every frame. It does
// not allocate when b has room.
func (m *BCMMessage) AppendBinary(b []byte) ([]byte, error) {
	return m.appendBinary(b, &bcmNative)
}

func (m *BCMMessage) appendBinary(b []byte, l *bcmLayout) ([]byte, error) {
	n := m.nframes()
	if n > BCMMaxFrames {
		return b, bcmErr("encode", "%d frames; at most %d", n, BCMMaxFrames)
	}
	if m.Ival1 < 0 || m.Ival2 < 0 {
		return b, bcmErr("encode", "negative interval")
	}
	if m.Flags&BCMFDFrame == 0 && len(m.FDFrames) > 0 {
		return b, bcmErr("encode", "FDFrames set without the BCMFDFrame flag")
	}
	if m.Flags&BCMFDFrame != 0 && len(m.Frames) > 0 {
		return b, bcmErr("encode", "classic Frames set with the BCMFDFrame flag; use FDFrames")
	}
	start := len(b)
	for i := 0; i < l.head; i++ {
		b = append(b, 0)
	}
	h := b[start:]
	binary.NativeEndian.PutUint32(h[0:], uint32(m.Op))
	binary.NativeEndian.PutUint32(h[4:], uint32(m.Flags))
	binary.NativeEndian.PutUint32(h[8:], m.Count)
	l.putTimeval(h[l.ival1:], m.Ival1)
	l.putTimeval(h[l.ival2:], m.Ival2)
	binary.NativeEndian.PutUint32(h[l.canID:], m.ID)
	binary.NativeEndian.PutUint32(h[l.canID+4:], uint32(n))
	var err error
	for i := range m.Frames {
		if b, err = m.Frames[i].AppendBinary(b); err != nil {
			return b[:start], err
		}
	}
	for i := range m.FDFrames {
		f := m.FDFrames[i]
		f.Flags |= FD // the kernel expects canfd_frames throughout
		if b, err = f.AppendBinary(b); err != nil {
			return b[:start], err
		}
	}
	return b, nil
}

// UnmarshalBinary decodes a broadcast-manager message, reusing the
// capacity of m.Frames and m.FDFrames.
func (m *BCMMessage) UnmarshalBinary(b []byte) error {
	return m.unmarshalBinary(b, &bcmNative)
}

func (m *BCMMessage) unmarshalBinary(b []byte, l *bcmLayout) error {
	if len(b) < l.head {
		return bcmErr("decode", "%d bytes, shorter than the %d-byte head", len(b), l.head)
	}
	m.Op = BCMOp(binary.NativeEndian.Uint32(b[0:]))
	m.Flags = BCMFlags(binary.NativeEndian.Uint32(b[4:]))
	m.Count = binary.NativeEndian.Uint32(b[8:])
	m.Ival1 = l.getTimeval(b[l.ival1:])
	m.Ival2 = l.getTimeval(b[l.ival2:])
	m.ID = binary.NativeEndian.Uint32(b[l.canID:])
	n := int(binary.NativeEndian.Uint32(b[l.canID+4:]))
	size := m.frameSize()
	body := b[l.head:]
	if n > BCMMaxFrames || len(body) != n*size {
		return bcmErr("decode", "head announces %d frames of %d bytes, body has %d bytes", n, size, len(body))
	}
	m.Frames, m.FDFrames = m.Frames[:0], m.FDFrames[:0]
	for i := 0; i < n; i++ {
		fb := body[i*size : (i+1)*size]
		if size == FDFrameSize {
			m.FDFrames = append(m.FDFrames, FDFrame{})
			if err := m.FDFrames[i].UnmarshalBinary(fb); err != nil {
				return err
			}
		} else {
			m.Frames = append(m.Frames, Frame{})
			if err := m.Frames[i].UnmarshalBinary(fb); err != nil {
				return err
			}
		}
	}
	return nil
}

// A BCMConn is a broadcast-manager socket connected to an interface. Its
// methods are typed broadcast-manager operations; ReadEvent returns what
// the kernel reports (BCMRxChanged, BCMRxTimeout, BCMTxExpired...). The
// embedded *anysock.Conn reads and writes raw struct bcm_msg_head
// messages. Methods are safe for concurrent use.
type BCMConn struct {
	*anysock.Conn
	raddr  *Addr
	layout *bcmLayout // the kernel's struct bcm_msg_head

	wmu  sync.Mutex
	wbuf []byte

	rmu  sync.Mutex
	rbuf []byte
}

// DialBCM opens a broadcast-manager socket connected to interface iface.
// cfg may be nil.
func DialBCM(ctx context.Context, iface string, cfg *anysock.Config) (*BCMConn, error) {
	ra, err := ParseAddr(iface)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: NetworkBCM, Err: err}
	}
	p := BCMProto()
	var base anysock.Config
	if cfg != nil {
		base = *cfg
	}
	if err := ctxOrBG(ctx).Err(); err != nil {
		return nil, &net.OpError{Op: "dial", Net: NetworkBCM, Addr: ra, Err: err}
	}
	conn, err := dialBCMConn(p, ra, base)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: NetworkBCM, Addr: ra, Err: err}
	}
	layout := &bcmNative
	if layout.long == 4 && kernel64() {
		layout = &bcm64
	}
	return &BCMConn{Conn: conn, raddr: ra, layout: layout, rbuf: make([]byte, layout.head+BCMMaxFrames*FDFrameSize)}, nil
}

// RemoteAddr returns the interface the socket is connected to. (The
// kernel's CAN_BCM has no getpeername, so the embedded Conn does not know
// it.)
func (c *BCMConn) RemoteAddr() net.Addr {
	if c == nil || c.raddr == nil {
		return nil
	}
	return c.raddr
}

// Send writes one broadcast-manager message. ctx may be nil.
func (c *BCMConn) Send(ctx context.Context, m *BCMMessage) error {
	if c == nil || c.Conn == nil {
		return errNil("write", NetworkBCM)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := m.appendBinary(c.wbuf[:0], c.layout)
	if err != nil {
		return &net.OpError{Op: "write", Net: NetworkBCM, Addr: c.RemoteAddr(), Err: err}
	}
	c.wbuf = b[:0]
	_, err = c.Conn.WriteContext(ctxOrBG(ctx), b)
	return err
}

func ctxOrBG(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// ReadEvent reads one message from the broadcast manager into m, reusing
// m's frame slices. ctx may be nil.
func (c *BCMConn) ReadEvent(ctx context.Context, m *BCMMessage) error {
	if c == nil || c.Conn == nil {
		return errNil("read", NetworkBCM)
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	n, err := c.Conn.ReadContext(ctxOrBG(ctx), c.rbuf)
	if err != nil {
		return err
	}
	if err := m.unmarshalBinary(c.rbuf[:n], c.layout); err != nil {
		return &net.OpError{Op: "read", Net: NetworkBCM, Addr: c.RemoteAddr(), Err: err}
	}
	return nil
}

// StartCyclic makes the kernel send frames with identifier id every
// interval until StopCyclic: a TX_SETUP with SETTIMER and STARTTIMER. With
// several frames they are sent in turn. Calling it again for the same id
// updates the data (and the interval).
func (c *BCMConn) StartCyclic(ctx context.Context, id uint32, interval time.Duration, frames ...Frame) error {
	if len(frames) == 0 {
		return &net.OpError{Op: "write", Net: NetworkBCM, Err: bcmErr("encode", "cyclic transmission needs at least one frame")}
	}
	if interval <= 0 {
		return &net.OpError{Op: "write", Net: NetworkBCM, Err: bcmErr("encode", "cyclic transmission needs a positive interval")}
	}
	return c.Send(ctx, &BCMMessage{Op: BCMTxSetup, Flags: BCMSetTimer | BCMStartTimer | BCMTxCopyID,
		ID: id, Ival2: interval, Frames: frames})
}

// StopCyclic removes the transmission task of identifier id (TX_DELETE).
func (c *BCMConn) StopCyclic(ctx context.Context, id uint32) error {
	return c.Send(ctx, &BCMMessage{Op: BCMTxDelete, ID: id})
}

// SendOnce sends one frame through the broadcast manager (TX_SEND).
func (c *BCMConn) SendOnce(ctx context.Context, f Frame) error {
	return c.Send(ctx, &BCMMessage{Op: BCMTxSend, ID: f.canIDOrZero(), Frames: []Frame{f}})
}

func (f *Frame) canIDOrZero() uint32 {
	id, _ := f.check()
	return id
}

// A Subscription describes a broadcast-manager receive filter (RX_SETUP).
type Subscription struct {
	// ID is the CAN identifier to watch (with EFFFlag for a 29-bit one).
	ID uint32
	// Mask, if not nil, selects the data bits whose changes are reported
	// (BCMRxChanged); Mask.Len should be the frame length. Nil reports
	// every received frame (RX_FILTER_ID).
	Mask *Frame
	// Timeout, if positive, makes the kernel send BCMRxTimeout when no
	// frame arrives for that long.
	Timeout time.Duration
	// Throttle, if positive, is the minimum time between two
	// BCMRxChanged events.
	Throttle time.Duration
	// Flags are added to the request (e.g. BCMRxCheckDLC,
	// BCMRxAnnounceResume, BCMRxNoAutoTimer).
	Flags BCMFlags
}

// Subscribe sets up content-filtered reception (RX_SETUP): ReadEvent then
// returns BCMRxChanged with the new frame when a frame with s.ID arrives
// whose data differs from the previous one in the bits of s.Mask, and
// BCMRxTimeout when none arrives within s.Timeout.
func (c *BCMConn) Subscribe(ctx context.Context, s Subscription) error {
	m := &BCMMessage{Op: BCMRxSetup, Flags: s.Flags, ID: s.ID, Ival1: s.Timeout, Ival2: s.Throttle}
	if s.Timeout > 0 || s.Throttle > 0 {
		m.Flags |= BCMSetTimer | BCMStartTimer
	}
	if s.Mask == nil {
		m.Flags |= BCMRxFilterID
	} else {
		m.Frames = []Frame{*s.Mask}
	}
	return c.Send(ctx, m)
}

// Unsubscribe removes the receive filter of identifier id (RX_DELETE).
func (c *BCMConn) Unsubscribe(ctx context.Context, id uint32) error {
	return c.Send(ctx, &BCMMessage{Op: BCMRxDelete, ID: id})
}
