// Package leakcheck fails a test binary that leaks goroutines or file
// descriptors. Every test package in anysock calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { leakcheck.Main(m) }
//
// Main counts the entries of /proc/self/fd before and after the tests run
// and asks goleak for goroutines that outlive them. Either kind of leak makes
// the binary exit non-zero with a report naming the leaked descriptors (their
// /proc/self/fd link targets) or goroutines (their stacks).
package leakcheck
