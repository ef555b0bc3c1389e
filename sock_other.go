//go:build !linux

package anysock

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// sock is a placeholder on systems other than Linux: every constructor fails
// with errUnsupportedOS, so no method below is reached with a live socket.
type sock struct {
	proto        Proto
	laddr, raddr net.Addr
	closed       atomic.Bool
}

var errUnsupportedOS = fmt.Errorf("anysock: not supported on %s (Linux only)", runtime.GOOS)

const (
	shutRD = 0
	shutWR = 1
)

func newSock(Proto, *Config, net.Addr) (*sock, error) { return nil, errUnsupportedOS }
func fileSock(Proto, *os.File) (*sock, error)         { return nil, errUnsupportedOS }

func (s *sock) connect(context.Context, net.Addr) error { return errUnsupportedOS }
func (s *sock) listen(int) error                        { return errUnsupportedOS }
func (s *sock) fillAddrs(bool) error                    { return errUnsupportedOS }
func (s *sock) read(context.Context, []byte) (int, error) {
	return 0, errUnsupportedOS
}
func (s *sock) write(context.Context, []byte) (int, error) {
	return 0, errUnsupportedOS
}
func (s *sock) readMsg(context.Context, []byte, []byte, int, bool) (int, int, int, net.Addr, error) {
	return 0, 0, 0, nil, errUnsupportedOS
}
func (s *sock) writeMsg(context.Context, []byte, []byte, net.Addr, int) (int, int, error) {
	return 0, 0, errUnsupportedOS
}
func (s *sock) readBatch(context.Context, []Message, int, bool) (int, error) {
	return 0, errUnsupportedOS
}
func (s *sock) writeBatch(context.Context, []Message, int) (int, error) {
	return 0, errUnsupportedOS
}
func (s *sock) accept(context.Context) (*sock, error) { return nil, errUnsupportedOS }
func (s *sock) close() error                          { return errUnsupportedOS }
func (s *sock) eofOnZero() bool                       { return false }
func (s *sock) shutdown(int) error                    { return errUnsupportedOS }
func (s *sock) setDeadline(time.Time) error           { return errUnsupportedOS }
func (s *sock) setReadDeadline(time.Time) error       { return errUnsupportedOS }
func (s *sock) setWriteDeadline(time.Time) error      { return errUnsupportedOS }
func (s *sock) setReadBuffer(int) error               { return errUnsupportedOS }
func (s *sock) setWriteBuffer(int) error              { return errUnsupportedOS }
func (s *sock) syscallConn() (syscall.RawConn, error) { return nil, errUnsupportedOS }
func (s *sock) file() (*os.File, error)               { return nil, errUnsupportedOS }
