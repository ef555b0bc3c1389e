package anysock_test

import (
	"net"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

var unixPid = os.Getpid()

const (
	msgPeek     = unix.MSG_PEEK
	msgTrunc    = unix.MSG_TRUNC
	msgDontWait = unix.MSG_DONTWAIT
)

var (
	errENOENT       = unix.ENOENT
	errECONNREFUSED = unix.ECONNREFUSED
	errEAFNOSUPPORT = unix.EAFNOSUPPORT
	errEAGAIN       = unix.EAGAIN
)

// fakeCodec names a family but cannot encode addresses.
type fakeCodec int

func (c fakeCodec) Family() int                                         { return int(c) }
func (c fakeCodec) AppendSockaddr(b []byte, _ net.Addr) ([]byte, error) { return b, nil }
func (c fakeCodec) ParseSockaddr([]byte) (net.Addr, error)              { return nil, nil }

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }
