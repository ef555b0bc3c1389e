//go:build !linux

package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "netlinkdump: netlink is Linux-only, not available on %s\n", runtime.GOOS)
	os.Exit(1)
}
