package resolver

import (
	"context"
	"errors"
	"net"
	"strconv"
)

// EAI is a getaddrinfo/getnameinfo error code, with glibc's values. Its
// Error method returns glibc's gai_strerror text, so an EAI is itself an
// error and errors.Is(err, EAI_NONAME) works on an *Error.
type EAI int

// The EAI codes (glibc numbering, as in CPython's socket.gaierror).
const (
	EAI_BADFLAGS   EAI = -1
	EAI_NONAME     EAI = -2
	EAI_AGAIN      EAI = -3
	EAI_FAIL       EAI = -4
	EAI_NODATA     EAI = -5
	EAI_FAMILY     EAI = -6
	EAI_SOCKTYPE   EAI = -7
	EAI_SERVICE    EAI = -8
	EAI_ADDRFAMILY EAI = -9
	EAI_MEMORY     EAI = -10
	EAI_SYSTEM     EAI = -11
	EAI_OVERFLOW   EAI = -12
)

// Error returns glibc's gai_strerror text for the code.
func (c EAI) Error() string {
	switch c {
	case EAI_BADFLAGS:
		return "Bad value for ai_flags"
	case EAI_NONAME:
		return "Name or service not known"
	case EAI_AGAIN:
		return "Temporary failure in name resolution"
	case EAI_FAIL:
		return "Non-recoverable failure in name resolution"
	case EAI_NODATA:
		return "No address associated with hostname"
	case EAI_FAMILY:
		return "ai_family not supported"
	case EAI_SOCKTYPE:
		return "ai_socktype not supported"
	case EAI_SERVICE:
		return "Servname not supported for ai_socktype"
	case EAI_ADDRFAMILY:
		return "Address family for hostname not supported"
	case EAI_MEMORY:
		return "Memory allocation failure"
	case EAI_SYSTEM:
		return "System error"
	case EAI_OVERFLOW:
		return "Argument buffer overflow"
	}
	return "Unknown error"
}

// Error is the error of GetAddrInfo, GetNameInfo and the functions built on
// them, CPython's socket.gaierror. Err, when set, is the cause: a
// *net.DNSError, a context error, or a syscall error.
type Error struct {
	Func string // "getaddrinfo", "getnameinfo", ...
	Name string // what was looked up
	Code EAI
	Err  error
}

func (e *Error) Error() string {
	s := "resolver: " + e.Func + " " + strconv.Quote(e.Name) + ": " + e.Code.Error()
	if e.Err != nil {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

// Unwrap returns the code and the cause.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Code}
	}
	return []error{e.Code, e.Err}
}

// Timeout reports whether the lookup timed out.
func (e *Error) Timeout() bool {
	var ne net.Error
	return errors.Is(e.Err, context.DeadlineExceeded) || (errors.As(e.Err, &ne) && ne.Timeout())
}

// Temporary reports whether retrying may succeed (EAI_AGAIN).
func (e *Error) Temporary() bool { return e.Code == EAI_AGAIN }

// HErrno is an h_errno value from gethostbyname and gethostbyaddr. Its
// Error method returns glibc's hstrerror text.
type HErrno int

// The h_errno codes.
const (
	HOST_NOT_FOUND HErrno = 1
	TRY_AGAIN      HErrno = 2
	NO_RECOVERY    HErrno = 3
	NO_DATA        HErrno = 4
)

// Error returns glibc's hstrerror text for the code.
func (h HErrno) Error() string {
	switch h {
	case HOST_NOT_FOUND:
		return "Unknown host"
	case TRY_AGAIN:
		return "Host name lookup failure"
	case NO_RECOVERY:
		return "Unknown server error"
	case NO_DATA:
		return "No address associated with name"
	}
	return "Resolver internal error"
}

// HostError is the error of GetHostByAddr, CPython's socket.herror.
type HostError struct {
	Func string
	Name string
	Code HErrno
	Err  error
}

func (e *HostError) Error() string {
	s := "resolver: " + e.Func + " " + strconv.Quote(e.Name) + ": " + e.Code.Error()
	if e.Err != nil {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

// Unwrap returns the code and the cause.
func (e *HostError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Code}
	}
	return []error{e.Code, e.Err}
}

// Errors of the services, protocols and interfaces databases, with CPython's
// messages. The functions return a *NotFoundError wrapping one of them.
var (
	ErrServiceNotFound   = errors.New("service/proto not found")
	ErrProtocolNotFound  = errors.New("protocol not found")
	ErrInterfaceNotFound = errors.New("no interface with this name")
)

// NotFoundError reports a name or number missing from a database.
type NotFoundError struct {
	Func string // "getservbyname", ...
	Name string
	Err  error // ErrServiceNotFound, ErrProtocolNotFound, ErrInterfaceNotFound, or a syscall.Errno
}

func (e *NotFoundError) Error() string {
	return "resolver: " + e.Func + " " + strconv.Quote(e.Name) + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *NotFoundError) Unwrap() error { return e.Err }

// dnsCode maps a lookup error from net.Resolver to an EAI code as glibc
// would report it.
func dnsCode(err error) EAI {
	var de *net.DNSError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return EAI_AGAIN
	case errors.As(err, &de):
		switch {
		case de.IsNotFound:
			return EAI_NONAME
		case de.IsTimeout, de.IsTemporary:
			return EAI_AGAIN
		}
		return EAI_FAIL
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return EAI_AGAIN
	}
	return EAI_FAIL
}
