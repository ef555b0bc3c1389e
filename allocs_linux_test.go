package anysock_test

import (
	"context"
	"testing"
	"time"

	xunix "golang.org/x/sys/unix"
)

// The hot paths allocate nothing, with deadlines set and with a cancellable
// context reused across calls (DESIGN.md). Allocation counts are
// deterministic, unlike timings.
func TestHotPathsDoNotAllocate(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, network := range []string{"unix", "unixpacket", "unixgram"} {
		t.Run(network, func(t *testing.T) {
			a, b := pair(t, network)
			defer a.Close()
			defer b.Close()
			rc, _ := b.SyscallConn()
			rc.Control(func(fd uintptr) { xunix.SetsockoptInt(int(fd), xunix.SOL_SOCKET, xunix.SO_PASSCRED, 1) })
			deadline := time.Now().Add(time.Hour)
			a.SetDeadline(deadline)
			b.SetDeadline(deadline)
			wbuf, rbuf := make([]byte, 64), make([]byte, 64)
			oob := make([]byte, xunix.CmsgSpace(xunix.SizeofUcred))
			cases := map[string]func(){
				"Read+Write": func() {
					a.Write(wbuf)
					b.Read(rbuf)
				},
				"ReadContext+WriteContext": func() {
					a.WriteContext(ctx, wbuf)
					b.ReadContext(ctx, rbuf)
				},
				"ReadMsg+WriteMsg": func() {
					a.WriteMsg(wbuf, nil)
					b.ReadMsg(rbuf, oob)
				},
			}
			for name, f := range cases {
				f() // warm up: first use of a context registers it
				f()
				if n := testing.AllocsPerRun(200, f); n != 0 {
					t.Errorf("%s: %v allocs per run, want 0", name, n)
				}
			}
		})
	}
}
