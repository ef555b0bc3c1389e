//go:build !linux

package control

import (
	"time"
	"unsafe"
)

// CmsgLen returns the value of Linux's CMSG_LEN(dataLen) for this
// architecture's word size. Control messages are only supported on Linux.
func CmsgLen(dataLen int) int { return cmsgAlign(sizeofCmsghdr) + dataLen }

// CmsgSpace returns the value of Linux's CMSG_SPACE(dataLen) for this
// architecture's word size. Control messages are only supported on Linux.
func CmsgSpace(dataLen int) int { return cmsgAlign(sizeofCmsghdr) + cmsgAlign(dataLen) }

const sizeofCmsghdr = int(unsafe.Sizeof(uintptr(0))) + 8

func cmsgAlign(n int) int {
	const a = int(unsafe.Sizeof(uintptr(0)))
	return (n + a - 1) &^ (a - 1)
}

func parseOne(b []byte) (int, int, []byte, []byte, error)              { return 0, 0, nil, nil, errOS }
func appendCmsg(b []byte, level, typ int, data []byte) ([]byte, error) { return b, errOS }
func decodeRights(level, typ int, data []byte) ([]int, error)          { return nil, errOS }
func appendRights(b []byte, fds []int) ([]byte, error)                 { return b, errOS }
func decodeCredentials(level, typ int, data []byte) (Credentials, error) {
	return Credentials{}, errOS
}
func appendCredentials(b []byte, c Credentials) ([]byte, error)  { return b, errOS }
func appendPktInfo(b []byte, p PktInfo) ([]byte, error)          { return b, errOS }
func decodePktInfo(level, typ int, data []byte) (PktInfo, error) { return PktInfo{}, errOS }
func decodeTimestamp(level, typ int, data []byte) (time.Time, error) {
	return time.Time{}, errOS
}
func decodeTimestamping(level, typ int, data []byte) (Timestamps, error) {
	return Timestamps{}, errOS
}
func appendTimestamp(b []byte, t time.Time, ns bool) ([]byte, error) { return b, errOS }
func appendTimestamping(b []byte, t Timestamps) ([]byte, error)      { return b, errOS }
