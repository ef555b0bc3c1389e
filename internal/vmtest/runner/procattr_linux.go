package runner

import "syscall"

// qemuProcAttr kills QEMU when the runner dies (go test killed it).
func qemuProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
