//go:build !linux

package vmtest

import (
	"fmt"
	"runtime"
)

// ModulesEnv names the variable through which the guest's /init passes the
// kernel's module directory.
const ModulesEnv = "ANYSOCK_VMTEST_MODULES"

func notLinux() error { return fmt.Errorf("vmtest: not supported on %s", runtime.GOOS) }

func loadModules(names []string) error {
	if len(names) == 0 {
		return nil
	}
	return notLinux()
}

func command(argv ...string) error   { return notLinux() }
func addVCAN(name string) error      { return notLinux() }
func addNetNS(name string) error     { return notLinux() }
func addVeth(v Veth) error           { return notLinux() }
func configureTIPC(n TIPCNode) error { return notLinux() }
func btvirt(n int) error             { return notLinux() }

// BTController is a Bluetooth controller as the kernel lists it.
type BTController struct {
	// Index is the N of hciN.
	Index uint16
	// Name is e.g. "hci0".
	Name string
	// Addr is the controller's address, e.g. "00:AA:01:00:00:23".
	Addr string
}

// BTControllers lists the Bluetooth controllers; only on Linux.
func BTControllers() ([]BTController, error) { return nil, notLinux() }
