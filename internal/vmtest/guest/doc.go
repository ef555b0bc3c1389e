// Package guest is the /init program of the VM test harness's guest.
//
// The runner (package runner) boots a stock Debian kernel with a tiny
// initramfs holding this program, a few kernel modules and a proto.Job.
// Main then
//
//  1. mounts /dev, /proc and /sys and loads the initramfs's modules
//     (virtio, virtio-serial, 9p, overlayfs);
//  2. mounts the host's root file system read-only over 9p, puts a tmpfs
//     overlay on top of it and changes root into it, so the guest sees the
//     host's test binaries, Go toolchain, python3 and peer tools unchanged
//     and may write anywhere without touching the host;
//  3. brings the loopback interface up, disables the kernel's module
//     auto-loading (tests declare their modules through vmtest.Setup), and
//     sets ANYSOCK_VMTEST=1 and ANYSOCK_REQUIRE_PEERS=1;
//  4. runs the job's program in its directory, streaming its output to the
//     runner over a virtio-serial port, then sends the exit status, waits
//     for the runner's acknowledgement and resets the guest, which ends QEMU
//     (it runs with -no-reboot).
//
// Whatever goes wrong before the program starts is reported to the runner
// as a harness failure, never as a test failure.
package guest
