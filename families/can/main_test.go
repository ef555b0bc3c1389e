package can_test

import (
	"testing"

	"github.com/anysock/anysock/internal/vmtest"
)

// TestMain loads the CAN protocols and creates the interfaces the tests
// use inside the VM: vcan0 and vcan1 (classic MTU), vcanfd0 (MTU 72 for CAN
// FD). Elsewhere the kernel-backed tests skip (and fail inside the VM).
func TestMain(m *testing.M) {
	vmtest.Main(m,
		vmtest.Modules("can_raw", "can_bcm", "can_isotp", "can_j1939"),
		vmtest.VCAN("vcan0", "vcan1", "vcanfd0"),
		vmtest.Command("ip", "link", "set", "vcanfd0", "down"),
		vmtest.Command("ip", "link", "set", "vcanfd0", "mtu", "72"),
		vmtest.Command("ip", "link", "set", "vcanfd0", "up"),
	)
}
