package proto

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Paths and names shared by the runner and the guest.
const (
	// JobPath is where the job description lies in the initramfs.
	JobPath = "/anysock/job.json"
	// ModuleDir holds the modules the guest loads before it can reach
	// the host's files, named "NN-name.ko" in load order.
	ModuleDir = "/anysock/modules"
	// PortName is the virtio-serial port's name.
	PortName = "anysock.vmtest"
	// MountTag is the 9p tag of the host's root file system.
	MountTag = "hostroot"
	// CmdlineFlag is on the guest kernel's command line; code that
	// changes the system (loads modules, adds links) checks for it so it
	// never does so on a host.
	CmdlineFlag = "anysock.vmtest=1"
	// Ack is what the runner sends after a Result frame.
	Ack = 'A'
)

// WritableTag is the 9p tag of the job's i-th writable directory.
func WritableTag(i int) string { return fmt.Sprintf("rw%d", i) }

// Exit codes of the runner, distinct from a test binary's own (0 pass,
// 1 fail, 2 panic or bad flags).
const (
	// ExitTimeout: the guest did not finish in time and was killed.
	ExitTimeout = 124
	// ExitHarness: the harness failed (no kernel, QEMU error, /init or
	// vmtest.Setup could not prepare the guest); the tests did not run
	// or their result is unknown.
	ExitHarness = 125
	// ExitPanic: the guest kernel panicked.
	ExitPanic = 126
)

// Job tells the guest what to run.
type Job struct {
	// Argv is the program and its arguments (a test binary and its
	// -test.* flags), as host paths.
	Argv []string `json:"argv"`
	// Dir is the working directory (the package directory).
	Dir string `json:"dir"`
	// Env is the environment, "KEY=value" entries.
	Env []string `json:"env"`
	// ModuleDir is the host's lib/modules/<release> directory of the
	// guest kernel; vmtest.Setup loads modules from there.
	ModuleDir string `json:"module_dir"`
	// Shell starts an interactive shell on the console instead of Argv.
	Shell bool `json:"shell,omitempty"`
	// WritableDirs are host directories shared read-write (coverage and
	// profile output); the guest mounts WritableTag(i) on WritableDirs[i].
	WritableDirs []string `json:"writable_dirs,omitempty"`
}

// Frame types.
const (
	Output byte = 'O' // test binary output
	Log    byte = 'L' // /init's messages
	Result byte = 'R' // final Result, JSON
)

// MaxFrame is the largest payload a frame may carry.
const MaxFrame = 1 << 20

// Status is the payload of the Result frame.
type Status struct {
	// Exit is the test program's exit status (128+signal when killed).
	Exit int `json:"exit"`
	// Error is set when the harness inside the guest failed; the tests
	// then did not run (Exit is meaningless).
	Error string `json:"error,omitempty"`
	// BootMillis is the guest's uptime when the test program started.
	BootMillis int64 `json:"boot_ms"`
	// RunMillis is how long the test program ran.
	RunMillis int64 `json:"run_ms"`
}

// WriteFrame writes one frame. Payloads above MaxFrame are split.
func WriteFrame(w io.Writer, typ byte, payload []byte) error {
	for {
		n := min(len(payload), MaxFrame)
		var hdr [5]byte
		hdr[0] = typ
		binary.BigEndian.PutUint32(hdr[1:], uint32(n))
		if _, err := w.Write(append(hdr[:], payload[:n]...)); err != nil {
			return err
		}
		payload = payload[n:]
		if len(payload) == 0 {
			return nil
		}
	}
}

// WriteResult writes the Result frame for s.
func WriteResult(w io.Writer, s Status) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return WriteFrame(w, Result, b)
}

// ErrBadFrame is returned (wrapped) by Reader for malformed input.
var ErrBadFrame = errors.New("proto: malformed frame")

// Reader reads frames.
type Reader struct {
	r   io.Reader
	buf []byte
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// Next returns the next frame's type and payload. The payload is valid
// until the next call. It returns io.EOF at a clean end of the stream and
// io.ErrUnexpectedEOF inside a frame.
func (r *Reader) Next() (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r.r, hdr[:]); err != nil {
		return 0, nil, err
	}
	typ, n := hdr[0], binary.BigEndian.Uint32(hdr[1:])
	switch typ {
	case Output, Log, Result:
	default:
		return 0, nil, fmt.Errorf("%w: unknown type %#x", ErrBadFrame, typ)
	}
	if n > MaxFrame {
		return 0, nil, fmt.Errorf("%w: length %d above %d", ErrBadFrame, n, MaxFrame)
	}
	if cap(r.buf) < int(n) {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, err
	}
	return typ, b, nil
}

// ParseStatus decodes a Result frame's payload.
func ParseStatus(b []byte) (Status, error) {
	var s Status
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%w: result: %v", ErrBadFrame, err)
	}
	return s, nil
}
