//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anysock/anysock/internal/testenv"
)

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWatchesUntilCancelled(t *testing.T) {
	testenv.RequireRoot(t, "network namespaces")
	ip := testenv.LookPeer(t, "ip")
	ns := fmt.Sprintf("anysock-exlinkwatch-%d", os.Getpid())
	if out, err := exec.Command(ip, "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	defer exec.Command(ip, "netns", "del", ns).Run()
	ipn := func(args ...string) {
		if out, err := exec.Command(ip, append([]string{"-n", ns}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- run(ctx, ns, &out, ready) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	ipn("link", "add", "w0", "type", "veth", "peer", "name", "w1")
	ipn("link", "set", "w0", "up")
	ipn("link", "set", "w0", "mtu", "1300")
	ipn("link", "del", "w0")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "removed link") || !strings.Contains(out.String(), "w0: up") {
		if time.Now().After(deadline) {
			t.Fatalf("events missing; output:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
	t.Logf("stopped %v after cancel; output:\n%s", time.Since(start), out.String())
	if !strings.Contains(out.String(), "mtu 1300") {
		t.Errorf("MTU change not reported:\n%s", out.String())
	}
}
