package can_test

import (
	"context"
	"testing"
	"time"

	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
)

const what = "AF_CAN with a vcan interface (modprobe can can_raw vcan; ip link add vcan0 type vcan)"

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dial opens a raw socket on iface or skips where the kernel lacks CAN.
func dial(t testing.TB, iface string, cfg *can.RawConfig) *can.RawConn {
	t.Helper()
	c, err := can.Dial(testCtx(t), iface, cfg)
	testenv.SkipUnsupported(t, what, err)
	t.Cleanup(func() { c.Close() })
	return c
}
