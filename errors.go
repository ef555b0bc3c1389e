package anysock

import (
	"errors"
	"fmt"
	"strings"
)

// ErrFamilyNotSupported is matched (with errors.Is) by errors reporting that
// the running kernel lacks a socket family, protocol or socket type. The
// concrete error is an *UnsupportedError naming the kernel modules to load.
var ErrFamilyNotSupported = errors.New("socket family not supported by this kernel")

// ErrTruncated is matched by the error returned when a datagram was longer
// than the caller's buffer: the bytes that fit are returned with it, the rest
// were discarded by the kernel. Use a larger buffer (or MSG_PEEK|MSG_TRUNC to
// learn the size first).
var ErrTruncated = errors.New("message truncated: buffer too small")

// ErrControlTruncated is matched by the error returned when control messages
// (ancillary data) did not fit the caller's non-empty buffer (MSG_CTRUNC). A
// call made without a control buffer asked for none and gets no such error
// (the kernel then installs no descriptors). Any file
// descriptors that arrived in the part that fit have been closed, and their
// numbers in the returned buffer replaced by -1, so none leak and none can be
// used by mistake.
var ErrControlTruncated = errors.New("control message truncated: buffer too small, received descriptors closed")

// An UnsupportedError reports that the running kernel lacks a socket family,
// protocol or socket type.
type UnsupportedError struct {
	// Network is the anysock network name, such as "can" or "tipc".
	Network string

	// Modules are the kernel modules that provide it.
	Modules []string

	// Err is the error socket(2) returned: EAFNOSUPPORT, EPROTONOSUPPORT or
	// ESOCKTNOSUPPORT.
	Err error
}

func (e *UnsupportedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kernel does not support network %q", e.Network)
	if len(e.Modules) > 0 {
		fmt.Fprintf(&b, " (load kernel module %s, e.g. modprobe %s)",
			strings.Join(e.Modules, ", "), e.Modules[len(e.Modules)-1])
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying system call error.
func (e *UnsupportedError) Unwrap() error { return e.Err }

// Is reports whether target is ErrFamilyNotSupported.
func (e *UnsupportedError) Is(target error) bool { return target == ErrFamilyNotSupported }

// An AddrError reports an address that does not fit a family's codec: the
// wrong net.Addr type, a value out of range, or a malformed sockaddr from the
// kernel. Family parsers return it for malformed text, naming the expected
// syntax.
type AddrError struct {
	// Network is the network name, such as "can".
	Network string
	// Addr is the offending address (text or %v of the value).
	Addr string
	// Err explains what is wrong, including the expected syntax.
	Err string
}

func (e *AddrError) Error() string {
	if e.Addr == "" {
		return fmt.Sprintf("invalid %s address: %s", e.Network, e.Err)
	}
	return fmt.Sprintf("invalid %s address %q: %s", e.Network, e.Addr, e.Err)
}
