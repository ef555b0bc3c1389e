package anysock_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/netlink"
	"github.com/anysock/anysock/families/unix"
)

func newMessages(n, size int) []anysock.Message {
	ms := make([]anysock.Message, n)
	for i := range ms {
		ms[i].Buffers = [][]byte{make([]byte, size)}
	}
	return ms
}

// batchPeers returns a receiving PacketConn and a sender, plus the address to
// send to, for a datagram family.
func batchPeers(t *testing.T, family string) (rx, tx *anysock.PacketConn, to func() any) {
	ctx := context.Background()
	switch family {
	case "unixgram":
		var err error
		rx, err = unix.ListenPacket(ctx, "unixgram", &unix.Addr{Name: abstractName(t), Net: "unixgram"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		tx, err = unix.ListenPacket(ctx, "unixgram", &unix.Addr{Net: "unixgram"}, nil)
		if err != nil {
			t.Fatal(err)
		}
	case "netlink":
		// NETLINK_USERSOCK carries unicast between user-space sockets.
		var err error
		rx, err = netlink.ListenPacket(ctx, 2, 0, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		tx, err = netlink.ListenPacket(ctx, 2, 0, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	return rx, tx, nil
}

func TestBatch(t *testing.T) {
	for _, family := range []string{"unixgram", "netlink"} {
		t.Run(family, func(t *testing.T) {
			rx, tx, _ := batchPeers(t, family)
			defer rx.Close()
			defer tx.Close()
			// An unconnected unixgram receiver queues at most
			// net.unix.max_dgram_qlen (10) datagrams; netlink queues by
			// bytes.
			n := 64
			if family == "unixgram" {
				n = 10
			}
			out := make([]anysock.Message, n)
			for i := range out {
				// Two buffers per message: vectored I/O.
				out[i].Buffers = [][]byte{[]byte(fmt.Sprintf("msg-%02d|", i)), []byte("tail")}
				out[i].Addr = rx.LocalAddr()
			}
			sent, err := tx.WriteBatch(out, 0)
			if err != nil || sent != n {
				t.Fatalf("WriteBatch = %d, %v", sent, err)
			}
			for i := range out {
				if out[i].N != len("msg-00|tail") {
					t.Fatalf("message %d N = %d", i, out[i].N)
				}
			}
			in := newMessages(n+16, 32) // more slots than datagrams: a partial batch
			got, err := rx.ReadBatch(in, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got != n {
				t.Fatalf("ReadBatch returned %d datagrams in one call, want all %d", got, n)
			}
			for i := 0; i < got; i++ {
				m := in[i]
				want := fmt.Sprintf("msg-%02d|tail", i)
				if s := string(m.Buffers[0][:m.N]); s != want {
					t.Fatalf("datagram %d = %q, want %q", i, s, want)
				}
				if m.Addr == nil || m.Addr.String() != tx.LocalAddr().String() {
					t.Fatalf("datagram %d from %v, want %v", i, m.Addr, tx.LocalAddr())
				}
			}
			// Nothing is left: a further ReadBatch times out.
			rx.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			if k, err := rx.ReadBatch(in, 0); k != 0 || err == nil {
				t.Fatalf("extra ReadBatch = %d, %v", k, err)
			}
		})
	}
}

// WriteBatch keeps sending after sendmmsg reports a partial batch because
// the receiver's buffer is full.
func TestWriteBatchPartial(t *testing.T) {
	rx, tx, _ := batchPeers(t, "unixgram")
	defer rx.Close()
	defer tx.Close()
	rx.SetReadBuffer(4096)
	const n = 2000
	out := make([]anysock.Message, n)
	for i := range out {
		out[i].Buffers = [][]byte{[]byte(fmt.Sprintf("%06d", i))}
		out[i].Addr = rx.LocalAddr()
	}
	errc := make(chan error, 1)
	go func() {
		sent, err := tx.WriteBatch(out, 0)
		if err == nil && sent != n {
			err = fmt.Errorf("sent %d of %d", sent, n)
		}
		errc <- err
	}()
	in := newMessages(16, 16)
	next := 0
	for next < n {
		k, err := rx.ReadBatch(in, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < k; i++ {
			if s := string(in[i].Buffers[0][:in[i].N]); s != fmt.Sprintf("%06d", next) {
				t.Fatalf("datagram %d = %q", next, s)
			}
			next++
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// A socketpair is not subject to the datagram queue limit: 64 datagrams
// arrive in one ReadBatch.
func TestBatchConnSocketpair(t *testing.T) {
	a, b := pair(t, "unixgram")
	defer a.Close()
	defer b.Close()
	const n = 64
	out := make([]anysock.Message, n)
	for i := range out {
		out[i].Buffers = [][]byte{[]byte(fmt.Sprintf("d%02d", i))}
	}
	if k, err := a.WriteBatch(out, 0); k != n || err != nil {
		t.Fatalf("WriteBatch = %d, %v", k, err)
	}
	in := newMessages(n, 8)
	k, err := b.ReadBatch(in, 0)
	if k != n || err != nil {
		t.Fatalf("ReadBatch = %d, %v; want %d in one call", k, err, n)
	}
	for i := 0; i < k; i++ {
		if s := string(in[i].Buffers[0][:in[i].N]); s != fmt.Sprintf("d%02d", i) {
			t.Fatalf("datagram %d = %q", i, s)
		}
	}
}

func TestBatchTruncationAndConn(t *testing.T) {
	a, b := pair(t, "unixgram")
	defer a.Close()
	defer b.Close()
	ms := []anysock.Message{{Buffers: [][]byte{[]byte("short")}}, {Buffers: [][]byte{[]byte("much longer datagram")}}}
	if k, err := a.WriteBatch(ms, 0); k != 2 || err != nil {
		t.Fatalf("Conn.WriteBatch = %d, %v", k, err)
	}
	in := newMessages(4, 8)
	k, err := b.ReadBatch(in, 0)
	if k != 2 || !errors.Is(err, anysock.ErrTruncated) {
		t.Fatalf("ReadBatch = %d, %v; want 2 and ErrTruncated", k, err)
	}
	if in[1].Flags&msgTrunc == 0 || in[1].N != 8 {
		t.Fatalf("truncated message flags %#x N %d", in[1].Flags, in[1].N)
	}
}
