package control_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/netip"

	"github.com/anysock/anysock/control"
	"golang.org/x/sys/unix"
)

// Compose Control hooks for a listener and read an option back.
func ExampleChain() {
	lc := net.ListenConfig{Control: control.Chain(
		control.ReuseAddr(),
		control.ReusePort(),
		control.Option(control.TCPDeferAccept, 0),
	)}
	ln, err := lc.Listen(context.Background(), "tcp4", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	rc, err := ln.(*net.TCPListener).SyscallConn()
	if err != nil {
		log.Fatal(err)
	}
	on, err := control.Get(rc, control.SOReusePort)
	fmt.Println(on, err)
	// Output: true <nil>
}

// Build control messages for sendmsg and walk them as a receiver would.
func ExampleDecoder() {
	var e control.Encoder
	e.Rights(0)
	e.PktInfo(control.PktInfo{IfIndex: 1, Local: netip.MustParseAddr("127.0.0.1")})
	oob, err := e.Encode()
	if err != nil {
		log.Fatal(err)
	}

	d := control.NewDecoder(oob)
	for d.Next() {
		switch {
		case d.Level() == unix.SOL_SOCKET && d.Type() == unix.SCM_RIGHTS:
			fmt.Println("fds:", d.Rights())
		case d.Level() == unix.SOL_IP && d.Type() == unix.IP_PKTINFO:
			p := d.PktInfo()
			fmt.Println("pktinfo:", p.IfIndex, p.Local)
		}
	}
	if err := d.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// fds: [0]
	// pktinfo: 1 127.0.0.1
}

// CmsgSpace sizes a receive buffer for the messages expected.
func ExampleCmsgSpace() {
	oob := make([]byte, control.CmsgSpace(4*4)+control.CmsgSpace(unix.SizeofUcred))
	fmt.Println(len(oob) > 0)
	// Output: true
}
