package anysock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"syscall"
)

var errEOF = io.EOF

// opError builds the *net.OpError returned by every operation. It maps the
// poller's and os's close errors to net.ErrClosed, unwraps *fs.PathError
// (which os.File puts around read/write errors) and wraps bare errnos in
// *os.SyscallError, so that every error satisfies errors.Is with
// net.ErrClosed, os.ErrDeadlineExceeded, context.Canceled or a
// syscall.Errno as appropriate.
func opError(op, network string, src, dst net.Addr, err error, closed bool) error {
	if err == nil || err == io.EOF {
		return err
	}
	switch {
	case closed && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
		err = net.ErrClosed
	case errors.Is(err, os.ErrClosed), errors.Is(err, net.ErrClosed), isFileClosing(err):
		err = net.ErrClosed
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = os.ErrDeadlineExceeded
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errno, ok := err.(syscall.Errno); ok {
			err = os.NewSyscallError(op, errno)
		}
	}
	return &net.OpError{Op: op, Net: network, Source: src, Addr: dst, Err: err}
}

// isFileClosing matches internal/poll.ErrFileClosing, which os.File's
// RawConn returns unwrapped when the file is closed during a call.
func isFileClosing(err error) bool { return err.Error() == "use of closed file" }

// errInvalid is returned by methods called on a nil or zero value.
var errInvalid = syscall.EINVAL

func addrString(a net.Addr) string {
	if a == nil {
		return "<nil>"
	}
	return fmt.Sprint(a)
}

// ctxOrBackground treats a nil context as context.Background, so that no
// method panics on it.
func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// errMissingAddress is returned by WriteTo with a nil address.
var errMissingAddress = &net.AddrError{Err: "missing address"}
