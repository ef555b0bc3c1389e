//go:build linux

package route_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/anysock/anysock"
	nl "github.com/anysock/anysock/families/netlink"
	"github.com/anysock/anysock/families/netlink/route"
	"github.com/mdlayher/netlink"
)

func TestDumpInterruptedRetriedThenTypedError(t *testing.T) {
	n := newNS(t)
	n.run(t, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	var lines []string
	for i := 0; i < 800; i++ {
		lines = append(lines, fmt.Sprintf("addr add 10.200.%d.%d/32 dev v0", i/250, 1+i%250))
	}
	n.batch(t, lines)

	// Churn: another session adds and deletes an address as fast as it
	// can, which bumps the kernel's address generation counter.
	churn := n.dial(t)
	links, err := churn.Links(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	idx := 0
	for _, l := range links {
		if l.Name == "v1" {
			idx = l.Index
		}
	}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a := route.Address{Prefix: netip.MustParsePrefix("10.99.0.1/32"), Index: idx}
		for ctx.Err() == nil {
			churn.AddAddress(ctx, a)
			churn.DeleteAddress(ctx, a)
		}
	}()
	defer func() { stop(); wg.Wait() }()

	one, err := route.Dial(ctxT(t), &route.Config{NetNS: int(n.f.Fd()), DumpAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	interrupted := 0
	for i := 0; i < 300 && interrupted < 3; i++ {
		addrs, err := one.Addresses(ctxT(t), route.FamilyIPv4)
		if err == nil {
			if len(addrs) < 800 {
				t.Fatalf("uninterrupted dump has %d addresses, want at least 800", len(addrs))
			}
			continue
		}
		var de *route.DumpInterruptedError
		if !errors.Is(err, route.ErrDumpInterrupted) || !errors.As(err, &de) || de.Attempts != 1 {
			t.Fatalf("dump error = %v, want a *DumpInterruptedError after 1 attempt", err)
		}
		if len(addrs) == 0 {
			t.Fatal("interrupted dump returned no data with its error")
		}
		interrupted++
	}
	if interrupted == 0 {
		t.Fatal("no dump was interrupted in 300 attempts under churn: NLM_F_DUMP_INTR path not exercised")
	}
	t.Logf("%d interrupted dumps seen", interrupted)

	// With retries, every dump either succeeds or reports all attempts.
	retry, err := route.Dial(ctxT(t), &route.Config{NetNS: int(n.f.Fd()), DumpAttempts: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer retry.Close()
	for i := 0; i < 20; i++ {
		_, err := retry.Addresses(ctxT(t), route.FamilyIPv4)
		var de *route.DumpInterruptedError
		if err != nil && (!errors.As(err, &de) || de.Attempts != 4) {
			t.Fatalf("dump with 4 attempts: %v", err)
		}
	}
}

func TestCancelledDumpDoesNotPoisonNext(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 5000)
	c := n.dial(t)
	full, err := c.Routes(ctxT(t), route.FamilyAll)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for i := 0; i < 40; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i+1)*100*time.Microsecond)
		_, err := c.Routes(ctx, route.FamilyAll)
		cancel()
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("dump under deadline: %v", err)
			}
			cancelled++
		}
		again, err := c.Routes(ctxT(t), route.FamilyAll)
		if err != nil {
			t.Fatalf("dump after a cancelled one: %v", err)
		}
		if len(again) != len(full) {
			t.Fatalf("dump after a cancelled one has %d routes, want %d", len(again), len(full))
		}
	}
	if cancelled == 0 {
		t.Skip("no dump was cut short by a deadline on this machine")
	}
	t.Logf("%d of 40 dumps cut short; each following dump complete", cancelled)
}

// userSocket opens a user-space NETLINK_ROUTE socket in the namespace.
func userSocket(t *testing.T, n *testNS) *anysock.PacketConn {
	u, err := nl.ListenPacket(ctxT(t), 0, 0, nil, &anysock.Config{NetNS: int(n.f.Fd())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	return u
}

func forged(typ netlink.HeaderType, flags netlink.HeaderFlags, seq, pid uint32, body []byte) []byte {
	b, err := netlink.Message{Header: netlink.Header{Length: uint32(16 + len(body)), Type: typ, Flags: flags, Sequence: seq, PID: pid}, Data: body}.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return b
}

// forgedLink is an RTM_NEWLINK body for a link called name.
func forgedLink(name string) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint32(b[4:], 4242)
	ae := netlink.NewAttributeEncoder()
	ae.String(3, name)
	attrs, _ := ae.Encode()
	return append(b, attrs...)
}

func TestNonKernelSenderDropped(t *testing.T) {
	n := newNS(t)
	n.run(t, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	u := userSocket(t, n)
	fake := forged(route.NewLinkMsgType, 0, 1, 0, forgedLink("forged0"))

	// Unicast between user sockets works in this kernel: a raw socket
	// receives the forged message, so the drops below are real.
	r := userSocket(t, n)
	if _, err := u.WriteToContext(ctxT(t), fake, r.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	r.SetReadDeadline(time.Now().Add(5 * time.Second))
	if nr, from, err := r.ReadFrom(buf); err != nil || nr != len(fake) || from.(*nl.Addr).PID == 0 {
		t.Fatalf("raw socket: read %d bytes from %v, err %v; want the forged %d bytes from a user port", nr, from, err, len(fake))
	}

	t.Run("watcher", func(t *testing.T) {
		w, err := route.Watch(ctxT(t), n.cfg(), route.GroupLink)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := u.WriteToContext(ctxT(t), fake, &nl.Addr{PID: w.PortID()}); err != nil {
			t.Fatal(err)
		}
		n.run(t, "link", "set", "v1", "mtu", "1280")
		ev, err := w.Next(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if ev.Link == nil || ev.Link.Name == "forged0" || ev.Link.Name != "v1" || ev.Link.MTU != 1280 {
			t.Fatalf("first event %+v, want the kernel's v1 MTU change (forged message not dropped?)", ev.Link)
		}
	})

	t.Run("dump", func(t *testing.T) {
		c := n.dial(t)
		want, err := c.Links(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		// Queue a forged reply and a forged NLMSG_DONE with the sequence
		// number and port ID the next request will use: accepting either
		// would add a link or end the dump early.
		seq := route.NextSeq(c)
		to := &nl.Addr{PID: c.PortID()}
		for _, m := range [][]byte{
			forged(route.NewLinkMsgType, netlink.Multi, seq, c.PortID(), forgedLink("forged0")),
			forged(netlink.Done, netlink.Multi, seq, c.PortID(), make([]byte, 4)),
		} {
			if _, err := u.WriteToContext(ctxT(t), m, to); err != nil {
				t.Fatal(err)
			}
		}
		got, err := c.Links(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("dump after forged messages has %d links, want %d", len(got), len(want))
		}
		for _, l := range got {
			if l.Name == "forged0" {
				t.Fatal("forged link accepted")
			}
		}
	})
}

func TestWatcherOverflowRecovers(t *testing.T) {
	n := newNS(t)
	n.run(t, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	n.run(t, "link", "set", "v0", "up")
	n.run(t, "addr", "add", "10.9.0.1/24", "dev", "v0")
	w, err := route.Watch(ctxT(t), &route.Config{NetNS: int(n.f.Fd()), ReadBuffer: 4096}, route.GroupIPv4Route, route.GroupLink)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var lines []string
	for i := 0; i < 2000; i++ {
		lines = append(lines, fmt.Sprintf("route add 172.16.%d.%d/32 via 10.9.0.2", i/256, i%256))
	}
	n.batch(t, lines)

	ev, err := w.Next(ctxT(t))
	if err == nil {
		t.Fatalf("first Next after 2000 events into a 4 KiB buffer returned %+v, want ErrEventsLost", ev)
	}
	var le *route.LostError
	if !errors.Is(err, route.ErrEventsLost) || !errors.Is(err, syscall.ENOBUFS) || !errors.As(err, &le) {
		t.Fatalf("Next = %v, want an error matching ErrEventsLost and ENOBUFS", err)
	}
	// The subscription keeps working: drain what is queued, make one more
	// change and see it arrive.
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := w.Next(ctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		if err != nil && !errors.Is(err, route.ErrEventsLost) {
			t.Fatalf("draining: %v", err)
		}
	}
	n.run(t, "link", "set", "v1", "mtu", "1234")
	for {
		ev, err := w.Next(ctxT(t))
		if err != nil {
			t.Fatalf("Next after overflow: %v", err)
		}
		if ev.Type == route.NewLink && ev.Link.Name == "v1" && ev.Link.MTU == 1234 {
			break
		}
	}
}

func TestNetNSLeavesThreadAlone(t *testing.T) {
	n := newNS(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Skip(err)
	}
	c := n.dial(t)
	links, err := c.Links(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0].Name != "lo" {
		t.Fatalf("links in a fresh namespace = %+v, want only lo", links)
	}
	after, _ := os.Readlink("/proc/thread-self/ns/net")
	if before != after {
		t.Fatalf("calling thread moved from %s to %s", before, after)
	}
}

func TestWatcherNoENOBUFS(t *testing.T) {
	n := newNS(t)
	n.run(t, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	n.run(t, "link", "set", "v0", "up")
	n.run(t, "addr", "add", "10.9.0.1/24", "dev", "v0")
	w, err := route.Watch(ctxT(t), &route.Config{NetNS: int(n.f.Fd()), ReadBuffer: 4096, NoENOBUFS: true}, route.GroupIPv4Route)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var lines []string
	for i := 0; i < 2000; i++ {
		lines = append(lines, fmt.Sprintf("route add 172.16.%d.%d/32 via 10.9.0.2", i/256, i%256))
	}
	n.batch(t, lines)
	got := 0
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := w.Next(ctx)
		cancel()
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
				break
			}
			t.Fatalf("Next with NoENOBUFS: %v", err)
		}
		got++
	}
	if got == 0 || got >= 2000 {
		t.Fatalf("received %d of 2000 events through a 4 KiB buffer; want some, silently fewer", got)
	}
	t.Logf("%d of 2000 events received, losses not reported (NoENOBUFS)", got)
}

// A receive buffer smaller than the kernel's datagrams must grow (MSG_PEEK
// with MSG_TRUNC learns each size), never truncate.
func TestSmallReceiveBufferGrows(t *testing.T) {
	n := newNS(t)
	setupRich(t, n, 500)
	ref := n.dial(t)
	want, err := ref.Routes(ctxT(t), route.FamilyAll)
	if err != nil {
		t.Fatal(err)
	}
	wantLinks, err := ref.Links(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	c := n.dial(t)
	size := route.SetRecvBuf(c, 16)
	got, err := c.Routes(ctxT(t), route.FamilyAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d routes through a 16-byte initial buffer, want %d", len(got), len(want))
	}
	if size() <= 16 {
		t.Fatalf("buffer did not grow: %d bytes", size())
	}
	route.SetRecvBuf(c, 16)
	links, err := c.Links(ctxT(t))
	if err != nil || len(links) != len(wantLinks) {
		t.Fatalf("links through a 16-byte buffer: %d, %v; want %d", len(links), err, len(wantLinks))
	}
	t.Logf("buffer grew to %d bytes", size())
}
