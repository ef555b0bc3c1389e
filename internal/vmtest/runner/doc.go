// Package runner boots the VM test harness's guest under QEMU and reports
// what happened.
//
// Run builds an initramfs (the guest's /init program, the modules the guest
// needs to reach the host's files over 9p, and a proto.Job naming the
// program to run), starts qemu-system-x86_64 with software emulation (TCG),
// copies the program's output from the guest's virtio-serial port to
// Config.Stdout and keeps the last lines of the serial console. The Result
// tells the four outcomes apart: the program's own exit status (tests passed
// or failed), a harness failure, a guest kernel panic and a timeout; each
// has its own exit code (see proto.ExitHarness and friends).
//
// The command internal/vmtest/cmd/vmrun wraps Run in the protocol of
// `go test -exec`.
package runner
