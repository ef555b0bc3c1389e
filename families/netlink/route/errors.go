package route

import (
	"errors"
	"fmt"
	"strconv"
	"syscall"
)

// ErrMalformed is matched by errors about messages that cannot be decoded:
// truncated, with impossible lengths or values.
var ErrMalformed = errors.New("malformed rtnetlink message")

// ErrDumpInterrupted is matched by a *DumpInterruptedError.
var ErrDumpInterrupted = errors.New("rtnetlink dump interrupted (NLM_F_DUMP_INTR): table changed during every attempt")

// ErrEventsLost is matched by the error a Watcher returns when the kernel
// dropped events because the receive buffer was full (ENOBUFS). The Watcher
// stays usable; state derived from events must be re-read.
var ErrEventsLost = errors.New("rtnetlink events lost: receive buffer overflowed")

// A DumpInterruptedError reports that every attempt of a dump was
// interrupted by concurrent changes (NLM_F_DUMP_INTR).
type DumpInterruptedError struct {
	Op       string // "links", "addresses", "routes", "neighbors"
	Attempts int
}

// Error implements the error interface.
func (e *DumpInterruptedError) Error() string {
	return fmt.Sprintf("route: %s dump interrupted by concurrent changes (NLM_F_DUMP_INTR) on all %d attempts", e.Op, e.Attempts)
}

// Is reports whether target is ErrDumpInterrupted.
func (e *DumpInterruptedError) Is(target error) bool { return target == ErrDumpInterrupted }

// A LostError reports that events were lost. It matches ErrEventsLost and
// unwraps to the receive error (which matches syscall.ENOBUFS).
type LostError struct {
	Err error
}

// Error implements the error interface.
func (e *LostError) Error() string {
	return "route: events lost, receive buffer overflowed (ENOBUFS); re-read the state you track: " + e.Err.Error()
}

// Is reports whether target is ErrEventsLost.
func (e *LostError) Is(target error) bool { return target == ErrEventsLost }

// Unwrap returns the receive error.
func (e *LostError) Unwrap() error { return e.Err }

// An Error is an error the kernel returned for a request (an NLMSG_ERROR
// with a negative error code).
type Error struct {
	Op      string        // the request, e.g. "add route"
	Errno   syscall.Errno // the kernel's error code
	Message string        // extended ACK message, if the kernel sent one
	Offset  int           // extended ACK offset of the bad attribute in the request, 0 if none
}

// Error implements the error interface.
func (e *Error) Error() string {
	s := "route: " + e.Op + ": " + e.Errno.Error()
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Offset != 0 {
		s += " (at request offset " + strconv.Itoa(e.Offset) + ")"
	}
	return s
}

// Unwrap returns the errno, so errors.Is(err, syscall.EEXIST) works.
func (e *Error) Unwrap() error { return e.Errno }

// A DecodeError reports a message that could not be decoded. It matches
// ErrMalformed.
type DecodeError struct {
	What string // "route", "link", "attribute", ...
	Err  string
}

// Error implements the error interface.
func (e *DecodeError) Error() string { return "route: malformed " + e.What + " message: " + e.Err }

// Is reports whether target is ErrMalformed.
func (e *DecodeError) Is(target error) bool { return target == ErrMalformed }

func malformed(what, format string, args ...any) error {
	return &DecodeError{What: what, Err: fmt.Sprintf(format, args...)}
}

func itoa(n int) string { return strconv.Itoa(n) }
