// Package cpio writes archives in the "newc" format (the SVR4 portable
// format without checksums) that the Linux kernel unpacks as an initramfs.
//
// The VM test harness builds a fresh initramfs for every guest boot: the
// guest's /init program, the few kernel modules needed to reach the host's
// files, and a job description. Only what the kernel's initramfs unpacker
// needs is supported: regular files, directories, symbolic links and device
// nodes, with no hard links.
package cpio
