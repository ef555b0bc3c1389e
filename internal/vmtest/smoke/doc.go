// Package smoke holds the VM harness's end-to-end proofs that every family
// the host kernel lacks works in the guest against a real peer: CAN frames
// between Go and cansend/candump on vcan0, TIPC RDM between Go and CPython,
// RDS between Go and CPython on loopback, and Bluetooth L2CAP between Go
// and CPython or l2test over two btvirt controllers. The Go side uses
// anysock's root adapters with small test-local address codecs.
//
// The package has only tests; run them with
//
//	make test-vm PKG=./internal/vmtest/smoke
package smoke
