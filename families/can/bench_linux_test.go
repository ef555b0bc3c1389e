package can_test

import (
	"bufio"
	"context"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
)

// Receive benchmarks: frames are queued in the receiver's socket while it
// does not read (untimed), then the timer runs while it drains them. This
// measures the receiver alone; in the TCG guest the send path is several
// times slower than the receive path, so a writer flooding the bus would
// be the bottleneck for every receiver. One op is one frame. The guest's
// TestMain raises net.core.rmem_default so that a chunk fits.

// chunk is how many frames are queued per round.
const chunk = 8192

// batch is how many frames WriteFrames sends, and ReadFrames asks for, per
// system call.
const batch = 64

func benchFrames(id uint32) []can.Frame {
	fs := make([]can.Frame, batch)
	for i := range fs {
		fs[i] = can.Frame{ID: id, Len: 8, Data: [8]byte{byte(i)}}
	}
	return fs
}

// fill writes n frames with ID 0x200 (untimed by the caller). Locally
// sent frames reach the receiving sockets through the per-CPU backlog,
// which ksoftirqd may process later; the pause lets that finish so the
// timed drain measures only the receiver.
func fill(b *testing.B, w *can.RawConn, fs []can.Frame, n int) {
	for n > 0 {
		m, err := w.WriteFrames(nil, fs[:min(n, len(fs))])
		if err != nil {
			b.Fatalf("WriteFrames: %v", err)
		}
		n -= m
	}
	time.Sleep(settle)
}

// settle is the pause after queueing frames.
const settle = 200 * time.Millisecond

func perFrame(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// drainBench runs read(n) on rounds of up to chunk queued frames.
func drainBench(b *testing.B, read func(n int)) {
	w := dial(b, "vcan0", nil)
	fs := benchFrames(0x200)
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(chunk, b.N-done)
		b.StopTimer()
		fill(b, w, fs, n)
		b.StartTimer()
		read(n)
		done += n
	}
	b.StopTimer()
	perFrame(b)
}

var only200 = &can.RawConfig{Filters: []can.Filter{can.MatchID(0x200, false)}}

// BenchmarkReadFrame: one classic frame per system call (recvmsg).
func BenchmarkReadFrame(b *testing.B) {
	r := dial(b, "vcan0", only200)
	var f can.Frame
	drainBench(b, func(n int) {
		for i := 0; i < n; i++ {
			if err := r.ReadFrame(&f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReadFrames: up to 64 classic frames per system call (recvmmsg).
func BenchmarkReadFrames(b *testing.B) {
	r := dial(b, "vcan0", only200)
	in := make([]can.Frame, batch)
	drainBench(b, func(n int) {
		for got := 0; got < n; {
			m, err := r.ReadFrames(nil, in[:min(batch, n-got)])
			if err != nil {
				b.Fatal(err)
			}
			got += m
		}
	})
}

// BenchmarkReadFDFrame: one frame per call into an FDFrame on an FD socket.
func BenchmarkReadFDFrame(b *testing.B) {
	r := dial(b, "vcan0", &can.RawConfig{FD: true, Filters: only200.Filters})
	var f can.FDFrame
	drainBench(b, func(n int) {
		for i := 0; i < n; i++ {
			if err := r.ReadFDFrame(&f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCandump: can-utils' candump receiving the same frames, printing
// one line per frame to a pipe (its ordinary use; the lines are counted
// and discarded). candump is stopped (SIGSTOP) while the frames are
// queued and continued with the timer running; it exits after the chunk.
func BenchmarkCandump(b *testing.B) {
	path := testenv.LookPeer(b, "candump")
	w := dial(b, "vcan0", nil) // skips where the kernel lacks CAN
	fs := benchFrames(0x200)
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(chunk, b.N-done)
		b.StopTimer()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, path, "-n", strconv.Itoa(n), "vcan0,200:7FF")
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		lines := make(chan int, 1)
		go func() {
			s := bufio.NewScanner(out)
			c := 0
			for s.Scan() {
				c++
			}
			lines <- c
		}()
		time.Sleep(500 * time.Millisecond) // let it bind
		cmd.Process.Signal(syscall.SIGSTOP)
		fill(b, w, fs, n)
		b.StartTimer()
		cmd.Process.Signal(syscall.SIGCONT)
		got := <-lines
		err = cmd.Wait()
		b.StopTimer()
		cancel()
		if err != nil || got != n {
			b.Fatalf("candump printed %d of %d frames: %v", got, n, err)
		}
		done += n
	}
	perFrame(b)
}

// BenchmarkWriteFrame and BenchmarkWriteFrames: send cost per frame, with
// no other socket receiving the frames.
func BenchmarkWriteFrame(b *testing.B) {
	w := dial(b, "vcan1", &can.RawConfig{NoLoopback: true})
	f := can.Frame{ID: 0x101, Len: 8}
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WriteFrame(&f); err != nil {
			b.Fatal(err)
		}
	}
	perFrame(b)
}

func BenchmarkWriteFrames(b *testing.B) {
	w := dial(b, "vcan1", &can.RawConfig{NoLoopback: true})
	fs := benchFrames(0x101)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		if _, err := w.WriteFrames(nil, fs); err != nil {
			b.Fatal(err)
		}
	}
	perFrame(b)
}
