// Package testenv holds the rules anysock's tests follow when the
// environment lacks something: a socket family the kernel was built without,
// or a peer program (python3, cansend, tipc, l2test...) to talk to.
//
// On a developer machine such tests skip with a message naming what is
// missing. Two environment variables turn those skips into failures:
//
//   - ANYSOCK_VMTEST=1 is set by the VM harness (internal/vmtest) inside the
//     guest, whose kernel has every family: a test that would skip there for
//     missing kernel support fails instead.
//   - ANYSOCK_REQUIRE_PEERS=1 is set by `make test`, which installs every
//     peer program first: a missing peer is then a broken set-up, not a
//     reason to skip.
package testenv
