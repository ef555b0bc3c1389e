package kmod

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Load inserts mods, in the order given, from the module directory dir with
// finit_module(2). A module that is already loaded (EEXIST) is not an
// error. It needs CAP_SYS_MODULE.
func Load(dir string, mods []Module) error {
	for _, m := range mods {
		if err := loadOne(filepath.Join(dir, m.Path)); err != nil {
			return fmt.Errorf("kmod: loading %s (%s): %w", m.Name, m.Path, err)
		}
	}
	return nil
}

func loadOne(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		err = unix.FinitModule(int(f.Fd()), "", 0)
		if err == unix.EINTR {
			continue
		}
		if err == nil || errors.Is(err, unix.EEXIST) {
			return nil
		}
		return os.NewSyscallError("finit_module", err)
	}
}
