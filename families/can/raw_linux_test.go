package can_test

import (
	"testing"
	"time"

	"github.com/anysock/anysock/families/can"
)

func TestRawRoundTrip(t *testing.T) {
	a := dial(t, "vcan0", nil)
	b := dial(t, "vcan0", nil)
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	want := can.Frame{ID: 0x123, Len: 4, Data: [8]byte{0xde, 0xad, 0xbe, 0xef}}
	if err := a.WriteFrame(&want); err != nil {
		t.Fatal(err)
	}
	var got can.Frame
	if err := b.ReadFrame(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got %v, want %v", &got, &want)
	}
}
