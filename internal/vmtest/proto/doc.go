// Package proto is the wire format between the VM test harness's host-side
// runner and the guest's /init program.
//
// The runner puts a Job (JSON) into the guest's initramfs. The guest talks
// back over one virtio-serial port with a stream of frames: a type byte, a
// 4-byte big-endian length and the payload. Output frames carry the test
// binary's combined stdout and stderr, log frames carry /init's own
// messages, and one Result frame ends the run; the runner answers it with a
// single Ack byte so the guest knows everything arrived before it shuts
// down. Kernel messages stay on the serial console and never mix with the
// test output.
package proto
