package anysock_test

import (
	"context"
	"testing"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/netlink"
	"github.com/anysock/anysock/families/unix"
	"github.com/anysock/anysock/internal/conntest"
)

func TestConformancePacketConn(t *testing.T) {
	t.Run("unixgram", func(t *testing.T) {
		conntest.TestPacketConn(t, func(t *testing.T) (a, b *anysock.PacketConn) {
			ctx := context.Background()
			a, err := unix.ListenPacket(ctx, "unixgram", &unix.Addr{Name: abstractName(t), Net: "unixgram"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err = unix.ListenPacket(ctx, "unixgram", &unix.Addr{Name: abstractName(t), Net: "unixgram"}, nil)
			if err != nil {
				a.Close()
				t.Fatal(err)
			}
			return a, b
		}, nil)
	})
	t.Run("netlink-usersock", func(t *testing.T) {
		conntest.TestPacketConn(t, func(t *testing.T) (a, b *anysock.PacketConn) {
			ctx := context.Background()
			a, err := netlink.ListenPacket(ctx, 2, 0, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err = netlink.ListenPacket(ctx, 2, 0, nil, nil)
			if err != nil {
				a.Close()
				t.Fatal(err)
			}
			return a, b
		}, &conntest.PacketOptions{NoZeroLength: true})
	})
}

func TestConformanceSeqpacket(t *testing.T) {
	t.Run("socketpair", func(t *testing.T) {
		conntest.TestSeqpacket(t, func(t *testing.T) (a, b *anysock.Conn) { return pair(t, "unixpacket") })
	})
	t.Run("listener", func(t *testing.T) {
		conntest.TestSeqpacket(t, func(t *testing.T) (a, b *anysock.Conn) {
			ctx := context.Background()
			addr := &unix.Addr{Name: abstractName(t), Net: "unixpacket"}
			ln, err := unix.Listen(ctx, "unixpacket", addr, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			acc := make(chan *anysock.Conn, 1)
			go func() {
				c, _ := ln.AcceptContext(ctx)
				acc <- c
			}()
			a, err = unix.Dial(ctx, "unixpacket", nil, addr, nil)
			if err != nil {
				t.Fatal(err)
			}
			b = <-acc
			if b == nil {
				a.Close()
				t.Fatal("accept failed")
			}
			return a, b
		})
	})
}
