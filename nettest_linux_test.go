package anysock_test

import (
	"context"
	"fmt"
	"net"
	"sync/atomic"
	"testing"

	"github.com/anysock/anysock/families/unix"
	"golang.org/x/net/nettest"
)

var nameSeq atomic.Int64

// abstractName returns a unique abstract Unix socket name for this test.
func abstractName(t testing.TB) string {
	return fmt.Sprintf("@anysock-test-%d-%d", unixPid, nameSeq.Add(1))
}

// listenerPipe makes a nettest.MakePipe over a real listener: one end
// dialled, the other accepted.
func listenerPipe(network string) nettest.MakePipe {
	return func() (c1, c2 net.Conn, stop func(), err error) {
		ctx := context.Background()
		name := fmt.Sprintf("@anysock-pipe-%d-%d", unixPid, nameSeq.Add(1))
		ln, err := unix.Listen(ctx, network, &unix.Addr{Name: name, Net: network}, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		defer ln.Close()
		type res struct {
			c   net.Conn
			err error
		}
		ch := make(chan res, 1)
		go func() {
			c, err := ln.Accept()
			ch <- res{c, err}
		}()
		d, err := unix.Dial(ctx, network, nil, &unix.Addr{Name: name, Net: network}, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		r := <-ch
		if r.err != nil {
			d.Close()
			return nil, nil, nil, r.err
		}
		return d, r.c, func() { d.Close(); r.c.Close() }, nil
	}
}

func TestNettestConnUnixStream(t *testing.T) {
	nettest.TestConn(t, listenerPipe("unix"))
}

func TestNettestConnUnixSeqpacket(t *testing.T) {
	nettest.TestConn(t, listenerPipe("unixpacket"))
}

func TestNettestConnSocketpair(t *testing.T) {
	for _, network := range []string{"unix", "unixpacket"} {
		t.Run(network, func(t *testing.T) {
			nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
				a, b, err := unix.Pair(network)
				if err != nil {
					return nil, nil, nil, err
				}
				return a, b, func() { a.Close(); b.Close() }, nil
			})
		})
	}
}
