//go:build !linux

package route

import (
	"context"
	"fmt"
	"runtime"

	"github.com/mdlayher/netlink"
)

var errOS = fmt.Errorf("route: rtnetlink is not supported on %s", runtime.GOOS)

type transport struct{ pid uint32 }

func dialTransport(context.Context, *Config, []Group) (*transport, error) { return nil, errOS }

func (t *transport) close() error                         { return errOS }
func (t *transport) recv(context.Context) ([]byte, error) { return nil, errOS }

func (t *transport) roundTrip(context.Context, string, uint16, netlink.HeaderFlags, []byte, func(netlink.Header, []byte) error) (bool, error) {
	return false, errOS
}
