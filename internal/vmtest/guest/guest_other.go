//go:build !linux

package guest

import (
	"fmt"
	"os"
	"runtime"
)

// Main is the guest's /init; it only works on Linux.
func Main() {
	fmt.Fprintf(os.Stderr, "vmtest guest: not supported on %s\n", runtime.GOOS)
	os.Exit(1)
}
