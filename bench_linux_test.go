package anysock_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"
	"time"
	"unsafe"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/unix"
	"github.com/mdlayher/socket"
	xunix "golang.org/x/sys/unix"
)

// Benchmarks compare anysock with what a user would pick instead, on the same
// 64-byte SOCK_SEQPACKET socketpair: the standard library's net.UnixConn,
// mdlayher/socket.Conn and raw x/sys system calls. See BENCHMARKS.md.

const benchSize = 64

func seqpacketFDs(b *testing.B, typ int) [2]int {
	fds, err := xunix.Socketpair(xunix.AF_UNIX, typ|xunix.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	return fds
}

func stdlibPair(b *testing.B) (*net.UnixConn, *net.UnixConn) {
	fds := seqpacketFDs(b, xunix.SOCK_SEQPACKET)
	var cs [2]*net.UnixConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "pair")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		cs[i] = c.(*net.UnixConn)
	}
	return cs[0], cs[1]
}

func mdlayherPair(b *testing.B) (*socket.Conn, *socket.Conn) {
	fds := seqpacketFDs(b, xunix.SOCK_SEQPACKET)
	var cs [2]*socket.Conn
	for i, fd := range fds {
		c, err := socket.New(fd, "unixpacket")
		if err != nil {
			b.Fatal(err)
		}
		cs[i] = c
	}
	return cs[0], cs[1]
}

func anysockPair(b *testing.B, network string) (*anysock.Conn, *anysock.Conn) {
	x, y, err := unix.Pair(network)
	if err != nil {
		b.Fatal(err)
	}
	return x, y
}

// pingPong times one write and one read of a 64-byte message per iteration.
// Every row goes through the same two function values, so the comparison
// stays fair.
func pingPong(b *testing.B, write, read func([]byte) (int, error)) {
	wbuf, rbuf := make([]byte, benchSize), make([]byte, benchSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := write(wbuf); err != nil {
			b.Fatal(err)
		}
		if _, err := read(rbuf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadWrite(b *testing.B) {
	b.Run("stdlib", func(b *testing.B) {
		x, y := stdlibPair(b)
		defer x.Close()
		defer y.Close()
		pingPong(b, x.Write, y.Read)
	})
	b.Run("mdlayher-socket", func(b *testing.B) {
		x, y := mdlayherPair(b)
		defer x.Close()
		defer y.Close()
		pingPong(b, x.Write, y.Read)
	})
	b.Run("raw-syscalls", func(b *testing.B) {
		fds := seqpacketFDs(b, xunix.SOCK_SEQPACKET)
		defer xunix.Close(fds[0])
		defer xunix.Close(fds[1])
		pingPong(b,
			func(p []byte) (int, error) { return xunix.Write(fds[0], p) },
			func(p []byte) (int, error) { return xunix.Read(fds[1], p) })
	})
	b.Run("anysock", func(b *testing.B) {
		x, y := anysockPair(b, "unixpacket")
		defer x.Close()
		defer y.Close()
		pingPong(b, x.Write, y.Read)
	})
}

// BenchmarkReadWriteContext uses one cancellable context for every call, as
// a read loop does.
func BenchmarkReadWriteContext(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	withCtx := func(f func(context.Context, []byte) (int, error)) func([]byte) (int, error) {
		return func(p []byte) (int, error) { return f(ctx, p) }
	}
	b.Run("mdlayher-socket", func(b *testing.B) {
		x, y := mdlayherPair(b)
		defer x.Close()
		defer y.Close()
		pingPong(b, withCtx(x.WriteContext), withCtx(y.ReadContext))
	})
	b.Run("anysock", func(b *testing.B) {
		x, y := anysockPair(b, "unixpacket")
		defer x.Close()
		defer y.Close()
		pingPong(b, withCtx(x.WriteContext), withCtx(y.ReadContext))
	})
	// A new context per call pays for one context.AfterFunc registration
	// per call (still no goroutine).
	b.Run("anysock-fresh-ctx", func(b *testing.B) {
		x, y := anysockPair(b, "unixpacket")
		defer x.Close()
		defer y.Close()
		var c context.Context
		var cancelC context.CancelFunc
		pingPong(b,
			func(p []byte) (int, error) {
				c, cancelC = context.WithCancel(ctx)
				return x.WriteContext(c, p)
			},
			func(p []byte) (int, error) {
				n, err := y.ReadContext(c, p)
				cancelC()
				return n, err
			})
	})
}

// BenchmarkReadMsg reads a datagram and its SCM_CREDENTIALS control message.
func BenchmarkReadMsg(b *testing.B) {
	wbuf, rbuf := make([]byte, benchSize), make([]byte, benchSize)
	oob := make([]byte, xunix.CmsgSpace(xunix.SizeofUcred))
	passcred := func(fd int) { xunix.SetsockoptInt(fd, xunix.SOL_SOCKET, xunix.SO_PASSCRED, 1) }
	b.Run("stdlib", func(b *testing.B) {
		x, y := stdlibPair(b)
		defer x.Close()
		defer y.Close()
		rc, _ := y.SyscallConn()
		rc.Control(func(fd uintptr) { passcred(int(fd)) })
		b.ReportAllocs()
		for b.Loop() {
			x.Write(wbuf)
			if _, oobn, _, _, err := y.ReadMsgUnix(rbuf, oob); err != nil || oobn == 0 {
				b.Fatal(err, oobn)
			}
		}
	})
	b.Run("mdlayher-socket", func(b *testing.B) {
		x, y := mdlayherPair(b)
		defer x.Close()
		defer y.Close()
		rc, _ := y.SyscallConn()
		rc.Control(func(fd uintptr) { passcred(int(fd)) })
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			x.Write(wbuf)
			if _, oobn, _, _, err := y.Recvmsg(ctx, rbuf, oob, 0); err != nil || oobn == 0 {
				b.Fatal(err, oobn)
			}
		}
	})
	b.Run("anysock", func(b *testing.B) {
		x, y := anysockPair(b, "unixpacket")
		defer x.Close()
		defer y.Close()
		rc, _ := y.SyscallConn()
		rc.Control(func(fd uintptr) { passcred(int(fd)) })
		b.ReportAllocs()
		for b.Loop() {
			x.Write(wbuf)
			if _, oobn, _, err := y.ReadMsg(rbuf, oob); err != nil || oobn == 0 {
				b.Fatal(err, oobn)
			}
		}
	})
}

// BenchmarkReadBatch reads 64 datagrams of 64 bytes per iteration, with
// recvmmsg (ReadBatch) or with 64 single reads. Each iteration first queues
// the 64 datagrams with one WriteBatch; only the reads are timed for the
// datagrams/s metric (time.Now around them: b.StopTimer would call
// runtime.ReadMemStats, a stop-the-world costlier than the reads). ns/op
// includes the writes.
func BenchmarkReadBatch(b *testing.B) {
	const batch = 64
	out := make([]anysock.Message, batch)
	for i := range out {
		out[i].Buffers = [][]byte{make([]byte, benchSize)}
	}
	in := make([]anysock.Message, batch)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, benchSize)}
	}
	rbuf := make([]byte, benchSize)
	run := func(b *testing.B, read func(y *anysock.Conn) error) {
		x, y := anysockPair(b, "unixgram")
		defer x.Close()
		defer y.Close()
		b.ReportAllocs()
		var reading time.Duration
		for b.Loop() {
			if _, err := x.WriteBatch(out, 0); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := read(y); err != nil {
				b.Fatal(err)
			}
			reading += time.Since(start)
		}
		b.ReportMetric(float64(b.N*batch)/reading.Seconds(), "datagrams/s")
	}
	b.Run("single-reads", func(b *testing.B) {
		run(b, func(y *anysock.Conn) error {
			for i := 0; i < batch; i++ {
				if _, err := y.Read(rbuf); err != nil {
					return err
				}
			}
			return nil
		})
	})
	// The kernel's own ceiling: the same work with raw system calls on a
	// blocking socketpair, no poller.
	rawRun := func(b *testing.B, read func(fd int) error) {
		fds := seqpacketFDs(b, xunix.SOCK_DGRAM)
		defer xunix.Close(fds[0])
		defer xunix.Close(fds[1])
		b.ReportAllocs()
		var reading time.Duration
		for b.Loop() {
			for i := 0; i < batch; i++ {
				if _, err := xunix.Write(fds[0], rbuf); err != nil {
					b.Fatal(err)
				}
			}
			start := time.Now()
			if err := read(fds[1]); err != nil {
				b.Fatal(err)
			}
			reading += time.Since(start)
		}
		b.ReportMetric(float64(b.N*batch)/reading.Seconds(), "datagrams/s")
	}
	b.Run("raw-read", func(b *testing.B) {
		rawRun(b, func(fd int) error {
			for i := 0; i < batch; i++ {
				if _, err := xunix.Read(fd, rbuf); err != nil {
					return err
				}
			}
			return nil
		})
	})
	b.Run("raw-recvmmsg", func(b *testing.B) {
		type mmsghdr struct {
			hdr xunix.Msghdr
			len uint32
		}
		mm := make([]mmsghdr, batch)
		iovs := make([]xunix.Iovec, batch)
		for i := range mm {
			iovs[i].Base = &in[i].Buffers[0][0]
			iovs[i].SetLen(benchSize)
			mm[i].hdr.Iov = &iovs[i]
			mm[i].hdr.SetIovlen(1)
		}
		rawRun(b, func(fd int) error {
			r, _, e := xunix.Syscall6(xunix.SYS_RECVMMSG, uintptr(fd), uintptr(unsafe.Pointer(&mm[0])), batch, 0, 0, 0)
			if e != 0 || r != batch {
				return fmt.Errorf("recvmmsg = %d, %v", r, e)
			}
			return nil
		})
	})
	b.Run("ReadBatch", func(b *testing.B) {
		run(b, func(y *anysock.Conn) error {
			for got := 0; got < batch; {
				n, err := y.ReadBatch(in[got:], 0)
				if err != nil {
					return err
				}
				got += n
			}
			return nil
		})
	})
}
