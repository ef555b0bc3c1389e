// Package can holds anysock's CAN receive benchmarks against peers:
// can-utils' candump and go.einride.tech/can's socketcan package. It is a
// separate module so that the library's go.mod never requires the peers.
//
// The benchmarks need AF_CAN, so they run in the VM harness's guest:
//
//	cd bench/can && go test -exec "$PWD/../../.cache/vmtest/bin/vmrun" -run '^$' -bench . -benchmem
//
// (build vmrun first with `make test-vm`, or as .ci/test-vm does). See the
// CAN section of BENCHMARKS.md for results.
package can
