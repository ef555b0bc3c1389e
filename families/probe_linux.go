//go:build linux

package families

import (
	"errors"

	"golang.org/x/sys/unix"
)

func isPermission(err error) bool {
	return errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)
}
