package can_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
)

func dialBCM(t *testing.T, iface string) *can.BCMConn {
	t.Helper()
	c, err := can.DialBCM(testCtx(t), iface, nil)
	testenv.SkipUnsupported(t, "CAN_BCM (modprobe can_bcm)", err)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestBCMCyclic(t *testing.T) {
	bcm := dialBCM(t, "vcan0")
	r := dial(t, "vcan0", &can.RawConfig{Filters: []can.Filter{can.MatchID(0x111, false)}})
	ctx := testCtx(t)
	if err := bcm.StartCyclic(ctx, 0x111, 10*time.Millisecond, can.Frame{Len: 2, Data: [8]byte{0xaa, 0x01}}); err != nil {
		t.Fatal(err)
	}
	var f can.Frame
	start := time.Now()
	for i := 0; i < 5; i++ {
		if err := r.ReadFrameContext(ctx, &f); err != nil {
			t.Fatal(err)
		}
		if f.ID != 0x111 || f.Len != 2 || f.Data[0] != 0xaa {
			t.Fatalf("cyclic frame %v", &f)
		}
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("5 frames at 10ms intervals arrived within %v", d)
	}
	// Updating the data changes the frames sent.
	if err := bcm.StartCyclic(ctx, 0x111, 10*time.Millisecond, can.Frame{Len: 2, Data: [8]byte{0xbb, 0x02}}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); f.Data[0] != 0xbb; {
		if time.Now().After(deadline) {
			t.Fatal("updated data never sent")
		}
		if err := r.ReadFrameContext(ctx, &f); err != nil {
			t.Fatal(err)
		}
	}
	if err := bcm.StopCyclic(ctx, 0x111); err != nil {
		t.Fatal(err)
	}
	// Drain what was queued, then silence.
	time.Sleep(30 * time.Millisecond)
	for {
		deadline(t, r, 30*time.Millisecond)
		if err := r.ReadFrame(&f); err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal(err)
			}
			break
		}
	}
	// Deleting a task that does not exist is the kernel's EINVAL.
	if err := bcm.StopCyclic(ctx, 0x111); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("StopCyclic of a deleted task: %v", err)
	}
	// SendOnce.
	if err := bcm.SendOnce(ctx, can.Frame{ID: 0x111, Len: 1, Data: [8]byte{0x55}}); err != nil {
		t.Fatal(err)
	}
	deadline(t, r, 5*time.Second)
	if err := r.ReadFrame(&f); err != nil || f.Data[0] != 0x55 {
		t.Fatalf("SendOnce: %v %v", &f, err)
	}
}

func TestBCMSubscribe(t *testing.T) {
	bcm := dialBCM(t, "vcan0")
	w := dial(t, "vcan0", nil)
	ctx := testCtx(t)
	mask := can.Frame{Len: 2, Data: [8]byte{0xff, 0x00}} // only byte 0 matters
	if err := bcm.Subscribe(ctx, can.Subscription{ID: 0x222, Mask: &mask, Timeout: 200 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	send := func(b0, b1 byte) {
		f := can.Frame{ID: 0x222, Len: 2, Data: [8]byte{b0, b1}}
		if err := w.WriteFrame(&f); err != nil {
			t.Fatal(err)
		}
	}
	var m can.BCMMessage
	expect := func(op can.BCMOp, b0 byte) {
		t.Helper()
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := bcm.ReadEvent(rctx, &m); err != nil {
			t.Fatalf("want %v: %v", op, err)
		}
		if m.Op != op || m.ID != 0x222 {
			t.Fatalf("got %v for %#x, want %v", m.Op, m.ID, op)
		}
		if op == can.BCMRxChanged && (len(m.Frames) != 1 || m.Frames[0].Data[0] != b0) {
			t.Fatalf("RX_CHANGED frames %v", m.Frames)
		}
	}
	send(1, 0)
	expect(can.BCMRxChanged, 1)
	send(1, 9) // byte 1 is outside the mask: no event
	send(2, 9)
	expect(can.BCMRxChanged, 2)
	start := time.Now()
	expect(can.BCMRxTimeout, 0)
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("RX_TIMEOUT after %v, want about 200ms", d)
	}
	if err := bcm.Unsubscribe(ctx, 0x222); err != nil {
		t.Fatal(err)
	}
	// ID-only subscription reports every change of any byte.
	if err := bcm.Subscribe(ctx, can.Subscription{ID: 0x222}); err != nil {
		t.Fatal(err)
	}
	send(3, 3)
	expect(can.BCMRxChanged, 3)
	// A cancelled context interrupts ReadEvent.
	cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if err := bcm.ReadEvent(cctx, &m); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReadEvent with expired ctx: %v", err)
	}
}

func isotpPair(t *testing.T, iface string, ca, cb *can.ISOTPConfig) (*can.ISOTPConn, *can.ISOTPConn) {
	t.Helper()
	a, err := can.DialISOTP(testCtx(t), &can.ISOTPAddr{Interface: iface, TxID: 0x7e0, RxID: 0x7e8}, ca)
	testenv.SkipUnsupported(t, "CAN_ISOTP (modprobe can_isotp)", err)
	t.Cleanup(func() { a.Close() })
	b, err := can.DialISOTP(testCtx(t), &can.ISOTPAddr{Interface: iface, TxID: 0x7e8, RxID: 0x7e0}, cb)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func TestISOTP(t *testing.T) {
	a, b := isotpPair(t, "vcan0", nil, &can.ISOTPConfig{FlowControl: &can.ISOTPFlowControl{BlockSize: 8}})
	for _, n := range []int{1, 7, 8, 100, can.ISOTPMaxLen} {
		msg := pattern(n)
		if _, err := a.Write(msg); err != nil {
			t.Fatalf("write %d: %v", n, err)
		}
		buf := make([]byte, 9000)
		deadline(t, b, 10*time.Second)
		m, err := b.Read(buf)
		if err != nil || !bytes.Equal(buf[:m], msg) {
			t.Fatalf("read %d bytes: %d, %v", n, m, err)
		}
	}
	// Replies the other way.
	if _, err := b.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	deadline(t, a, 5*time.Second)
	if n, err := a.Read(buf); err != nil || string(buf[:n]) != "pong" {
		t.Fatalf("reply %q, %v", buf[:n], err)
	}
	// bufio over messages.
	w := bufio.NewWriter(a)
	w.WriteString("line one\n")
	w.Flush()
	w.WriteString("line two\n")
	w.Flush()
	r := bufio.NewReader(b)
	deadline(t, b, 5*time.Second)
	for _, want := range []string{"line one\n", "line two\n"} {
		if s, err := r.ReadString('\n'); err != nil || s != want {
			t.Fatalf("bufio ReadString = %q, %v; want %q", s, err, want)
		}
	}
	// Bad input: empty and oversized messages.
	if _, err := a.Write(nil); err == nil {
		t.Fatal("empty ISO-TP message written")
	}
	_, err := a.Write(make([]byte, 1<<20))
	var se *can.ISOTPSizeError
	if !errors.As(err, &se) || !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("1 MiB message: %v, want *ISOTPSizeError wrapping EINVAL", err)
	}
	t.Logf("oversized: %v", err)
	// A short read buffer truncates with ErrTruncated.
	a.Write(pattern(50))
	deadline(t, b, 5*time.Second)
	if n, err := b.Read(buf[:10]); n != 10 || !errors.Is(err, anysock.ErrTruncated) {
		t.Fatalf("short read: %d, %v", n, err)
	}
}

func TestISOTPPaddingAndFD(t *testing.T) {
	pad := uint8(0xcc)
	a, b := isotpPair(t, "vcan0", &can.ISOTPConfig{TxPad: &pad}, &can.ISOTPConfig{RxPad: &pad, Flags: can.ISOTPCheckPadLen})
	sniff := dial(t, "vcan0", &can.RawConfig{Filters: []can.Filter{can.MatchID(0x7e0, false)}})
	if _, err := a.Write([]byte("hi")); err != nil {
		t.Fatal(err)
	}
	var f can.Frame
	deadline(t, sniff, 5*time.Second)
	if err := sniff.ReadFrame(&f); err != nil {
		t.Fatal(err)
	}
	want := can.Frame{ID: 0x7e0, Len: 8, Data: [8]byte{0x02, 'h', 'i', 0xcc, 0xcc, 0xcc, 0xcc, 0xcc}}
	if f != want {
		t.Fatalf("padded single frame %v, want %v", &f, &want)
	}
	buf := make([]byte, 10)
	deadline(t, b, 5*time.Second)
	if n, err := b.Read(buf); err != nil || string(buf[:n]) != "hi" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}

	// CAN FD link layer: 64-byte frames.
	ll := &can.ISOTPLinkLayer{MTU: can.FDFrameSize, TxDL: 64}
	fa, err := can.DialISOTP(testCtx(t), &can.ISOTPAddr{Interface: "vcan1", TxID: 0x18da10f1 | can.EFFFlag, RxID: 0x18daf110 | can.EFFFlag}, &can.ISOTPConfig{LinkLayer: ll})
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := can.DialISOTP(testCtx(t), &can.ISOTPAddr{Interface: "vcan1", TxID: 0x18daf110 | can.EFFFlag, RxID: 0x18da10f1 | can.EFFFlag}, &can.ISOTPConfig{LinkLayer: ll})
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	fsniff := dial(t, "vcan1", &can.RawConfig{FD: true})
	msg := pattern(can.ISOTPMaxLen)
	if _, err := fa.Write(msg); err != nil {
		t.Fatal(err)
	}
	rb := make([]byte, 8192)
	deadline(t, fb, 10*time.Second)
	if n, err := fb.Read(rb); err != nil || !bytes.Equal(rb[:n], msg) {
		t.Fatalf("FD ISO-TP read %d, %v", n, err)
	}
	var fd can.FDFrame
	deadline(t, fsniff, 5*time.Second)
	if err := fsniff.ReadFDFrame(&fd); err != nil || fd.Flags&can.FD == 0 || fd.Len != 64 || fd.Flags&can.Extended == 0 {
		t.Fatalf("first frame on the bus %v, %v; want a 64-byte extended FD frame", &fd, err)
	}
	// Link-layer options the kernel refuses come back as errors.
	_, err = can.DialISOTP(testCtx(t), &can.ISOTPAddr{Interface: "vcan1", TxID: 1, RxID: 2}, &can.ISOTPConfig{LinkLayer: &can.ISOTPLinkLayer{MTU: 16, TxDL: 64}})
	if !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("MTU 16 with TxDL 64: %v, want EINVAL", err)
	}
}

func TestJ1939(t *testing.T) {
	ctx := testCtx(t)
	a, err := can.ListenJ1939(ctx, &can.J1939Addr{Interface: "vcan0", Name: can.J1939NoName, PGN: can.J1939NoPGN, Addr: 0x20}, &can.J1939Config{Broadcast: true})
	testenv.SkipUnsupported(t, "CAN_J1939 (modprobe can_j1939)", err)
	defer a.Close()
	b, err := can.ListenJ1939(ctx, &can.J1939Addr{Interface: "vcan0", Name: can.J1939NoName, PGN: can.J1939NoPGN, Addr: 0x30}, &can.J1939Config{Broadcast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if la := a.LocalAddr().(*can.J1939Addr); la.Addr != 0x20 || la.Interface != "vcan0" {
		t.Fatalf("LocalAddr %v", la)
	}
	buf := make([]byte, 2000)
	check := func(want []byte, pgn uint32) {
		t.Helper()
		deadline(t, b, 5*time.Second)
		n, from, err := b.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		src := from.(*can.J1939Addr)
		if !bytes.Equal(buf[:n], want) || src.Addr != 0x20 || src.PGN != pgn {
			t.Fatalf("got %d bytes from %v, want %d from 20 PGN %#x", n, src, len(want), pgn)
		}
	}
	// Destination-specific (PDU1) PGN to address 0x30.
	if _, err := a.WriteTo([]byte{1, 2, 3}, &can.J1939Addr{PGN: 0xef00, Addr: 0x30}); err != nil {
		t.Fatal(err)
	}
	check([]byte{1, 2, 3}, 0xef00)
	// Broadcast (PDU2) PGN.
	if _, err := a.WriteTo([]byte{4, 5}, &can.J1939Addr{PGN: 0xfef1, Addr: can.J1939NoAddr}); err != nil {
		t.Fatal(err)
	}
	check([]byte{4, 5}, 0xfef1)
	// Transport protocol: 1000 bytes to one address.
	big := pattern(1000)
	if _, err := a.WriteTo(big, &can.J1939Addr{PGN: 0xef00, Addr: 0x30}); err != nil {
		t.Fatal(err)
	}
	check(big, 0xef00)
	// Broadcast needs SO_BROADCAST.
	c, err := can.ListenJ1939(ctx, &can.J1939Addr{Interface: "vcan0", Name: can.J1939NoName, PGN: can.J1939NoPGN, Addr: 0x40}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.WriteTo([]byte{1}, &can.J1939Addr{PGN: 0xfef1, Addr: can.J1939NoAddr}); !errors.Is(err, syscall.EACCES) {
		t.Fatalf("broadcast without SO_BROADCAST: %v, want EACCES", err)
	}
	// J1939 needs an interface.
	if _, err := can.ListenJ1939(ctx, can.NewJ1939Addr(""), nil); err == nil {
		t.Fatal("J1939 on all interfaces accepted")
	}
}

func TestJ1939AddressClaim(t *testing.T) {
	ctx := testCtx(t)
	// A node with a lower (higher-priority) NAME holds 0x80 and defends it.
	const strong, weak = 0x0000000000000010, 0x00000000000000f0
	holder, sa, err := can.ClaimAddress(ctx, "vcan1", can.AddressClaim{Name: strong, Addresses: []uint8{0x80}}, nil)
	testenv.SkipUnsupported(t, "CAN_J1939 (modprobe can_j1939)", err)
	defer holder.Close()
	if sa != 0x80 {
		t.Fatalf("claimed %#x, want 0x80", sa)
	}
	defended := make(chan error, 1)
	go func() {
		// Answer contending claims the way a J1939 node must.
		buf := make([]byte, 8)
		holder.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			n, from, err := holder.ReadFrom(buf)
			if err != nil {
				defended <- err
				return
			}
			if src := from.(*can.J1939Addr); src.PGN == can.J1939PGNAddressClaimed && n == 8 && src.Addr == 0x80 && buf[0] != strong {
				_, err := holder.WriteTo([]byte{strong, 0, 0, 0, 0, 0, 0, 0}, &can.J1939Addr{PGN: can.J1939PGNAddressClaimed, Addr: can.J1939NoAddr})
				defended <- err
				return
			}
		}
	}()
	c, sa, err := can.ClaimAddress(ctx, "vcan1", can.AddressClaim{Name: weak, Addresses: []uint8{0x80, 0x81}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if sa != 0x81 {
		t.Fatalf("weak NAME claimed %#x, want 0x81 after losing 0x80", sa)
	}
	if err := <-defended; err != nil {
		t.Fatal(err)
	}
	// Sending from the claimed address works (bound to the NAME).
	r, err := can.ListenJ1939(ctx, &can.J1939Addr{Interface: "vcan1", Name: can.J1939NoName, PGN: can.J1939NoPGN, Addr: 0x90}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := c.WriteTo([]byte{9}, &can.J1939Addr{PGN: 0xef00, Addr: 0x90}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	deadline(t, r, 5*time.Second)
	n, from, err := r.ReadFrom(buf)
	if err != nil || n != 1 || from.(*can.J1939Addr).Addr != 0x81 || from.(*can.J1939Addr).Name != weak {
		t.Fatalf("from claimed address: %d %v %v", n, from, err)
	}
}

// TestBCMFD sends a CAN FD frame through the broadcast manager (TX_SEND
// with CAN_FD_FRAME) and reads it on a raw FD socket.
func TestBCMFD(t *testing.T) {
	bcm := dialBCM(t, "vcan0")
	r := dial(t, "vcan0", &can.RawConfig{FD: true, Filters: []can.Filter{can.MatchID(0x333, false)}})
	var f can.FDFrame
	f.ID, f.Flags = 0x333, can.BRS
	f.SetPayload(pattern(32))
	if err := bcm.Send(testCtx(t), &can.BCMMessage{Op: can.BCMTxSend, Flags: can.BCMFDFrame, ID: 0x333, FDFrames: []can.FDFrame{f}}); err != nil {
		t.Fatal(err)
	}
	var got can.FDFrame
	deadline(t, r, 5*time.Second)
	if err := r.ReadFDFrame(&got); err != nil || got != f {
		t.Fatalf("got %v, %v; want %v", &got, err, &f)
	}
}
