package can

import (
	"bufio"
	"context"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"go.einride.tech/can/pkg/socketcan"

	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
	"github.com/anysock/anysock/internal/vmtest"
)

// TestMain creates vcan0 in the guest and raises the default socket
// receive buffer, so that every receiver (including candump and einride,
// whose buffers cannot be set here) can queue a chunk of frames.
func TestMain(m *testing.M) {
	vmtest.Main(m,
		vmtest.Modules("can_raw"),
		vmtest.VCAN("vcan0"),
		vmtest.Command("sysctl", "-q", "-w", "net.core.rmem_max=134217728"),
		vmtest.Command("sysctl", "-q", "-w", "net.core.rmem_default=134217728"),
		// Locally sent CAN frames pass through the per-CPU backlog
		// (netif_rx), which drops beyond netdev_max_backlog (1000).
		vmtest.Command("sysctl", "-q", "-w", "net.core.netdev_max_backlog=100000"),
	)
}

// Each receiver drains frames queued while it was not reading: the timer
// runs only while it reads, so the (in the TCG guest, slower) send path is
// not measured. One op is one frame received.
const (
	chunk = 8192 // frames queued per round
	batch = 64   // frames per WriteFrames/ReadFrames system call
)

func dial(b *testing.B, cfg *can.RawConfig) *can.RawConn {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := can.Dial(ctx, "vcan0", cfg)
	testenv.SkipUnsupported(b, "AF_CAN with vcan0", err)
	b.Cleanup(func() { c.Close() })
	return c
}

// fill queues n frames. Locally sent frames reach the receiving sockets
// through the per-CPU backlog, which ksoftirqd may process later; the
// pause lets that finish so the timed drain measures only the receiver.
func fill(b *testing.B, w *can.RawConn, fs []can.Frame, n int) {
	for n > 0 {
		m, err := w.WriteFrames(nil, fs[:min(n, len(fs))])
		if err != nil {
			b.Fatalf("WriteFrames: %v", err)
		}
		n -= m
	}
	time.Sleep(200 * time.Millisecond)
}

func frames() []can.Frame {
	fs := make([]can.Frame, batch)
	for i := range fs {
		fs[i] = can.Frame{ID: 0x200, Len: 8, Data: [8]byte{byte(i), 1, 2, 3, 4, 5, 6, 7}}
	}
	return fs
}

// drain runs read(n) on rounds of up to chunk queued frames.
func drain(b *testing.B, read func(n int)) {
	w := dial(b, nil)
	fs := frames()
	// Writers receive nothing (nobody else sends), and a lost frame fails
	// the round instead of hanging it.
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
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

func BenchmarkReceive(b *testing.B) {
	only200 := &can.RawConfig{Filters: []can.Filter{can.MatchID(0x200, false)}}
	b.Run("anysock-ReadFrame", func(b *testing.B) {
		r := dial(b, only200)
		var f can.Frame
		drain(b, func(n int) {
			r.SetReadDeadline(time.Now().Add(time.Minute))
			for i := 0; i < n; i++ {
				if err := r.ReadFrame(&f); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("anysock-ReadFrames", func(b *testing.B) {
		r := dial(b, only200)
		in := make([]can.Frame, batch)
		drain(b, func(n int) {
			r.SetReadDeadline(time.Now().Add(time.Minute))
			for got := 0; got < n; {
				m, err := r.ReadFrames(nil, in[:min(batch, n-got)])
				if err != nil {
					b.Fatal(err)
				}
				got += m
			}
		})
	})
	b.Run("einride", func(b *testing.B) {
		dial(b, nil).Close() // skips where the kernel lacks CAN
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := socketcan.DialContext(ctx, "can", "vcan0")
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		recv := socketcan.NewReceiver(conn)
		drain(b, func(n int) {
			// A lost frame fails the round instead of hanging it.
			conn.SetReadDeadline(time.Now().Add(time.Minute))
			for i := 0; i < n; i++ {
				if !recv.Receive() {
					b.Fatal(recv.Err())
				}
				_ = recv.Frame()
			}
		})
	})
	b.Run("candump", func(b *testing.B) {
		path := testenv.LookPeer(b, "candump")
		w := dial(b, nil)
		fs := frames()
		b.ResetTimer()
		for done := 0; done < b.N; {
			n := min(chunk, b.N-done)
			b.StopTimer()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			// candump prints one line per frame (its ordinary use) to
			// a pipe whose lines are counted. It is stopped while the
			// frames are queued and continued with the timer running.
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
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
}
