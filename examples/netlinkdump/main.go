//go:build linux

package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"os"
	"syscall"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families"
	"github.com/anysock/anysock/families/netlink"
	mdnetlink "github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer) error {
	c, err := families.ListenPacket(ctx, "netlink", "route")
	if err != nil {
		return err
	}
	defer c.Close()
	pc := c.(*anysock.PacketConn)

	req := mdnetlink.Message{
		Header: mdnetlink.Header{
			Length:   uint32(unix.NLMSG_HDRLEN + unix.SizeofIfInfomsg),
			Type:     unix.RTM_GETLINK,
			Flags:    mdnetlink.Request | mdnetlink.Dump,
			Sequence: 1,
		},
		Data: make([]byte, unix.SizeofIfInfomsg),
	}
	b, err := req.MarshalBinary()
	if err != nil {
		return err
	}
	if _, err := pc.WriteToContext(ctx, b, &netlink.Addr{}); err != nil { // port 0: the kernel
		return err
	}
	buf := make([]byte, 64<<10)
	for {
		n, _, err := pc.ReadFromContext(ctx, buf)
		if err != nil {
			return err
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return err
		}
		for _, m := range msgs {
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return nil
			case unix.NLMSG_ERROR:
				return fmt.Errorf("netlink error: % x", m.Data)
			case unix.RTM_NEWLINK:
				index := int32(binary.NativeEndian.Uint32(m.Data[4:8]))
				ad, err := mdnetlink.NewAttributeDecoder(m.Data[unix.SizeofIfInfomsg:])
				if err != nil {
					return err
				}
				for ad.Next() {
					if ad.Type() == unix.IFLA_IFNAME {
						fmt.Fprintf(out, "%d: %s\n", index, ad.String())
					}
				}
				if err := ad.Err(); err != nil {
					return err
				}
			}
		}
	}
}
