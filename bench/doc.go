// Package bench holds comparison benchmarks of anysock against peer
// libraries. It is a separate module so that the peers
// (github.com/vishvananda/netlink, github.com/jsimonetti/rtnetlink) never
// become dependencies of anysock itself. Run from this directory:
//
//	go test -run '^$' -bench . -benchmem
package bench
