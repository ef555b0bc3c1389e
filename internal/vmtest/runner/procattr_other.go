//go:build !linux

package runner

import "syscall"

func qemuProcAttr() *syscall.SysProcAttr { return nil }
