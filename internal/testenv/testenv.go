package testenv

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// InVM reports whether the test runs inside the VM harness's guest.
func InVM() bool { return os.Getenv("ANYSOCK_VMTEST") == "1" }

// PeersRequired reports whether missing peer programs must fail tests.
func PeersRequired() bool { return os.Getenv("ANYSOCK_REQUIRE_PEERS") == "1" || InVM() }

// IsUnsupported reports whether err says the kernel lacks a socket family,
// protocol or socket type.
func IsUnsupported(err error) bool {
	return errors.Is(err, syscall.EAFNOSUPPORT) ||
		errors.Is(err, syscall.EPROTONOSUPPORT) ||
		errors.Is(err, syscall.ESOCKTNOSUPPORT)
}

// SkipUnsupported skips t when err says the kernel lacks what the test
// needs, naming it (what, e.g. "AF_CAN (modprobe can can_raw)"). Inside the
// VM it fails the test instead. Any other non-nil err fails the test.
func SkipUnsupported(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if IsUnsupported(err) {
		if InVM() {
			t.Fatalf("kernel lacks %s inside the VM (must not happen): %v", what, err)
		}
		t.Skipf("kernel lacks %s: %v", what, err)
	}
	t.Fatalf("%s: %v", what, err)
}

// LookPeer returns the path of the peer program name. When it is missing the
// test skips, or fails if peers are required.
func LookPeer(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if PeersRequired() {
			t.Fatalf("peer program %q not found (make test installs it): %v", name, err)
		}
		t.Skipf("peer program %q not found: %v", name, err)
	}
	return p
}

// RequireRoot skips t unless the process runs as root (needed for network
// namespaces, veth links, AF_PACKET). Under `make test` it fails instead.
func RequireRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if PeersRequired() {
			t.Fatalf("%s needs root", why)
		}
		t.Skipf("%s needs root", why)
	}
}
