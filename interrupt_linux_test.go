package anysock_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/unix"
)

// interruptLimit is how quickly a deadline, Close or cancellation must
// unblock a call (issue requirement).
const interruptLimit = 10 * time.Millisecond

// blocker starts a call that blocks and returns its result on a channel.
type blocker struct {
	name    string
	network string
	// start sets up an object and returns: the blocking call, a way to
	// close the object, a way to set its deadline, and a cleanup.
	start func(t *testing.T, ctx context.Context) (call func() error, closeFn func(), setDeadline func(time.Time), cleanup func())
}

func blockers() []blocker {
	return []blocker{
		{"Read", "unix", func(t *testing.T, ctx context.Context) (func() error, func(), func(time.Time), func()) {
			a, b := pair(t, "unix")
			return func() error { _, err := a.ReadContext(ctx, make([]byte, 10)); return err },
				func() { a.Close() }, func(d time.Time) { a.SetReadDeadline(d) }, func() { a.Close(); b.Close() }
		}},
		{"ReadSeqpacket", "unixpacket", func(t *testing.T, ctx context.Context) (func() error, func(), func(time.Time), func()) {
			a, b := pair(t, "unixpacket")
			return func() error { _, err := a.ReadContext(ctx, make([]byte, 10)); return err },
				func() { a.Close() }, func(d time.Time) { a.SetReadDeadline(d) }, func() { a.Close(); b.Close() }
		}},
		{"Write", "unix", func(t *testing.T, ctx context.Context) (func() error, func(), func(time.Time), func()) {
			a, b := pair(t, "unix")
			a.SetWriteBuffer(4096)
			big := make([]byte, 8<<20) // far more than the socket buffers hold
			return func() error { _, err := a.WriteContext(ctx, big); return err },
				func() { a.Close() }, func(d time.Time) { a.SetWriteDeadline(d) }, func() { a.Close(); b.Close() }
		}},
		{"Accept", "unix", func(t *testing.T, ctx context.Context) (func() error, func(), func(time.Time), func()) {
			ln, err := unix.Listen(ctx, "unix", &unix.Addr{Name: abstractName(t), Net: "unix"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return func() error { _, err := ln.AcceptContext(ctx); return err },
				func() { ln.Close() }, func(d time.Time) { ln.SetDeadline(d) }, func() { ln.Close() }
		}},
		{"ReadFrom", "unixgram", func(t *testing.T, ctx context.Context) (func() error, func(), func(time.Time), func()) {
			pc, err := unix.ListenPacket(ctx, "unixgram", &unix.Addr{Name: abstractName(t), Net: "unixgram"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return func() error { _, _, err := pc.ReadFromContext(ctx, make([]byte, 10)); return err },
				func() { pc.Close() }, func(d time.Time) { pc.SetReadDeadline(d) }, func() { pc.Close() }
		}},
	}
}

func pair(t testing.TB, network string) (*anysock.Conn, *anysock.Conn) {
	t.Helper()
	a, b, err := unix.Pair(network)
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// measure runs call in a goroutine, lets it block, triggers it, and returns
// the error and how long after the trigger the call returned. A trigger at
// a fixed time (deadline) is given as at.
func measure(t *testing.T, call func() error, trigger func(), at time.Time) (error, time.Duration) {
	done := make(chan error, 1)
	var returned time.Time
	go func() {
		err := call()
		returned = time.Now()
		done <- err
	}()
	time.Sleep(30 * time.Millisecond) // let it block
	select {
	case err := <-done:
		t.Fatalf("call returned before being interrupted: %v", err)
	default:
	}
	var fired time.Time
	if trigger != nil {
		fired = time.Now()
		trigger()
	} else {
		fired = at
	}
	select {
	case err := <-done:
		return err, returned.Sub(fired)
	case <-time.After(5 * time.Second):
		t.Fatal("call not interrupted after 5s")
		return nil, 0
	}
}

func TestInterrupt(t *testing.T) {
	causes := []struct {
		name string
		want error
	}{
		{"deadline", os.ErrDeadlineExceeded},
		{"close", net.ErrClosed},
		{"cancel", context.Canceled},
	}
	for _, b := range blockers() {
		for _, cause := range causes {
			t.Run(b.name+"/"+cause.name, func(t *testing.T) {
				// Scheduling noise on a loaded 2-core machine can exceed
				// the limit once; three tries must not all exceed it.
				var worst []time.Duration
				for try := 0; try < 3; try++ {
					ctx, cancel := context.WithCancel(context.Background())
					call, closeFn, setDeadline, cleanup := b.start(t, ctx)
					var err error
					var took time.Duration
					switch cause.name {
					case "deadline":
						d := time.Now().Add(60 * time.Millisecond)
						setDeadline(d)
						err, took = measure(t, call, nil, d)
					case "close":
						err, took = measure(t, call, closeFn, time.Time{})
					case "cancel":
						err, took = measure(t, call, cancel, time.Time{})
					}
					cancel()
					cleanup()
					checkOpError(t, err, b.network, cause.want)
					if took <= interruptLimit {
						t.Logf("interrupted after %v", took)
						return
					}
					worst = append(worst, took)
				}
				t.Fatalf("interrupt took longer than %v in 3 tries: %v", interruptLimit, worst)
			})
		}
	}
}

// checkOpError asserts err is a *net.OpError for network matching want.
func checkOpError(t testing.TB, err error, network string, want error) {
	t.Helper()
	var oe *net.OpError
	if !errors.As(err, &oe) {
		t.Fatalf("error %v (%T) is not a *net.OpError", err, err)
	}
	if oe.Net != network {
		t.Errorf("OpError.Net = %q, want %q (%v)", oe.Net, network, err)
	}
	if !errors.Is(err, want) {
		t.Errorf("error %v does not match %v", err, want)
	}
}

func TestCancelledCallLeavesConnUsable(t *testing.T) {
	for _, network := range []string{"unix", "unixpacket", "unixgram"} {
		t.Run(network, func(t *testing.T) {
			a, b := pair(t, network)
			defer a.Close()
			defer b.Close()
			ctx, cancel := context.WithCancel(context.Background())
			go func() { time.Sleep(20 * time.Millisecond); cancel() }()
			_, err := a.ReadContext(ctx, make([]byte, 8))
			checkOpError(t, err, network, context.Canceled)
			// A plain read and a read with a fresh context both work.
			for i, read := range []func([]byte) (int, error){
				a.Read,
				func(p []byte) (int, error) { return a.ReadContext(context.Background(), p) },
				func(p []byte) (int, error) {
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					defer cancel()
					return a.ReadContext(ctx, p)
				},
			} {
				msg := fmt.Sprintf("msg%d", i)
				if _, err := b.Write([]byte(msg)); err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 8)
				n, err := read(buf)
				if err != nil || string(buf[:n]) != msg {
					t.Fatalf("read %d after cancel = %q, %v; want %q", i, buf[:n], err, msg)
				}
			}
			// The user's deadline survives a cancellation.
			a.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			ctx2, cancel2 := context.WithCancel(context.Background())
			cancel2()
			if _, err := a.ReadContext(ctx2, make([]byte, 8)); !errors.Is(err, context.Canceled) {
				t.Fatalf("read with cancelled ctx: %v", err)
			}
			start := time.Now()
			_, err = a.Read(make([]byte, 8))
			if !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) > 2*time.Second {
				t.Fatalf("deadline after cancel: %v after %v", err, time.Since(start))
			}
		})
	}
}

// A cancellation wakes every reader parked in the poller; readers whose own
// context is fine must not see an error.
func TestCancelDoesNotDisturbOtherReaders(t *testing.T) {
	a, b := pair(t, "unixpacket")
	defer a.Close()
	defer b.Close()
	plain := make(chan error, 1)
	var got string
	go func() {
		buf := make([]byte, 16)
		n, err := a.Read(buf)
		got = string(buf[:n])
		plain <- err
	}()
	time.Sleep(20 * time.Millisecond)
	for i := 0; i < 5; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		_, err := a.ReadContext(ctx, make([]byte, 16))
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("ReadContext with expiring ctx: %v", err)
		}
	}
	select {
	case err := <-plain:
		t.Fatalf("plain Read returned early: %v", err)
	default:
	}
	b.Write([]byte("late"))
	if err := <-plain; err != nil || got != "late" {
		t.Fatalf("plain Read = %q, %v", got, err)
	}
}

func TestZeroLengthDatagram(t *testing.T) {
	t.Run("unixgram-conn", func(t *testing.T) {
		a, b := pair(t, "unixgram")
		defer a.Close()
		defer b.Close()
		if n, err := a.Write(nil); n != 0 || err != nil {
			t.Fatalf("Write(nil) = %d, %v", n, err)
		}
		a.Write([]byte("after"))
		n, err := b.Read(make([]byte, 8))
		if n != 0 || err != nil {
			t.Fatalf("Read of empty datagram = %d, %v; want 0, nil", n, err)
		}
		buf := make([]byte, 8)
		n, err = b.Read(buf)
		if err != nil || string(buf[:n]) != "after" {
			t.Fatalf("next Read = %q, %v", buf[:n], err)
		}
	})
	t.Run("unixgram-packetconn", func(t *testing.T) {
		ctx := context.Background()
		name := abstractName(t)
		pc, err := unix.ListenPacket(ctx, "unixgram", &unix.Addr{Name: name, Net: "unixgram"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		snd, err := unix.ListenPacket(ctx, "unixgram", &unix.Addr{Net: "unixgram"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer snd.Close()
		if _, err := snd.WriteTo(nil, pc.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		n, from, err := pc.ReadFrom(make([]byte, 8))
		if n != 0 || err != nil || from == nil || from.String() != snd.LocalAddr().String() {
			t.Fatalf("ReadFrom = %d, %v, %v; want 0 from %v", n, from, err, snd.LocalAddr())
		}
	})
	t.Run("stream-eof", func(t *testing.T) {
		a, b := pair(t, "unix")
		defer b.Close()
		a.Close()
		if n, err := b.Read(make([]byte, 8)); n != 0 || err != io.EOF {
			t.Fatalf("stream Read after peer close = %d, %v; want io.EOF", n, err)
		}
	})
}

func TestTruncatedDatagram(t *testing.T) {
	a, b := pair(t, "unixgram")
	defer a.Close()
	defer b.Close()
	a.Write([]byte("0123456789"))
	buf := make([]byte, 4)
	n, err := b.Read(buf)
	if n != 4 || string(buf) != "0123" || !errors.Is(err, anysock.ErrTruncated) {
		t.Fatalf("Read = %d %q, %v; want 4 bytes and ErrTruncated", n, buf[:n], err)
	}
	// With MSG_PEEK|MSG_TRUNC the full length is learnt first.
	a.Write([]byte("0123456789abc"))
	n, _, _, err = b.ReadMsgContext(context.Background(), buf, nil, msgPeek|msgTrunc)
	if n != 13 || err != nil {
		t.Fatalf("peek = %d, %v; want 13, nil", n, err)
	}
	full := make([]byte, n)
	if n, err := b.Read(full); n != 13 || err != nil {
		t.Fatalf("Read after peek = %d, %v", n, err)
	}
}

func TestClosedErrors(t *testing.T) {
	a, b := pair(t, "unix")
	b.Close()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	checkOpError(t, a.Close(), "unix", net.ErrClosed)
	_, err := a.Read(make([]byte, 1))
	checkOpError(t, err, "unix", net.ErrClosed)
	_, err = a.Write([]byte("x"))
	checkOpError(t, err, "unix", net.ErrClosed)
	_, _, err = a.WriteMsg([]byte("x"), nil)
	checkOpError(t, err, "unix", net.ErrClosed)
	if _, err := a.SyscallConn(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("SyscallConn after Close: %v", err)
	}
	// Methods on nil values return errors, not panics.
	var nc *anysock.Conn
	if _, err := nc.Read(nil); err == nil {
		t.Fatal("nil Conn Read succeeded")
	}
	var nl *anysock.Listener
	if err := nl.Close(); err == nil {
		t.Fatal("nil Listener Close succeeded")
	}
	var np *anysock.PacketConn
	if _, _, err := np.ReadFrom(nil); err == nil {
		t.Fatal("nil PacketConn ReadFrom succeeded")
	}
}

func TestSyscallErrorsWrapped(t *testing.T) {
	_, err := unix.Dial(context.Background(), "unix", nil, &unix.Addr{Name: "/nonexistent/anysock.sock", Net: "unix"}, nil)
	var se *os.SyscallError
	if !errors.As(err, &se) || !errors.Is(err, errENOENT) {
		t.Fatalf("dial to missing path: %v (want *os.SyscallError wrapping ENOENT)", err)
	}
	checkOpError(t, err, "unix", errENOENT)
	_, err = unix.Dial(context.Background(), "unix", nil, &unix.Addr{Name: "@anysock-nobody-listens", Net: "unix"}, nil)
	checkOpError(t, err, "unix", errECONNREFUSED)
}

func TestUnsupportedFamilyNamesModule(t *testing.T) {
	p := anysock.Proto{Network: "can", Codec: fakeCodec(29), Type: 3, Protocol: 1, Modules: []string{"can", "can_raw"}}
	_, err := p.ListenPacket(context.Background(), nil, nil)
	if err == nil {
		t.Skip("this kernel has AF_CAN")
	}
	if !errors.Is(err, anysock.ErrFamilyNotSupported) || !errors.Is(err, errEAFNOSUPPORT) {
		t.Fatalf("error %v does not match ErrFamilyNotSupported and EAFNOSUPPORT", err)
	}
	for _, want := range []string{"can_raw", `"can"`} {
		if !containsStr(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// MSG_DONTWAIT turns a call that would wait into an immediate EAGAIN
// (Python's non-blocking mode builds on this), and data already queued is
// still read.
func TestDontWait(t *testing.T) {
	a, b := pair(t, "unixpacket")
	defer a.Close()
	defer b.Close()
	ctx := context.Background()
	buf := make([]byte, 16)
	start := time.Now()
	_, _, _, err := a.ReadMsgContext(ctx, buf, nil, msgDontWait)
	if !errors.Is(err, errEAGAIN) || time.Since(start) > time.Second {
		t.Fatalf("empty MSG_DONTWAIT read: %v after %v", err, time.Since(start))
	}
	b.Write([]byte("queued"))
	n, _, _, err := a.ReadMsgContext(ctx, buf, nil, msgDontWait)
	if err != nil || string(buf[:n]) != "queued" {
		t.Fatalf("MSG_DONTWAIT read of queued data = %q, %v", buf[:n], err)
	}
	// Fill the peer's buffer, then a MSG_DONTWAIT write fails at once.
	a.SetWriteBuffer(4096)
	for i := 0; i < 10000; i++ {
		if _, _, err = a.WriteMsgContext(ctx, make([]byte, 1024), nil, msgDontWait); err != nil {
			break
		}
	}
	if !errors.Is(err, errEAGAIN) {
		t.Fatalf("MSG_DONTWAIT write to a full socket: %v", err)
	}
}
