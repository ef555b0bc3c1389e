package control

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// CmsgLen returns the value of the kernel's CMSG_LEN(dataLen): the
// cmsg_len of a message carrying dataLen bytes.
func CmsgLen(dataLen int) int { return unix.CmsgLen(dataLen) }

// CmsgSpace returns the value of the kernel's CMSG_SPACE(dataLen): the
// bytes a message carrying dataLen bytes occupies, padding included. Size
// receive buffers as the sum of CmsgSpace of the expected messages.
func CmsgSpace(dataLen int) int { return unix.CmsgSpace(dataLen) }

// parseOne splits the first control message off b, which holds at least
// CmsgLen(0) bytes.
func parseOne(b []byte) (level, typ int, data, rest []byte, err error) {
	h, data, rest, err := unix.ParseOneSocketControlMessage(b)
	if err != nil {
		var hdr unix.Cmsghdr
		copy(structBytes(&hdr), b)
		return 0, 0, nil, nil, &CmsgError{Level: int(hdr.Level), Type: int(hdr.Type), Msg: fmt.Sprintf("cmsg_len %d does not fit the %d bytes left", uint64(hdr.Len), len(b))}
	}
	return int(h.Level), int(h.Type), data, rest, nil
}

// structBytes returns the memory of *p as bytes.
func structBytes[T any](p *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}

// decodeStruct copies the start of data into a T; false if data is short.
func decodeStruct[T any](data []byte) (T, bool) {
	var v T
	b := structBytes(&v)
	if len(data) < len(b) {
		return v, false
	}
	copy(b, data)
	return v, true
}

func appendCmsg(b []byte, level, typ int, data []byte) ([]byte, error) {
	if int64(level) != int64(int32(level)) || int64(typ) != int64(int32(typ)) {
		return b, &CmsgError{Level: level, Type: typ, Msg: "level or type does not fit in a C int"}
	}
	h := unix.Cmsghdr{Level: int32(level), Type: int32(typ)}
	h.SetLen(unix.CmsgLen(len(data)))
	start := len(b)
	b = append(b, structBytes(&h)...)
	for len(b)-start < unix.CmsgLen(0) {
		b = append(b, 0)
	}
	b = append(b, data...)
	for len(b)-start < unix.CmsgSpace(len(data)) {
		b = append(b, 0)
	}
	return b, nil
}

func mismatch(level, typ int, want string) error {
	return &CmsgError{Level: level, Type: typ, Msg: "not " + want}
}

func short(level, typ int, what string, n int) error {
	return &CmsgError{Level: level, Type: typ, Msg: fmt.Sprintf("%s payload of %d bytes is too short", what, n)}
}

func decodeRights(level, typ int, data []byte) ([]int, error) {
	if level != unix.SOL_SOCKET || typ != unix.SCM_RIGHTS {
		return nil, mismatch(level, typ, "SCM_RIGHTS")
	}
	// x/sys's ParseUnixRights indexes past its result (and reads past the
	// payload) when the length is not a multiple of 4: cut the partial
	// descriptor off first, as CPython's recvmsg examples do.
	m := unix.SocketControlMessage{
		Header: unix.Cmsghdr{Level: int32(level), Type: int32(typ)},
		Data:   data[:len(data)&^3],
	}
	return unix.ParseUnixRights(&m)
}

func appendRights(b []byte, fds []int) ([]byte, error) {
	return append(b, unix.UnixRights(fds...)...), nil
}

func decodeCredentials(level, typ int, data []byte) (Credentials, error) {
	if level != unix.SOL_SOCKET || typ != unix.SCM_CREDENTIALS {
		return Credentials{}, mismatch(level, typ, "SCM_CREDENTIALS")
	}
	m := unix.SocketControlMessage{Header: unix.Cmsghdr{Level: int32(level), Type: int32(typ)}, Data: data}
	u, err := unix.ParseUnixCredentials(&m)
	if err != nil {
		return Credentials{}, short(level, typ, "SCM_CREDENTIALS", len(data))
	}
	return Credentials{PID: int(u.Pid), UID: u.Uid, GID: u.Gid}, nil
}

func appendCredentials(b []byte, c Credentials) ([]byte, error) {
	return append(b, unix.UnixCredentials(&unix.Ucred{Pid: int32(c.PID), Uid: c.UID, Gid: c.GID})...), nil
}

func appendPktInfo(b []byte, p PktInfo) ([]byte, error) {
	if p.IfIndex < 0 || int64(p.IfIndex) > 1<<31-1 {
		return b, &CmsgError{Level: unix.SOL_IP, Type: unix.IP_PKTINFO, Msg: fmt.Sprintf("invalid interface index %d", p.IfIndex)}
	}
	if p.Addr.Is6() && !p.Addr.Is4In6() {
		if p.Local.IsValid() {
			return b, &CmsgError{Level: unix.SOL_IPV6, Type: unix.IPV6_PKTINFO, Msg: "IPv6 packet info has no Local address"}
		}
		info := unix.Inet6Pktinfo{Addr: p.Addr.As16(), Ifindex: uint32(p.IfIndex)}
		return append(b, unix.PktInfo6(&info)...), nil
	}
	info := unix.Inet4Pktinfo{Ifindex: int32(p.IfIndex)}
	for _, a := range []struct {
		src netip.Addr
		dst *[4]byte
	}{{p.Local, &info.Spec_dst}, {p.Addr, &info.Addr}} {
		if !a.src.IsValid() {
			continue
		}
		a4 := a.src.Unmap()
		if !a4.Is4() {
			return b, &CmsgError{Level: unix.SOL_IP, Type: unix.IP_PKTINFO, Msg: fmt.Sprintf("mixed address families (%v, %v)", p.Local, p.Addr)}
		}
		*a.dst = a4.As4()
	}
	return append(b, unix.PktInfo4(&info)...), nil
}

func decodePktInfo(level, typ int, data []byte) (PktInfo, error) {
	switch {
	case level == unix.SOL_IP && typ == unix.IP_PKTINFO:
		info, ok := decodeStruct[unix.Inet4Pktinfo](data)
		if !ok {
			return PktInfo{}, short(level, typ, "IP_PKTINFO", len(data))
		}
		return PktInfo{IfIndex: int(info.Ifindex), Local: netip.AddrFrom4(info.Spec_dst), Addr: netip.AddrFrom4(info.Addr)}, nil
	case level == unix.SOL_IPV6 && typ == unix.IPV6_PKTINFO:
		info, ok := decodeStruct[unix.Inet6Pktinfo](data)
		if !ok {
			return PktInfo{}, short(level, typ, "IPV6_PKTINFO", len(data))
		}
		return PktInfo{IfIndex: int(info.Ifindex), Addr: netip.AddrFrom16(info.Addr)}, nil
	}
	return PktInfo{}, mismatch(level, typ, "IP_PKTINFO or IPV6_PKTINFO")
}

// timeOf converts seconds and nanoseconds; (0, 0) is the zero Time.
func timeOf(sec, nsec int64) time.Time {
	if sec == 0 && nsec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, nsec)
}

// unixNano is t.UnixNano with the zero Time as 0. Times outside the years
// 1678 to 2262 (and, on 32-bit systems, after 2038) do not fit.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// The *_NEW layouts (struct __kernel_sock_timeval, __kernel_timespec) use
// 64-bit fields on every architecture.
func decode64Pairs(data []byte, n int) ([][2]int64, bool) {
	if len(data) < 16*n {
		return nil, false
	}
	out := make([][2]int64, n)
	for i := range out {
		out[i] = [2]int64{int64(binary.NativeEndian.Uint64(data[16*i:])), int64(binary.NativeEndian.Uint64(data[16*i+8:]))}
	}
	return out, true
}

func decodeTimestamp(level, typ int, data []byte) (time.Time, error) {
	if level != unix.SOL_SOCKET {
		return time.Time{}, mismatch(level, typ, "a timestamp")
	}
	switch typ {
	case unix.SO_TIMESTAMP_OLD:
		tv, ok := decodeStruct[unix.Timeval](data)
		if !ok {
			return time.Time{}, short(level, typ, "SCM_TIMESTAMP", len(data))
		}
		s, ns := tv.Unix() // x/sys converts microseconds to nanoseconds
		return timeOf(s, ns), nil
	case unix.SO_TIMESTAMPNS_OLD:
		ts, ok := decodeStruct[unix.Timespec](data)
		if !ok {
			return time.Time{}, short(level, typ, "SCM_TIMESTAMPNS", len(data))
		}
		s, ns := ts.Unix()
		return timeOf(s, ns), nil
	case unix.SO_TIMESTAMP_NEW, unix.SO_TIMESTAMPNS_NEW:
		p, ok := decode64Pairs(data, 1)
		if !ok {
			return time.Time{}, short(level, typ, "timestamp", len(data))
		}
		if typ == unix.SO_TIMESTAMP_NEW {
			return timeOf(p[0][0], p[0][1]*1000), nil
		}
		return timeOf(p[0][0], p[0][1]), nil
	}
	return time.Time{}, mismatch(level, typ, "SO_TIMESTAMP or SO_TIMESTAMPNS")
}

func decodeTimestamping(level, typ int, data []byte) (Timestamps, error) {
	if level == unix.SOL_SOCKET && typ == unix.SO_TIMESTAMPING_NEW {
		p, ok := decode64Pairs(data, 3)
		if !ok {
			return Timestamps{}, short(level, typ, "SCM_TIMESTAMPING_NEW", len(data))
		}
		return Timestamps{timeOf(p[0][0], p[0][1]), timeOf(p[1][0], p[1][1]), timeOf(p[2][0], p[2][1])}, nil
	}
	if level != unix.SOL_SOCKET || typ != unix.SO_TIMESTAMPING_OLD {
		return Timestamps{}, mismatch(level, typ, "SO_TIMESTAMPING")
	}
	ts, ok := decodeStruct[[3]unix.Timespec](data)
	if !ok {
		return Timestamps{}, short(level, typ, "SCM_TIMESTAMPING", len(data))
	}
	var out [3]time.Time
	for i := range ts {
		s, ns := ts[i].Unix()
		out[i] = timeOf(s, ns)
	}
	return Timestamps{out[0], out[1], out[2]}, nil
}

func appendTimestamp(b []byte, t time.Time, ns bool) ([]byte, error) {
	n := unixNano(t)
	if ns {
		ts := unix.NsecToTimespec(n)
		return appendCmsg(b, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS_OLD, structBytes(&ts))
	}
	tv := unix.NsecToTimeval(n)
	return appendCmsg(b, unix.SOL_SOCKET, unix.SO_TIMESTAMP_OLD, structBytes(&tv))
}

func appendTimestamping(b []byte, t Timestamps) ([]byte, error) {
	var ts [3]unix.Timespec
	for i, x := range [3]time.Time{t.Software, t.Legacy, t.Hardware} {
		ts[i] = unix.NsecToTimespec(unixNano(x))
	}
	return appendCmsg(b, unix.SOL_SOCKET, unix.SO_TIMESTAMPING_OLD, structBytes(&ts))
}
