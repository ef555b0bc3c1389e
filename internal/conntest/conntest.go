package conntest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/anysock/anysock"
)

// MakePacketPair returns two open datagram sockets that can send to each
// other with WriteTo(b, other.LocalAddr()). The suite closes them.
type MakePacketPair func(t *testing.T) (a, b *anysock.PacketConn)

// MakeConnPair returns the two ends of a sequenced-packet connection. The
// suite closes them.
type MakeConnPair func(t *testing.T) (a, b *anysock.Conn)

// waitLimit bounds how long any blocked call may take to be interrupted
// before the suite calls it hung (generous: the VM is emulated).
const waitLimit = 5 * time.Second

// PacketOptions describes what a family's datagram sockets do differently.
// A nil *PacketOptions means none of these.
type PacketOptions struct {
	// NoZeroLength: the family rejects zero-length datagrams (netlink does,
	// with ENODATA). The suite then checks that WriteTo(nil) fails with a
	// *net.OpError instead of checking that the datagram arrives.
	NoZeroLength bool
}

// TestPacketConn runs the datagram suite over pairs from mk.
func TestPacketConn(t *testing.T, mk MakePacketPair, opts *PacketOptions) {
	if opts == nil {
		opts = &PacketOptions{}
	}
	run := func(name string, f func(t *testing.T, a, b *anysock.PacketConn)) {
		t.Run(name, func(t *testing.T) {
			a, b := mk(t)
			defer a.Close()
			defer b.Close()
			f(t, a, b)
		})
	}
	run("RoundTrip", testPacketRoundTrip)
	if opts.NoZeroLength {
		run("ZeroLengthRejected", func(t *testing.T, a, b *anysock.PacketConn) {
			_, err := a.WriteTo(nil, b.LocalAddr())
			if err == nil {
				t.Fatal("WriteTo(nil) succeeded on a family said to reject zero-length datagrams")
			}
			checkOpError(t, err, a.LocalAddr().Network())
		})
	} else {
		run("ZeroLength", testPacketZeroLength)
	}
	run("Truncation", testPacketTruncation)
	run("Deadline", testPacketDeadline)
	run("CloseInterrupts", testPacketClose)
	run("ContextCancel", testPacketCancel)
	run("Batch", testPacketBatch)
	run("Concurrent", testPacketConcurrent)
}

func testPacketRoundTrip(t *testing.T, a, b *anysock.PacketConn) {
	for i, msg := range [][]byte{[]byte("first"), bytes.Repeat([]byte{0xa5}, 300), []byte("x")} {
		if n, err := a.WriteTo(msg, b.LocalAddr()); err != nil || n != len(msg) {
			t.Fatalf("WriteTo %d = %d, %v", i, n, err)
		}
		buf := make([]byte, 512)
		b.SetReadDeadline(time.Now().Add(waitLimit))
		n, from, err := b.ReadFrom(buf)
		if err != nil || !bytes.Equal(buf[:n], msg) {
			t.Fatalf("ReadFrom %d = %q, %v; want %q", i, buf[:n], err, msg)
		}
		if from == nil || from.Network() != a.LocalAddr().Network() {
			t.Fatalf("ReadFrom %d: sender %v (%T), want an address of network %q", i, from, from, a.LocalAddr().Network())
		}
		// The sender's address reaches it back.
		if _, err := b.WriteTo([]byte("reply"), from); err != nil {
			t.Fatalf("reply to %v: %v", from, err)
		}
		a.SetReadDeadline(time.Now().Add(waitLimit))
		if n, _, err := a.ReadFrom(buf); err != nil || string(buf[:n]) != "reply" {
			t.Fatalf("reply = %q, %v", buf[:n], err)
		}
	}
}

func testPacketZeroLength(t *testing.T, a, b *anysock.PacketConn) {
	if n, err := a.WriteTo(nil, b.LocalAddr()); n != 0 || err != nil {
		t.Fatalf("WriteTo(nil) = %d, %v", n, err)
	}
	a.WriteTo([]byte("after"), b.LocalAddr())
	b.SetReadDeadline(time.Now().Add(waitLimit))
	buf := make([]byte, 16)
	n, from, err := b.ReadFrom(buf)
	if n != 0 || err != nil || from == nil {
		t.Fatalf("zero-length datagram read as %d, %v, %v; want 0, sender, nil", n, from, err)
	}
	if n, _, err := b.ReadFrom(buf); err != nil || string(buf[:n]) != "after" {
		t.Fatalf("next datagram = %q, %v", buf[:n], err)
	}
}

func testPacketTruncation(t *testing.T, a, b *anysock.PacketConn) {
	msg := []byte("0123456789abcdef")
	a.WriteTo(msg, b.LocalAddr())
	b.SetReadDeadline(time.Now().Add(waitLimit))
	buf := make([]byte, 4)
	n, _, err := b.ReadFrom(buf)
	if n != 4 || !bytes.Equal(buf, msg[:4]) || !errors.Is(err, anysock.ErrTruncated) {
		t.Fatalf("ReadFrom into 4 bytes = %d %q, %v; want 4 bytes and ErrTruncated", n, buf[:n], err)
	}
	checkOpError(t, err, b.LocalAddr().Network())
}

func testPacketDeadline(t *testing.T, _, b *anysock.PacketConn) {
	b.SetReadDeadline(time.Now().Add(-time.Second))
	_, _, err := b.ReadFrom(make([]byte, 8))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("past deadline: %v", err)
	}
	checkOpError(t, err, b.LocalAddr().Network())
	start := time.Now()
	b.SetReadDeadline(start.Add(50 * time.Millisecond))
	_, _, err = b.ReadFrom(make([]byte, 8))
	if !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) > waitLimit {
		t.Fatalf("future deadline: %v after %v", err, time.Since(start))
	}
}

func testPacketClose(t *testing.T, _, b *anysock.PacketConn) {
	errc := make(chan error, 1)
	go func() {
		_, _, err := b.ReadFrom(make([]byte, 8))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	b.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("ReadFrom after Close: %v, want net.ErrClosed", err)
		}
		checkOpError(t, err, b.LocalAddr().Network())
	case <-time.After(waitLimit):
		t.Fatal("Close did not interrupt ReadFrom")
	}
	if _, err := b.WriteTo([]byte("x"), b.LocalAddr()); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("WriteTo after Close: %v", err)
	}
}

func testPacketCancel(t *testing.T, a, b *anysock.PacketConn) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := b.ReadFromContext(ctx, make([]byte, 8))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled ReadFromContext: %v", err)
		}
		checkOpError(t, err, b.LocalAddr().Network())
	case <-time.After(waitLimit):
		t.Fatal("cancel did not interrupt ReadFromContext")
	}
	// Still usable, with no deadline left behind.
	a.WriteTo([]byte("again"), b.LocalAddr())
	buf := make([]byte, 8)
	n, _, err := b.ReadFromContext(context.Background(), buf)
	if err != nil || string(buf[:n]) != "again" {
		t.Fatalf("read after cancel = %q, %v", buf[:n], err)
	}
}

func testPacketBatch(t *testing.T, a, b *anysock.PacketConn) {
	const n = 8 // within every family's smallest receive queue
	out := make([]anysock.Message, n)
	for i := range out {
		out[i].Buffers = [][]byte{[]byte(fmt.Sprintf("batch-%d", i))}
		out[i].Addr = b.LocalAddr()
	}
	if k, err := a.WriteBatch(out, 0); k != n || err != nil {
		t.Fatalf("WriteBatch = %d, %v", k, err)
	}
	in := make([]anysock.Message, n)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, 32)}
	}
	b.SetReadDeadline(time.Now().Add(waitLimit))
	for got := 0; got < n; {
		k, err := b.ReadBatch(in[got:], 0)
		if err != nil {
			t.Fatalf("ReadBatch after %d: %v", got, err)
		}
		for i := got; i < got+k; i++ {
			if s := string(in[i].Buffers[0][:in[i].N]); s != fmt.Sprintf("batch-%d", i) {
				t.Fatalf("datagram %d = %q", i, s)
			}
			if in[i].Addr == nil {
				t.Fatalf("datagram %d has no sender address", i)
			}
		}
		got += k
	}
}

func testPacketConcurrent(t *testing.T, a, b *anysock.PacketConn) {
	const writers, each = 4, 25
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Go(func() {
			for i := 0; i < each; i++ {
				a.WriteToContext(context.Background(), []byte(fmt.Sprintf("%d-%d", w, i)), b.LocalAddr())
			}
		})
	}
	seen := map[string]bool{}
	var mu sync.Mutex
	var rg sync.WaitGroup
	b.SetReadDeadline(time.Now().Add(waitLimit))
	for r := 0; r < 2; r++ {
		rg.Go(func() {
			buf := make([]byte, 32)
			for {
				n, _, err := b.ReadFrom(buf)
				if err != nil {
					return
				}
				mu.Lock()
				seen[string(buf[:n])] = true
				done := len(seen) == writers*each
				mu.Unlock()
				if done {
					b.SetReadDeadline(time.Now()) // release the other reader
					return
				}
			}
		})
	}
	wg.Wait()
	rg.Wait()
	if len(seen) != writers*each {
		t.Fatalf("received %d distinct datagrams of %d", len(seen), writers*each)
	}
}

// TestSeqpacket runs the sequenced-packet suite over pairs from mk.
func TestSeqpacket(t *testing.T, mk MakeConnPair) {
	run := func(name string, f func(t *testing.T, a, b *anysock.Conn)) {
		t.Run(name, func(t *testing.T) {
			a, b := mk(t)
			defer a.Close()
			defer b.Close()
			f(t, a, b)
		})
	}
	run("Boundaries", testSeqBoundaries)
	run("Truncation", testSeqTruncation)
	run("EOF", testSeqEOF)
	run("CloseWrite", testSeqCloseWrite)
}

// Each Write is one Read, whatever the sizes.
func testSeqBoundaries(t *testing.T, a, b *anysock.Conn) {
	msgs := [][]byte{[]byte("a"), bytes.Repeat([]byte("b"), 200), []byte("cc"), bytes.Repeat([]byte("d"), 1000)}
	for _, m := range msgs {
		if _, err := a.Write(m); err != nil {
			t.Fatal(err)
		}
	}
	b.SetReadDeadline(time.Now().Add(waitLimit))
	buf := make([]byte, 2048)
	for i, m := range msgs {
		n, err := b.Read(buf)
		if err != nil || !bytes.Equal(buf[:n], m) {
			t.Fatalf("message %d: read %d bytes, %v; want %d bytes", i, n, err, len(m))
		}
	}
}

func testSeqTruncation(t *testing.T, a, b *anysock.Conn) {
	a.Write([]byte("0123456789"))
	a.Write([]byte("next"))
	b.SetReadDeadline(time.Now().Add(waitLimit))
	buf := make([]byte, 4)
	n, err := b.Read(buf)
	if n != 4 || !errors.Is(err, anysock.ErrTruncated) {
		t.Fatalf("short read = %d, %v; want 4 and ErrTruncated", n, err)
	}
	checkOpError(t, err, b.LocalAddr().Network())
	// The rest of the truncated record is gone; the next record is whole.
	n, err = b.Read(buf)
	if err != nil || string(buf[:n]) != "next" {
		t.Fatalf("record after truncation = %q, %v", buf[:n], err)
	}
}

func testSeqEOF(t *testing.T, a, b *anysock.Conn) {
	a.Write([]byte("last"))
	a.Close()
	b.SetReadDeadline(time.Now().Add(waitLimit))
	buf := make([]byte, 8)
	if n, err := b.Read(buf); err != nil || string(buf[:n]) != "last" {
		t.Fatalf("last record = %q, %v", buf[:n], err)
	}
	if n, err := b.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("read after peer Close = %d, %v; want io.EOF", n, err)
	}
}

func testSeqCloseWrite(t *testing.T, a, b *anysock.Conn) {
	if err := a.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	b.SetReadDeadline(time.Now().Add(waitLimit))
	if _, err := b.Read(make([]byte, 8)); err != io.EOF {
		t.Fatalf("read after CloseWrite = %v, want io.EOF", err)
	}
	// The other direction still works.
	if _, err := b.Write([]byte("back")); err != nil {
		t.Fatal(err)
	}
	a.SetReadDeadline(time.Now().Add(waitLimit))
	buf := make([]byte, 8)
	if n, err := a.Read(buf); err != nil || string(buf[:n]) != "back" {
		t.Fatalf("reverse direction = %q, %v", buf[:n], err)
	}
}

// checkOpError asserts err is a *net.OpError naming network.
func checkOpError(t *testing.T, err error, network string) {
	t.Helper()
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Net != network {
		t.Fatalf("error %v (%T) is not a *net.OpError for %q", err, err, network)
	}
}
