package resolver

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"syscall"
)

// Errors of the address text functions, with CPython's messages. The
// functions wrap them (errors.Is works) together with syscall.EINVAL.
var (
	ErrIllegalAton  = errors.New("illegal IP address string passed to inet_aton")
	ErrIllegalPton  = errors.New("illegal IP address string passed to inet_pton")
	ErrPackedLength = errors.New("invalid length of packed IP address string")
)

// AddrError reports text or bytes that are not an address. Err is one of
// ErrIllegalAton, ErrIllegalPton or ErrPackedLength, or syscall.EAFNOSUPPORT
// for an unknown family.
type AddrError struct {
	Func  string // "inet_aton", "inet_pton", ...
	Input string // the text, or the bytes in hex
	Err   error
}

func (e *AddrError) Error() string {
	return "resolver: " + e.Func + " " + strconv.Quote(e.Input) + ": " + e.Err.Error()
}

// Unwrap returns Err and syscall.EINVAL (or only EAFNOSUPPORT).
func (e *AddrError) Unwrap() []error {
	if e.Err == syscall.EAFNOSUPPORT {
		return []error{e.Err}
	}
	return []error{e.Err, syscall.EINVAL}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isCSpace(c byte) bool { return c == ' ' || ('\t' <= c && c <= '\r') }

// strtoul mimics C's strtoul(s, &end, base) for base 0 and 10 on the
// characters that matter here; it returns the value, the bytes consumed and
// whether it overflowed an unsigned 64-bit long. The caller has checked
// that s starts with a digit, so no sign or space is skipped.
func strtoul(s string, base int) (v uint64, n int, overflow bool) {
	i := 0
	if base == 0 {
		base = 10
		if len(s) > 0 && s[0] == '0' {
			base = 8
			if len(s) > 2 && (s[1] == 'x' || s[1] == 'X') && hexVal(s[2]) >= 0 {
				base = 16
				i = 2
			}
		}
	}
	start := i
	for ; i < len(s); i++ {
		d := hexVal(s[i])
		if d < 0 || d >= base {
			break
		}
		if v > (1<<64-1-uint64(d))/uint64(base) {
			overflow = true
		}
		v = v*uint64(base) + uint64(d)
	}
	if i == start {
		return 0, 0, false
	}
	return v, i, overflow
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// inetAtonEnd parses the start of s as glibc's inet_aton does and returns
// the address and the number of bytes used. Parts are C integers (0x hex,
// leading-0 octal, decimal); "a.b.c.d", "a.b.c" (c is 16 bits), "a.b" (b is
// 24 bits) and "a" (32 bits) are accepted.
func inetAtonEnd(s string) (addr [4]byte, n int, ok bool) {
	var parts [4]byte
	np := 0
	i := 0
	var val uint64
	for {
		if i >= len(s) || !isDigit(s[i]) {
			return addr, 0, false
		}
		v, used, overflow := strtoul(s[i:], 0)
		if overflow || v > 0xffffffff {
			return addr, 0, false
		}
		val = v
		i += used
		if i < len(s) && s[i] == '.' {
			if np > 2 || val > 0xff {
				return addr, 0, false
			}
			parts[np] = byte(val)
			np++
			i++
			continue
		}
		break
	}
	max := [4]uint64{0xffffffff, 0xffffff, 0xffff, 0xff}
	if val > max[np] {
		return addr, 0, false
	}
	w := uint32(parts[0])<<24 | uint32(parts[1])<<16 | uint32(parts[2])<<8 | uint32(parts[3])
	w |= uint32(val)
	binary.BigEndian.PutUint32(addr[:], w)
	return addr, i, true
}

// InetAton converts IPv4 text in any form C's inet_aton accepts ("1.2.3.4",
// "127.1", "0x7f000001", "017700000001", "1" ...) to its 4 bytes in network
// order. Like glibc, anything after the address is ignored when it starts
// with white space ("1.2.3.4 junk" is 1.2.3.4).
func InetAton(s string) ([4]byte, error) {
	a, n, ok := inetAtonEnd(s)
	if !ok || (n < len(s) && !(s[n] < 0x80 && isCSpace(s[n]))) {
		return [4]byte{}, &AddrError{Func: "inet_aton", Input: s, Err: ErrIllegalAton}
	}
	return a, nil
}

// inetAtonExact is glibc's __inet_aton_exact, used by getaddrinfo: the
// legacy forms, but nothing may follow the address.
func inetAtonExact(s string) ([4]byte, bool) {
	a, n, ok := inetAtonEnd(s)
	return a, ok && n == len(s)
}

// InetNtoa formats 4 bytes as dotted-quad text.
func InetNtoa(b []byte) (string, error) {
	if len(b) != 4 {
		return "", &AddrError{Func: "inet_ntoa", Input: fmt.Sprintf("%x", b), Err: ErrPackedLength}
	}
	return formatIPv4(b), nil
}

func formatIPv4(b []byte) string {
	buf := make([]byte, 0, 15)
	for i, x := range b[:4] {
		if i > 0 {
			buf = append(buf, '.')
		}
		buf = strconv.AppendUint(buf, uint64(x), 10)
	}
	return string(buf)
}

// Address families understood by InetPton, InetNtop and GetAddrInfo (Linux
// numbering, as CPython's socket module uses).
const (
	AF_UNSPEC = 0
	AF_INET   = 2
	AF_INET6  = 10
)

// InetPton converts an address in standard text form to bytes: family
// AF_INET takes exactly "d.d.d.d" (no leading zeros, no short forms) and
// gives 4 bytes; AF_INET6 takes RFC 4291 text (no zone) and gives 16 bytes.
// The rules are glibc's inet_pton.
func InetPton(family int, s string) ([]byte, error) {
	switch family {
	case AF_INET:
		var a [4]byte
		if !inetPton4(s, a[:]) {
			return nil, &AddrError{Func: "inet_pton", Input: s, Err: ErrIllegalPton}
		}
		return a[:], nil
	case AF_INET6:
		a, ok := inetPton6(s)
		if !ok {
			return nil, &AddrError{Func: "inet_pton", Input: s, Err: ErrIllegalPton}
		}
		return a[:], nil
	}
	return nil, &AddrError{Func: "inet_pton", Input: s, Err: syscall.EAFNOSUPPORT}
}

func inetPton4(s string, dst []byte) bool {
	var tmp [4]byte
	octets := 0
	sawDigit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if sawDigit && tmp[octets-1] == 0 {
				return false // leading zero
			}
			if !sawDigit {
				if octets == 4 {
					return false
				}
				octets++
				tmp[octets-1] = 0
				sawDigit = true
			}
			v := uint(tmp[octets-1])*10 + uint(c-'0')
			if v > 255 {
				return false
			}
			tmp[octets-1] = byte(v)
		case c == '.' && sawDigit:
			if octets == 4 {
				return false
			}
			sawDigit = false
		default:
			return false
		}
	}
	if octets < 4 || !sawDigit {
		return false
	}
	copy(dst, tmp[:])
	return true
}

func inetPton6(s string) ([16]byte, bool) {
	var out [16]byte
	tp := 0
	colonp := -1
	i := 0
	if len(s) == 0 {
		return out, false
	}
	if s[0] == ':' {
		if len(s) < 2 || s[1] != ':' {
			return out, false
		}
		i = 1
	}
	curtok := i
	seen := 0
	val := 0
	for i < len(s) {
		c := s[i]
		i++
		if d := hexVal(c); d >= 0 {
			if seen == 4 {
				return out, false
			}
			val = val<<4 | d
			seen++
			continue
		}
		if c == ':' {
			curtok = i
			if seen == 0 {
				if colonp >= 0 {
					return out, false
				}
				colonp = tp
				continue
			} else if i == len(s) {
				return out, false
			}
			if tp+2 > 16 {
				return out, false
			}
			out[tp], out[tp+1] = byte(val>>8), byte(val)
			tp += 2
			seen, val = 0, 0
			continue
		}
		if c == '.' && tp+4 <= 16 && inetPton4(s[curtok:], out[tp:tp+4]) {
			tp += 4
			seen = 0
			break
		}
		return out, false
	}
	if seen > 0 {
		if tp+2 > 16 {
			return out, false
		}
		out[tp], out[tp+1] = byte(val>>8), byte(val)
		tp += 2
	}
	if colonp >= 0 {
		if tp == 16 {
			return out, false
		}
		n := tp - colonp
		copy(out[16-n:], out[colonp:tp])
		for j := colonp; j < 16-n; j++ {
			out[j] = 0
		}
		tp = 16
	}
	return out, tp == 16
}

// InetNtop formats an address as text: 4 bytes for AF_INET, 16 for
// AF_INET6. IPv6 text is glibc's: the longest run of two or more zero groups
// becomes "::" (the first run on a tie), and IPv4-compatible (::a.b.c.d) and
// IPv4-mapped (::ffff:a.b.c.d) addresses end in dotted quad.
func InetNtop(family int, b []byte) (string, error) {
	switch family {
	case AF_INET:
		if len(b) != 4 {
			return "", &AddrError{Func: "inet_ntop", Input: fmt.Sprintf("%x", b), Err: ErrPackedLength}
		}
		return formatIPv4(b), nil
	case AF_INET6:
		if len(b) != 16 {
			return "", &AddrError{Func: "inet_ntop", Input: fmt.Sprintf("%x", b), Err: ErrPackedLength}
		}
		return formatIPv6([16]byte(b)), nil
	}
	return "", &AddrError{Func: "inet_ntop", Input: fmt.Sprintf("%x", b), Err: syscall.EAFNOSUPPORT}
}

func formatIPv6(a [16]byte) string {
	var w [8]uint16
	for i := range w {
		w[i] = binary.BigEndian.Uint16(a[2*i:])
	}
	bestBase, bestLen := -1, 0
	curBase, curLen := -1, 0
	for i := range w {
		if w[i] == 0 {
			if curBase < 0 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
			continue
		}
		if curBase >= 0 {
			if bestBase < 0 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase >= 0 && (bestBase < 0 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase >= 0 && bestLen < 2 {
		bestBase = -1
	}
	buf := make([]byte, 0, 46)
	for i := 0; i < 8; i++ {
		if bestBase >= 0 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				buf = append(buf, ':')
			}
			continue
		}
		if i != 0 {
			buf = append(buf, ':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff)) {
			buf = append(buf, formatIPv4(a[12:])...)
			return string(buf)
		}
		buf = strconv.AppendUint(buf, uint64(w[i]), 16)
	}
	if bestBase >= 0 && bestBase+bestLen == 8 {
		buf = append(buf, ':')
	}
	return string(buf)
}

// Htons converts a 16-bit value from host to network byte order.
func Htons(v uint16) uint16 { return swap16(v) }

// Ntohs converts a 16-bit value from network to host byte order.
func Ntohs(v uint16) uint16 { return swap16(v) }

// Htonl converts a 32-bit value from host to network byte order.
func Htonl(v uint32) uint32 { return swap32(v) }

// Ntohl converts a 32-bit value from network to host byte order.
func Ntohl(v uint32) uint32 { return swap32(v) }

func swap16(v uint16) uint16 {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], v)
	return binary.BigEndian.Uint16(b[:])
}

func swap32(v uint32) uint32 {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], v)
	return binary.BigEndian.Uint32(b[:])
}
