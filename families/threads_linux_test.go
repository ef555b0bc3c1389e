package families_test

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/unix"
	xunix "golang.org/x/sys/unix"
)

// osThreads reads the process's thread count from /proc/self/status.
func osThreads(t *testing.T) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no Threads: line in /proc/self/status")
	return 0
}

// 10,000 conns each blocked in Read park goroutines in the poller, not OS
// threads: the process stays at 12 threads or fewer.
func TestIdleConnsUseFewThreads(t *testing.T) {
	// Both ends of each socket pair block in Read: conns/2 pairs.
	const conns = 10000
	var lim xunix.Rlimit
	xunix.Getrlimit(xunix.RLIMIT_NOFILE, &lim)
	if lim.Cur < conns+200 {
		lim.Cur = max(lim.Max, conns+200)
		lim.Max = lim.Cur
		if err := xunix.Setrlimit(xunix.RLIMIT_NOFILE, &lim); err != nil {
			t.Fatalf("RLIMIT_NOFILE too low for %d sockets and cannot be raised: %v", conns, err)
		}
	}
	pairs := make([][2]*anysock.Conn, 0, conns/2)
	defer func() {
		for _, p := range pairs {
			p[0].Close()
			p[1].Close()
		}
	}()
	for i := 0; i < conns/2; i++ {
		a, b, err := unix.Pair("unixpacket")
		if err != nil {
			t.Fatalf("pair %d: %v", i, err)
		}
		pairs = append(pairs, [2]*anysock.Conn{a, b})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var started sync.WaitGroup
	started.Add(conns)
	for _, p := range pairs {
		for _, c := range p {
			wg.Go(func() {
				started.Done()
				c.ReadContext(ctx, make([]byte, 1))
			})
		}
	}
	started.Wait()
	time.Sleep(200 * time.Millisecond) // let every reader park
	threads := osThreads(t)
	t.Logf("%d conns blocked in Read, GOMAXPROCS=%d: %d OS threads", conns, runtime.GOMAXPROCS(0), threads)
	if threads > 12 {
		t.Errorf("%d OS threads with %d blocked reads, want ≤ 12", threads, conns)
	}
	cancel()
	wg.Wait()
}
