package can_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
)

func deadline(t testing.TB, c interface{ SetReadDeadline(time.Time) error }, d time.Duration) {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(d)); err != nil {
		t.Fatal(err)
	}
}

// expectNothing checks that no frame arrives on c within d.
func expectNothing(t *testing.T, c *can.RawConn, d time.Duration) {
	t.Helper()
	deadline(t, c, d)
	var f can.FDFrame
	err := c.ReadFDFrame(&f)
	if err == nil {
		t.Fatalf("unexpected frame %v", &f)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
}

func TestRawRoundTrip(t *testing.T) {
	a := dial(t, "vcan0", nil)
	b := dial(t, "vcan0", nil)
	deadline(t, b, 5*time.Second)
	frames := []can.Frame{
		{ID: 0x123, Len: 4, Data: [8]byte{0xde, 0xad, 0xbe, 0xef}},
		{ID: 0x1abcdef0, Flags: can.Extended, Len: 8, Data: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}},
		{ID: 0x7ff, Flags: can.RTR, Len: 2},
		{ID: 0, Len: 0},
	}
	for _, want := range frames {
		if err := a.WriteFrame(&want); err != nil {
			t.Fatal(err)
		}
		var got can.Frame
		if err := b.ReadFrame(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("got %v, want %v", &got, &want)
		}
	}
	la, ok := a.LocalAddr().(*can.Addr)
	if !ok || la.Interface != "vcan0" || la.Index == 0 {
		t.Fatalf("LocalAddr = %#v, want vcan0 with its index", a.LocalAddr())
	}
	// Binding by index ("#N", what Addr.String prints when no name is
	// known) reaches the same interface.
	byIndex := dial(t, "#"+strconv.Itoa(la.Index), nil)
	if err := a.WriteFrame(&frames[0]); err != nil {
		t.Fatal(err)
	}
	deadline(t, byIndex, 5*time.Second)
	var got can.Frame
	if err := byIndex.ReadFrame(&got); err != nil || got != frames[0] {
		t.Fatalf("bound by index: %v, %v", &got, err)
	}
	if ia := byIndex.LocalAddr().(*can.Addr); ia.Index != la.Index || ia.Interface != "vcan0" {
		t.Fatalf("LocalAddr of #%d = %#v", la.Index, ia)
	}
}

func TestRawNetConnFace(t *testing.T) {
	a := dial(t, "vcan0", nil)
	b := dial(t, "vcan0", nil)
	var nc net.Conn = a // the plain net.Conn face: one frame per Write
	f := can.Frame{ID: 0x42, Len: 3, Data: [8]byte{1, 2, 3}}
	wire, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := nc.Write(wire); err != nil || n != can.FrameSize {
		t.Fatalf("Write = %d, %v", n, err)
	}
	deadline(t, b, 5*time.Second)
	buf := make([]byte, 100)
	n, err := b.Read(buf)
	if err != nil || n != can.FrameSize {
		t.Fatalf("Read = %d, %v", n, err)
	}
	var got can.Frame
	if err := got.UnmarshalBinary(buf[:n]); err != nil || got != f {
		t.Fatalf("got %v (%v), want %v", &got, err, &f)
	}
	// A short buffer truncates, and says so.
	if _, err := a.Write(wire); err != nil {
		t.Fatal(err)
	}
	n, err = b.Read(buf[:10])
	if !errors.Is(err, anysock.ErrTruncated) || n != 10 {
		t.Fatalf("short read = %d, %v; want 10, ErrTruncated", n, err)
	}
}

func TestRawPacketConnAnyInterface(t *testing.T) {
	pc, err := can.ListenPacket(testCtx(t), "any", nil)
	testenv.SkipUnsupported(t, what, err)
	defer pc.Close()
	a0 := dial(t, "vcan0", nil)
	a1 := dial(t, "vcan1", nil)
	deadline(t, pc, 5*time.Second)
	for _, c := range []struct {
		conn  *can.RawConn
		iface string
	}{{a0, "vcan0"}, {a1, "vcan1"}} {
		f := can.Frame{ID: 0x100, Len: 1, Data: [8]byte{7}}
		if err := c.conn.WriteFrame(&f); err != nil {
			t.Fatal(err)
		}
		var got can.FDFrame
		from, err := pc.ReadFrameFrom(nil, &got)
		if err != nil {
			t.Fatal(err)
		}
		if from == nil || from.Interface != c.iface {
			t.Fatalf("frame from %v, want %s", from, c.iface)
		}
	}
	// The net.PacketConn face: WriteTo a named interface, ReadFrom on a
	// socket bound to it.
	f := can.Frame{ID: 0x200, Len: 2, Data: [8]byte{9, 9}}
	wire, _ := f.MarshalBinary()
	var npc net.PacketConn = pc
	if _, err := npc.WriteTo(wire, &can.Addr{Interface: "vcan1"}); err != nil {
		t.Fatal(err)
	}
	deadline(t, a1, 5*time.Second)
	var got can.Frame
	if err := a1.ReadFrame(&got); err != nil || got != f {
		t.Fatalf("got %v, %v; want %v", &got, err, &f)
	}
	// Writing to "all interfaces" is refused with a clear error.
	var fd can.FDFrame
	fd.SetPayload([]byte{1})
	fd.Flags = 0
	if err := pc.WriteFrameTo(nil, &fd, &can.Addr{}); err == nil {
		t.Fatal("WriteFrameTo(any) succeeded")
	}
	// A socket bound to all interfaces cannot write without a destination.
	all := dial(t, "", nil)
	if err := all.WriteFrame(&f); err == nil {
		t.Fatal("WriteFrame on a socket bound to all interfaces succeeded")
	}
}

func TestRawFD(t *testing.T) {
	a := dial(t, "vcan0", &can.RawConfig{FD: true})
	b := dial(t, "vcan0", &can.RawConfig{FD: true})
	classicOnly := dial(t, "vcan0", nil)
	var want can.FDFrame
	want.ID, want.Flags = 0x1234567, can.Extended|can.BRS
	payload := make([]byte, 64)
	for i := range payload {
		payload[i] = byte(i)
	}
	if err := want.SetPayload(payload); err != nil {
		t.Fatal(err)
	}
	if err := a.WriteFDFrame(&want); err != nil {
		t.Fatal(err)
	}
	deadline(t, b, 5*time.Second)
	var got can.FDFrame
	if err := b.ReadFDFrame(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got %v, want %v", &got, &want)
	}
	// A classic frame on an FD socket reads as a classic FDFrame.
	c := can.Frame{ID: 0x11, Len: 1, Data: [8]byte{0xaa}}
	if err := a.WriteFrame(&c); err != nil {
		t.Fatal(err)
	}
	if err := b.ReadFDFrame(&got); err != nil || got.Flags&can.FD != 0 || got.Len != 1 || got.Data[0] != 0xaa {
		t.Fatalf("classic frame on FD socket: %v, %v", &got, err)
	}
	// The classic-only socket never saw the FD frame, only the classic one.
	deadline(t, classicOnly, 5*time.Second)
	var cf can.Frame
	if err := classicOnly.ReadFrame(&cf); err != nil || cf != c {
		t.Fatalf("classic-only socket read %v, %v; want %v", &cf, err, &c)
	}
	// ReadFrame on an FD socket refuses an FD frame with a clear error.
	if err := a.WriteFDFrame(&want); err != nil {
		t.Fatal(err)
	}
	if err := b.ReadFrame(&cf); !errors.Is(err, can.ErrFrame) {
		t.Fatalf("ReadFrame of an FD frame: %v, want ErrFrame", err)
	}
	// An FD frame on a non-FD socket is refused before the kernel sees it.
	if err := classicOnly.WriteFDFrame(&want); !errors.Is(err, can.ErrFDDisabled) {
		t.Fatalf("FD frame on non-FD socket: %v, want ErrFDDisabled", err)
	}
	// SetFD enables it later.
	if err := classicOnly.SetFD(true); err != nil {
		t.Fatal(err)
	}
	if err := classicOnly.WriteFDFrame(&want); err != nil {
		t.Fatal(err)
	}
	// An FD frame on an interface with the classic MTU: the kernel's
	// EINVAL comes with an explanation.
	onClassicIf := dial(t, "vcanclassic", &can.RawConfig{FD: true})
	err := onClassicIf.WriteFDFrame(&want)
	if !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("FD frame on a classic interface: %v, want EINVAL", err)
	}
	t.Logf("FD on classic MTU: %v", err)
}

func TestRawBadInput(t *testing.T) {
	a := dial(t, "vcan0", nil)
	for _, f := range []can.Frame{
		{ID: 0x800},                           // too big for 11 bits
		{ID: 0x20000000, Flags: can.Extended}, // too big for 29 bits
		{ID: 1, Len: 9},                       // too long
		{ID: 1, Flags: can.FD},                // FD flag on a classic frame
		{ID: 1, Len: 7, Len8DLC: 12},          // Len8DLC needs Len 8
	} {
		if err := a.WriteFrame(&f); !errors.Is(err, can.ErrFrame) {
			t.Errorf("WriteFrame(%+v) = %v, want ErrFrame", f, err)
		}
	}
	// Raw writes of the wrong size reach the kernel, which says EINVAL.
	for _, n := range []int{1, 15, 17, 72} {
		_, err := a.Write(make([]byte, n))
		if !errors.Is(err, syscall.EINVAL) {
			t.Errorf("Write of %d bytes: %v, want EINVAL", n, err)
		}
	}
	// Unknown interfaces.
	_, err := can.Dial(testCtx(t), "nosuchcan0", nil)
	var ue *can.UnknownInterfaceError
	if !errors.As(err, &ue) || ue.Name != "nosuchcan0" || !errors.Is(err, syscall.ENODEV) {
		t.Fatalf("Dial(nosuchcan0) = %v, want *UnknownInterfaceError wrapping ENODEV", err)
	}
	t.Logf("unknown interface: %v", err)
	if _, err := can.Dial(testCtx(t), "bad/name", nil); err == nil {
		t.Fatal("Dial(bad/name) succeeded")
	}
	if _, err := can.DialBCM(testCtx(t), "nosuchcan0", nil); !errors.As(err, &ue) {
		t.Fatalf("DialBCM(nosuchcan0) = %v", err)
	}
	// Too many filters.
	if err := a.SetFilters(make([]can.Filter, can.MaxFilters+1)); err == nil {
		t.Fatal("SetFilters with too many filters succeeded")
	}
}

func TestRawFilters(t *testing.T) {
	w := dial(t, "vcan0", nil)
	only123 := dial(t, "vcan0", &can.RawConfig{Filters: []can.Filter{can.MatchID(0x123, false)}})
	not123 := dial(t, "vcan0", &can.RawConfig{Filters: []can.Filter{{ID: 0x123, Mask: can.MaxSFFID, Invert: true}}})
	range100 := dial(t, "vcan0", &can.RawConfig{Filters: []can.Filter{{ID: 0x100, Mask: 0x700}}})
	none := dial(t, "vcan0", &can.RawConfig{Filters: []can.Filter{}})
	joined := dial(t, "vcan0", &can.RawConfig{JoinFilters: true, Filters: []can.Filter{
		{ID: 0x100, Mask: 0x700}, {ID: 0x003, Mask: 0x00f}}})

	send := func(id uint32, fl can.Flags) {
		f := can.Frame{ID: id, Flags: fl, Len: 1}
		if err := w.WriteFrame(&f); err != nil {
			t.Fatal(err)
		}
	}
	send(0x123, 0)
	send(0x124, 0)
	send(0x123, can.Extended) // same number, other format: MatchID rejects it
	send(0x555, 0)
	send(0x103, 0)

	read := func(c *can.RawConn, want ...uint32) {
		t.Helper()
		for _, id := range want {
			deadline(t, c, 5*time.Second)
			var f can.FDFrame
			if err := c.ReadFDFrame(&f); err != nil {
				t.Fatalf("want %#x: %v", id, err)
			}
			if f.ID != id {
				t.Fatalf("got %v, want id %#x", &f, id)
			}
		}
		expectNothing(t, c, 50*time.Millisecond)
	}
	read(only123, 0x123)
	read(not123, 0x124, 0x555, 0x103) // the extended 0x123 has the EFF bit outside the mask: it matches, so inverted rejects it
	read(range100, 0x123, 0x124, 0x123, 0x103)
	read(none)
	read(joined, 0x123, 0x123, 0x103)

	fs, err := only123.Filters()
	if err != nil || len(fs) != 1 || fs[0] != can.MatchID(0x123, false) {
		t.Fatalf("Filters() = %v, %v", fs, err)
	}
	// Changing filters at run time.
	if err := none.SetFilters([]can.Filter{{}}); err != nil {
		t.Fatal(err)
	}
	send(0x7ff, 0)
	read(none, 0x7ff)
}

func TestRawErrorFrames(t *testing.T) {
	w := dial(t, "vcan0", nil)
	busoff := dial(t, "vcan0", &can.RawConfig{ErrorMask: can.ErrBusOff | can.ErrCounters})
	ackOnly := dial(t, "vcan0", &can.RawConfig{ErrorMask: can.ErrAck})
	noErrors := dial(t, "vcan0", nil)
	ef := can.Frame{ID: uint32(can.ErrBusOff | can.ErrCounters), Flags: can.ErrorFrame, Len: 8,
		Data: [8]byte{6: 200, 7: 100}}
	if err := w.WriteFrame(&ef); err != nil {
		t.Fatal(err)
	}
	deadline(t, busoff, 5*time.Second)
	var got can.Frame
	if err := busoff.ReadFrame(&got); err != nil {
		t.Fatal(err)
	}
	info, ok := got.ErrorInfo()
	if !ok || info.Class != can.ErrBusOff|can.ErrCounters || info.TxErrors != 200 || info.RxErrors != 100 {
		t.Fatalf("error frame %v decoded as %+v, %v", &got, info, ok)
	}
	expectNothing(t, ackOnly, 50*time.Millisecond)
	expectNothing(t, noErrors, 50*time.Millisecond)
	if err := ackOnly.SetErrorMask(can.ErrAll); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrame(&ef); err != nil {
		t.Fatal(err)
	}
	deadline(t, ackOnly, 5*time.Second)
	if err := ackOnly.ReadFrame(&got); err != nil || got.Flags&can.ErrorFrame == 0 {
		t.Fatalf("after SetErrorMask(ErrAll): %v, %v", &got, err)
	}
}

func TestRawLoopbackAndOwn(t *testing.T) {
	own := dial(t, "vcan0", &can.RawConfig{ReceiveOwn: true, Timestamps: true})
	other := dial(t, "vcan0", &can.RawConfig{Timestamps: true})
	quiet := dial(t, "vcan0", &can.RawConfig{NoLoopback: true})

	before := time.Now()
	f := can.Frame{ID: 0x321, Len: 1, Data: [8]byte{1}}
	if err := own.WriteFrame(&f); err != nil {
		t.Fatal(err)
	}
	var got can.FDFrame
	var info can.FrameInfo
	ctx := testCtx(t)
	if err := own.ReadFrameInfo(ctx, &got, &info); err != nil {
		t.Fatal(err)
	}
	if !info.Own || !info.Local || got.ID != 0x321 {
		t.Fatalf("own frame: %v %+v", &got, info)
	}
	if info.Time.Before(before.Add(-time.Second)) || info.Time.After(time.Now().Add(time.Second)) {
		t.Fatalf("timestamp %v not near %v", info.Time, before)
	}
	if err := other.ReadFrameInfo(ctx, &got, &info); err != nil {
		t.Fatal(err)
	}
	if info.Own || !info.Local || info.Time.IsZero() {
		t.Fatalf("frame from another local socket: %+v", info)
	}
	// With loopback off, no other local socket sees the frames.
	if err := quiet.WriteFrame(&f); err != nil {
		t.Fatal(err)
	}
	expectNothing(t, other, 50*time.Millisecond)
	// quiet saw own's frame (loopback is on for own), but not its own.
	deadline(t, quiet, 5*time.Second)
	if err := quiet.ReadFDFrame(&got); err != nil {
		t.Fatal(err)
	}
	expectNothing(t, quiet, 50*time.Millisecond)
	if err := own.SetReceiveOwn(false); err != nil {
		t.Fatal(err)
	}
	if err := own.WriteFrame(&f); err != nil {
		t.Fatal(err)
	}
	deadline(t, other, 5*time.Second)
	if err := other.ReadFrameInfo(ctx, &got, &info); err != nil {
		t.Fatal(err)
	}
	deadline(t, own, 50*time.Millisecond)
	if err := own.ReadFrameInfo(nil, &got, &info); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("own frame after SetReceiveOwn(false): %v", err)
	}
	if err := quiet.SetLoopback(true); err != nil {
		t.Fatal(err)
	}
}

func TestRawBatch(t *testing.T) {
	w := dial(t, "vcan0", nil)
	r := dial(t, "vcan0", nil)
	out := make([]can.Frame, 50)
	for i := range out {
		out[i] = can.Frame{ID: uint32(i), Len: 1, Data: [8]byte{byte(i)}}
	}
	n, err := w.WriteFrames(nil, out)
	if err != nil || n != len(out) {
		t.Fatalf("WriteFrames = %d, %v", n, err)
	}
	in := make([]can.Frame, 64)
	got := 0
	ctx := testCtx(t)
	for got < len(out) {
		n, err := r.ReadFrames(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range in[:n] {
			if f != out[got] {
				t.Fatalf("frame %d: got %v, want %v", got, &f, &out[got])
			}
			got++
		}
	}
	// Batch writes validate every frame before sending any.
	bad := []can.Frame{{ID: 1}, {ID: 0x800}}
	if n, err := w.WriteFrames(nil, bad); n != 0 || !errors.Is(err, can.ErrFrame) {
		t.Fatalf("WriteFrames(bad) = %d, %v", n, err)
	}
	expectNothing(t, r, 50*time.Millisecond)

	// FD batches.
	fw := dial(t, "vcan0", &can.RawConfig{FD: true})
	fr := dial(t, "vcan0", &can.RawConfig{FD: true})
	fds := make([]can.FDFrame, 10)
	for i := range fds {
		fds[i].ID = uint32(i)
		if i%2 == 0 {
			fds[i].SetPayload(make([]byte, 12))
		} else {
			fds[i].Len = 3
		}
	}
	if n, err := fw.WriteFDFrames(nil, fds); err != nil || n != len(fds) {
		t.Fatalf("WriteFDFrames = %d, %v", n, err)
	}
	fin := make([]can.FDFrame, 16)
	got = 0
	for got < len(fds) {
		n, err := fr.ReadFDFrames(ctx, fin)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fin[:n] {
			if f != fds[got] {
				t.Fatalf("FD frame %d: got %v, want %v", got, &f, &fds[got])
			}
			got++
		}
	}
}

func TestRawInterrupt(t *testing.T) {
	c := dial(t, "vcan0", &can.RawConfig{Filters: []can.Filter{}})
	// Context cancellation.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	var f can.Frame
	start := time.Now()
	if err := c.ReadFrameContext(ctx, &f); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReadFrameContext: %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancel took %v", d)
	}
	// The conn stays usable; Close interrupts a blocked read.
	done := make(chan error, 1)
	go func() { done <- c.ReadFrame(&f) }()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("read after Close: %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not interrupt ReadFrame")
	}
	if err := c.WriteFrame(&f); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after Close: %v", err)
	}
}

func TestRawAllocs(t *testing.T) {
	w := dial(t, "vcan0", nil)
	r := dial(t, "vcan0", &can.RawConfig{Filters: []can.Filter{can.MatchID(0x55, false)}})
	f := can.Frame{ID: 0x55, Len: 8}
	var g can.Frame
	allocs := testing.AllocsPerRun(200, func() {
		if err := w.WriteFrame(&f); err != nil {
			t.Fatal(err)
		}
		if err := r.ReadFrame(&g); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("WriteFrame+ReadFrame: %v allocs/op, want 0", allocs)
	}
	fs := make([]can.Frame, 8)
	for i := range fs {
		fs[i] = f
	}
	in := make([]can.Frame, 8)
	allocs = testing.AllocsPerRun(100, func() {
		if _, err := w.WriteFrames(nil, fs); err != nil {
			t.Fatal(err)
		}
		for got := 0; got < len(fs); {
			n, err := r.ReadFrames(nil, in)
			if err != nil {
				t.Fatal(err)
			}
			got += n
		}
	})
	if allocs != 0 {
		t.Errorf("WriteFrames+ReadFrames: %v allocs/op, want 0", allocs)
	}
	// FD frames, and reads with timestamps and origin.
	fw := dial(t, "vcan0", &can.RawConfig{FD: true})
	fr := dial(t, "vcan0", &can.RawConfig{FD: true, Timestamps: true, Filters: []can.Filter{can.MatchID(0x56, false)}})
	fd := can.FDFrame{ID: 0x56, Flags: can.FD, Len: 64}
	var gfd can.FDFrame
	var info can.FrameInfo
	allocs = testing.AllocsPerRun(200, func() {
		if err := fw.WriteFDFrame(&fd); err != nil {
			t.Fatal(err)
		}
		if err := fr.ReadFrameInfo(nil, &gfd, &info); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 || info.Time.IsZero() {
		t.Errorf("WriteFDFrame+ReadFrameInfo: %v allocs/op (timestamp %v), want 0", allocs, info.Time)
	}
}
