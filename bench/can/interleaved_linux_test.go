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
)

// A receiver drains n queued frames; prepare (untimed) readies it for a
// round and returns the timed drain.
type receiver struct {
	name    string
	prepare func(n int) (drain func())
}

// BenchmarkReceiveInterleaved runs the four receivers in turn, round by
// round (each round queues 4096 frames for one receiver and times their
// drain), so that all of them see the same machine load; on a shared
// machine that drifts, this compares them more fairly than consecutive
// benchmarks. One op is one round of all four receivers; the per-frame
// cost of each is reported as a custom metric (ns/frame-NAME).
func BenchmarkReceiveInterleaved(b *testing.B) {
	const n = 4096
	candumpPath := testenv.LookPeer(b, "candump")
	w := dial(b, nil)
	fs := frames()
	only200 := &can.RawConfig{Filters: []can.Filter{can.MatchID(0x200, false)}}

	single := dial(b, only200)
	batched := dial(b, only200)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ec, err := socketcan.DialContext(ctx, "can", "vcan0")
	if err != nil {
		b.Fatal(err)
	}
	defer ec.Close()
	erecv := socketcan.NewReceiver(ec)
	// einride has no filters: it receives every frame, which here are
	// only the queued ones (other receivers' rounds are drained below).

	var f can.Frame
	in := make([]can.Frame, batch)
	rs := []receiver{
		{"anysock-ReadFrame", func(n int) func() {
			return func() {
				for i := 0; i < n; i++ {
					if err := single.ReadFrame(&f); err != nil {
						b.Fatal(err)
					}
				}
			}
		}},
		{"anysock-ReadFrames", func(n int) func() {
			return func() {
				for got := 0; got < n; {
					m, err := batched.ReadFrames(nil, in[:min(batch, n-got)])
					if err != nil {
						b.Fatal(err)
					}
					got += m
				}
			}
		}},
		{"einride", func(n int) func() {
			return func() {
				for i := 0; i < n; i++ {
					if !erecv.Receive() {
						b.Fatal(erecv.Err())
					}
				}
			}
		}},
		{"candump", func(n int) func() {
			cmd := exec.Command(candumpPath, "-n", strconv.Itoa(n), "vcan0,200:7FF")
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
			return func() {
				cmd.Process.Signal(syscall.SIGCONT)
				got := <-lines
				if err := cmd.Wait(); err != nil || got != n {
					b.Fatalf("candump printed %d of %d frames: %v", got, n, err)
				}
			}
		}},
	}
	// Every frame queued reaches every bound receiver: before a round,
	// the others' queues are emptied (untimed) so each round starts clean.
	flush := func(skip string) {
		for _, r := range rs[:3] {
			if r.name == skip {
				continue
			}
			r.prepare(n)()
		}
	}
	total := make([]time.Duration, len(rs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range rs {
			r := rs[(i+k)%len(rs)] // rotate the order every round
			b.StopTimer()
			drain := r.prepare(n)
			fill(b, w, fs, n)
			start := time.Now()
			single.SetReadDeadline(time.Now().Add(time.Minute))
			batched.SetReadDeadline(time.Now().Add(time.Minute))
			ec.SetReadDeadline(time.Now().Add(time.Minute))
			b.StartTimer()
			drain()
			b.StopTimer()
			total[(i+k)%len(rs)] += time.Since(start)
			flush(r.name)
			b.StartTimer()
		}
	}
	b.StopTimer()
	for k, r := range rs {
		b.ReportMetric(float64(total[k].Nanoseconds())/float64(b.N*n), "ns/frame-"+r.name)
	}
}
