// Package vmtest lets a test package declare what it needs from a real
// kernel: modules, virtual CAN interfaces, virtual Bluetooth controllers,
// network namespaces joined by veth links, TIPC nodes and bearers. The
// families the development machines' kernel lacks (CAN, TIPC, RDS,
// Bluetooth) are tested inside a QEMU guest booting a stock Debian kernel;
// see TESTING.md for how to run it.
//
// A package joins the VM suite by calling Main from its TestMain:
//
//	func TestMain(m *testing.M) {
//		vmtest.Main(m, vmtest.Modules("can_raw", "can_bcm"), vmtest.VCAN("vcan0"))
//	}
//
// `make test-vm` finds such packages by their test imports and runs them
// with `go test -exec vmrun`, which boots the guest (internal/vmtest/cmd/vmrun).
// Inside the guest Main loads the modules, leaves first, with
// finit_module(2), performs the set-up in the order given, then runs the
// tests under the leak checker (internal/leakcheck). On any other machine
// Main changes nothing and just runs the tests, which then skip for the
// missing kernel support (internal/testenv); inside the guest such a skip
// is a failure.
//
// Setup does the same without running the tests, to compose with a
// TestMain of one's own. A failed set-up exits with status 125, which the
// runner reports as a harness failure rather than a test failure.
package vmtest
