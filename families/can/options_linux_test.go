package can_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
)

// TestNetNS: interface names are resolved in the socket's network
// namespace (anysock.Config.NetNS), not the calling thread's.
func TestNetNS(t *testing.T) {
	probe := dial(t, "vcan0", nil) // skips where the kernel lacks CAN
	probe.Close()
	ns, err := os.Open("/run/netns/canns")
	if err != nil {
		if testenv.InVM() {
			t.Fatal(err)
		}
		t.Skipf("network namespace canns (created by the VM set-up): %v", err)
	}
	defer ns.Close()
	cfg := &can.RawConfig{Config: anysock.Config{NetNS: int(ns.Fd())}}
	a, err := can.Dial(testCtx(t), "vcanns0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := can.Dial(testCtx(t), "vcanns0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	f := can.Frame{ID: 0x42, Len: 1, Data: [8]byte{4}}
	if err := a.WriteFrame(&f); err != nil {
		t.Fatal(err)
	}
	var got can.Frame
	deadline(t, b, 5*time.Second)
	if err := b.ReadFrame(&got); err != nil || got != f {
		t.Fatalf("in namespace: %v, %v", &got, err)
	}
	if la := a.LocalAddr().(*can.Addr); la.Interface != "vcanns0" {
		t.Fatalf("LocalAddr %v", la)
	}
	// vcan0 lives in the initial namespace only.
	_, err = can.Dial(testCtx(t), "vcan0", cfg)
	var ue *can.UnknownInterfaceError
	if !errors.As(err, &ue) {
		t.Fatalf("vcan0 inside canns: %v, want *UnknownInterfaceError", err)
	}
	// and vcanns0 in the namespace only.
	if _, err := can.Dial(testCtx(t), "vcanns0", nil); !errors.As(err, &ue) {
		t.Fatalf("vcanns0 outside canns: %v, want *UnknownInterfaceError", err)
	}
}

// TestISOTPFrameTxTime: ISOTPConfig.FrameTxTime spaces the consecutive
// frames of a message (a lower bound only: a slow machine adds time).
func TestISOTPFrameTxTime(t *testing.T) {
	a, b := isotpPair(t, "vcan1", &can.ISOTPConfig{FrameTxTime: 10 * time.Millisecond}, nil)
	msg := pattern(64) // first frame + 9 consecutive frames
	start := time.Now()
	if _, err := a.Write(msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	deadline(t, b, 10*time.Second)
	if n, err := b.Read(buf); err != nil || n != len(msg) {
		t.Fatalf("read %d, %v", n, err)
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("64 bytes with 10ms between frames took %v, want at least 80ms", d)
	}
}

// TestISOTPFlowControlSTmin: the receiver's flow control (STmin 10 ms)
// makes the sender space its consecutive frames.
func TestISOTPFlowControlSTmin(t *testing.T) {
	a, b := isotpPair(t, "vcan1", nil, &can.ISOTPConfig{FlowControl: &can.ISOTPFlowControl{BlockSize: 0, STmin: 10}})
	msg := pattern(64) // first frame + 9 consecutive frames
	start := time.Now()
	if _, err := a.Write(msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	deadline(t, b, 10*time.Second)
	if n, err := b.Read(buf); err != nil || n != len(msg) {
		t.Fatalf("read %d, %v", n, err)
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("64 bytes with STmin 10ms took %v, want at least 80ms", d)
	}
}
