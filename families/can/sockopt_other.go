//go:build !linux

package can

import (
	"fmt"
	"runtime"
	"syscall"
	"time"
)

var errOS = fmt.Errorf("can: AF_CAN is not supported on %s (Linux only)", runtime.GOOS)

func setsockopt(syscall.RawConn, int, int, []byte) error        { return errOS }
func getsockopt(syscall.RawConn, int, int, []byte) (int, error) { return 0, errOS }
func ifIndex(syscall.RawConn, string) (int, error)              { return 0, errOS }
func parseTimestamp([]byte) (time.Time, bool)                   { return time.Time{}, false }

const (
	solSocket       = 1
	soBroadcast     = 6
	soTimestampNS   = 64
	soTimestampOld  = 35
	msgDontRoute    = 4
	msgConfirm      = 0x800
	errnoEINVAL     = syscall.Errno(22)
	errnoENETDOWN   = syscall.Errno(100)
	errnoEADDRINUSE = syscall.Errno(98)
)

func parseJ1939Cmsgs([]byte, *J1939Info) {}
