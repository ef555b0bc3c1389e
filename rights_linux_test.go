package anysock

import (
	"testing"

	"golang.org/x/sys/unix"
)

// walkRights reads control messages the kernel wrote, possibly truncated:
// no input may make it panic or visit a slot outside the buffer.
func FuzzWalkRights(f *testing.F) {
	f.Add(unix.UnixRights(3, 4, 5))
	f.Add(unix.UnixRights(7)[:unix.CmsgLen(2)])
	f.Add(append(unix.UnixCredentials(&unix.Ucred{Pid: 1}), unix.UnixRights(9, 10)...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 1, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, oob []byte) {
		walkRights(oob, func(slot []byte) {
			if len(slot) != 4 {
				t.Fatalf("slot of %d bytes", len(slot))
			}
		})
	})
}

func TestWalkRights(t *testing.T) {
	oob := append(unix.UnixCredentials(&unix.Ucred{Pid: 1}), unix.UnixRights(9, 10, 11)...)
	var n int
	walkRights(oob, func([]byte) { n++ })
	if n != 3 {
		t.Fatalf("visited %d descriptors, want 3", n)
	}
	// A message cut short by MSG_CTRUNC: only whole slots are visited.
	n = 0
	walkRights(unix.UnixRights(1, 2, 3)[:unix.CmsgLen(6)], func([]byte) { n++ })
	if n != 1 {
		t.Fatalf("visited %d descriptors in a truncated message, want 1", n)
	}
}
