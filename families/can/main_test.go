package can_test

import (
	"testing"

	"github.com/anysock/anysock/internal/vmtest"
)

// TestMain loads the CAN protocols and creates the interfaces the tests
// use inside the VM: vcan0 and vcan1 (a vcan interface has the CAN FD MTU
// of 72 by default) and vcanclassic, set to the classic MTU of 16.
// Elsewhere the kernel-backed tests skip (and fail inside the VM).
func TestMain(m *testing.M) {
	vmtest.Main(m,
		vmtest.Modules("can_raw", "can_bcm", "can_isotp", "can_j1939"),
		vmtest.VCAN("vcan0", "vcan1", "vcanclassic"),
		vmtest.Command("ip", "link", "set", "vcanclassic", "down"),
		vmtest.Command("ip", "link", "set", "vcanclassic", "mtu", "16"),
		vmtest.Command("ip", "link", "set", "vcanclassic", "up"),
		// vcanns0 exists only in the namespace canns.
		vmtest.NetNS("canns"),
		vmtest.Command("ip", "-n", "canns", "link", "add", "vcanns0", "type", "vcan"),
		vmtest.Command("ip", "-n", "canns", "link", "set", "vcanns0", "up"),
		// Large default receive buffers, so that the receive benchmarks
		// can queue thousands of frames for every receiver (candump,
		// other libraries) alike.
		vmtest.Command("sysctl", "-q", "-w", "net.core.rmem_max=134217728"),
		vmtest.Command("sysctl", "-q", "-w", "net.core.rmem_default=134217728"),
		// Locally sent CAN frames pass through the per-CPU backlog
		// (netif_rx), which drops beyond netdev_max_backlog (1000).
		vmtest.Command("sysctl", "-q", "-w", "net.core.netdev_max_backlog=100000"),
	)
}
