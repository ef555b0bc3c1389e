package can_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/anysock/anysock/families/can"
)

// TestISOTPLimits finds the largest message the kernel carries: 4095
// always (ISOTPMaxLen); the kernel under test may accept more.
func TestISOTPLimits(t *testing.T) {
	a, b := isotpPair(t, "vcan1", nil, nil)
	buf := make([]byte, 70000)
	largest := 0
	for _, n := range []int{can.ISOTPMaxLen, can.ISOTPMaxLen + 1, 8200, 8201, 66000, 66001} {
		msg := pattern(n)
		if _, err := a.Write(msg); err != nil {
			t.Logf("%d bytes: %v", n, err)
			continue
		}
		deadline(t, b, 20*time.Second)
		m, err := b.Read(buf)
		if err != nil || !bytes.Equal(buf[:m], msg) {
			t.Fatalf("%d bytes: read %d, %v", n, m, err)
		}
		t.Logf("%d bytes: carried", n)
		largest = n
	}
	if p, err := os.ReadFile("/sys/module/can_isotp/parameters/max_pdu_size"); err == nil {
		t.Logf("can_isotp max_pdu_size = %s", bytes.TrimSpace(p))
	}
	if largest < can.ISOTPMaxLen {
		t.Fatalf("largest message carried %d, want at least %d", largest, can.ISOTPMaxLen)
	}
}

// TestInterruptProtocols: Close and contexts interrupt blocked ISO-TP and
// J1939 reads.
func TestInterruptProtocols(t *testing.T) {
	a, _ := isotpPair(t, "vcan1", nil, nil)
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 100)
		_, err := a.Read(buf)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	a.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("ISO-TP read after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not interrupt an ISO-TP read")
	}

	j, err := can.ListenJ1939(testCtx(t), &can.J1939Addr{Interface: "vcan1", PGN: can.J1939NoPGN, Addr: 0x55}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, _, err := j.ReadFromContext(ctx, make([]byte, 8)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("J1939 read with expired ctx: %v", err)
	}
}
