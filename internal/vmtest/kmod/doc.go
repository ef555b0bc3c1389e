// Package kmod finds Linux kernel modules in an unpacked kernel package and
// loads them in dependency order.
//
// Debian's kernel packages ship plain .ko files but no modules.dep (depmod
// runs when the package is installed), so the dependencies come from each
// module's own .modinfo section ("depends=can,can-dev"). BuildIndex reads
// those once on the host and the result is saved next to the modules
// (WriteFile/ReadFile); inside the VM guest, Index.Order resolves the
// modules a test asked for, leaves first, and Load inserts them with
// finit_module(2).
package kmod
