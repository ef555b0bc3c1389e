//go:build !linux

package kmod

import (
	"fmt"
	"runtime"
)

// Load inserts kernel modules; it works only on Linux.
func Load(dir string, mods []Module) error {
	return fmt.Errorf("kmod: loading kernel modules is not supported on %s", runtime.GOOS)
}
