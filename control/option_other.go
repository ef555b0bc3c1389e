//go:build !linux

package control

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"time"
)

var errOS = fmt.Errorf("control: socket options are not supported on %s: %w", runtime.GOOS, errors.ErrUnsupported)

func isUnsupported(err error) bool { return errors.Is(err, errors.ErrUnsupported) }

func getInt(c syscall.RawConn, k Key) (int, error) { return 0, optErr("getsockopt", k, errOS) }
func setInt(c syscall.RawConn, k Key, v int) error { return optErr("setsockopt", k, errOS) }
func getTimeval(c syscall.RawConn, k Key) (time.Duration, error) {
	return 0, optErr("getsockopt", k, errOS)
}
func setTimeval(c syscall.RawConn, k Key, d time.Duration) error {
	return optErr("setsockopt", k, errOS)
}
func getString(c syscall.RawConn, k Key) (string, error) { return "", optErr("getsockopt", k, errOS) }
func setString(c syscall.RawConn, k Key, s string) error { return optErr("setsockopt", k, errOS) }
func getBytes(c syscall.RawConn, k Key, max int) ([]byte, error) {
	return nil, optErr("getsockopt", k, errOS)
}
func setBytes(c syscall.RawConn, k Key, b []byte) error { return optErr("setsockopt", k, errOS) }
func getLinger(c syscall.RawConn, k Key) (Linger, error) {
	return Linger{}, optErr("getsockopt", k, errOS)
}
func setLinger(c syscall.RawConn, k Key, l Linger) error { return optErr("setsockopt", k, errOS) }
func setCANFilters(c syscall.RawConn, k Key, fs []CANFilter) error {
	return optErr("setsockopt", k, errOS)
}
