//go:build linux

package route_test

import (
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/anysock/anysock/families/netlink/route"
)

// A Watcher with nothing to report must not hang: ctx deadlines,
// cancellation and Close all end Next.
func TestWatcherNextInterrupted(t *testing.T) {
	n := newNS(t)
	w, err := route.Watch(ctxT(t), n.cfg())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err = w.Next(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Next with an expiring ctx = %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := w.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with a cancelled ctx = %v", err)
	}

	done := make(chan error, 1)
	go func() { _, err := w.Next(context.Background()); done <- err }()
	time.Sleep(50 * time.Millisecond)
	w.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Next after Close = %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a blocked Next")
	}
}

func TestClosedConn(t *testing.T) {
	n := newNS(t)
	c, err := route.Dial(ctxT(t), n.cfg())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.Links(ctxT(t)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Links on a closed Conn = %v, want net.ErrClosed", err)
	}
	var nilConn *route.Conn
	if _, err := nilConn.Routes(ctxT(t), route.FamilyAll); err == nil {
		t.Fatal("Routes on a nil Conn succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := route.Dial(ctx, n.cfg()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Dial with a cancelled ctx = %v", err)
	}
}
