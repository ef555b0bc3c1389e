package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// CacheEnv names the environment variable that overrides the cache folder.
const CacheEnv = "ANYSOCK_VMTEST_CACHE"

// CacheDir returns the folder holding the harness's downloads: $CacheEnv
// when set, otherwise .cache/vmtest in the module root, the first folder
// from dir upwards that has a go.mod.
func CacheDir(dir string) (string, error) {
	if c := os.Getenv(CacheEnv); c != "" {
		return filepath.Abs(c)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, ".cache", "vmtest"), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod in %s or above it, and %s is not set", dir, CacheEnv)
		}
	}
}

// FindKernel returns the kernel image and module directory that .ci/setup
// unpacked under cache/kernel/current, with symbolic links resolved (the
// guest sees the host's paths).
func FindKernel(cache string) (kernel, moduleDir string, err error) {
	root, err := filepath.EvalSymlinks(filepath.Join(cache, "kernel", "current"))
	if err != nil {
		return "", "", fmt.Errorf("no guest kernel in %s (run make deps, i.e. .ci/setup): %w", cache, err)
	}
	kernels, _ := filepath.Glob(filepath.Join(root, "boot", "vmlinuz-*"))
	mods, _ := filepath.Glob(filepath.Join(root, "lib", "modules", "*"))
	if len(kernels) != 1 || len(mods) != 1 {
		return "", "", errors.New("expected one boot/vmlinuz-* and one lib/modules/* in " + root + " (remove it and run make deps again)")
	}
	// .ci/setup also unpacks the uncompressed ELF image: QEMU boots it
	// through its PVH entry point, which skips the real-mode set-up and
	// the decompression, slow under emulation.
	elf := filepath.Join(root, "boot", "vmlinux-"+filepath.Base(mods[0]))
	if _, err := os.Stat(elf); err == nil {
		return elf, mods[0], nil
	}
	return kernels[0], mods[0], nil
}
