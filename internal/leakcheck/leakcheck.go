package leakcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Main runs the tests of m and then checks for leaked goroutines and file
// descriptors. It calls os.Exit and does not return.
func Main(m *testing.M, opts ...goleak.Option) {
	before := OpenFDs()
	code := m.Run()
	if code == 0 {
		if err := Check(before, opts...); err != nil {
			fmt.Fprintln(os.Stderr, "leakcheck:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// Check compares the open descriptors with before (as returned by OpenFDs)
// and looks for leaked goroutines. Descriptors are given a short grace period
// to be closed, since the runtime closes some (pidfds, timers) lazily.
func Check(before map[string]string, opts ...goleak.Option) error {
	var leaked []string
	deadline := time.Now().Add(2 * time.Second)
	for {
		leaked = leaked[:0]
		for fd, target := range OpenFDs() {
			if _, ok := before[fd]; !ok {
				leaked = append(leaked, fd+" -> "+target)
			}
		}
		if len(leaked) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(leaked) > 0 {
		sort.Strings(leaked)
		return fmt.Errorf("%d file descriptor(s) leaked: %s", len(leaked), strings.Join(leaked, ", "))
	}
	if err := goleak.Find(opts...); err != nil {
		return fmt.Errorf("goroutines leaked: %w", err)
	}
	return nil
}

// OpenFDs returns the process's open descriptors, mapping each number (as
// text) to what it refers to. The descriptor used to read the directory is
// not included. On systems without /proc it returns an empty map.
func OpenFDs() map[string]string {
	fds := make(map[string]string)
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return fds
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	self := fmt.Sprint(d.Fd())
	for _, n := range names {
		if n == self {
			continue
		}
		target, err := os.Readlink(filepath.Join("/proc/self/fd", n))
		if err != nil {
			continue // closed while reading
		}
		fds[n] = target
	}
	return fds
}
