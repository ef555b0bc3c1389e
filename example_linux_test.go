package anysock_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/unix"
)

// A Proto names a family's codec, socket type and protocol; Dial, Listen and
// ListenPacket return anysock's net.Conn, net.Listener and net.PacketConn.
func ExampleProto_Listen() {
	p, _ := unix.Proto("unixpacket")
	addr := &unix.Addr{Name: fmt.Sprintf("@anysock-example-%d", os.Getpid()), Net: "unixpacket"}
	ctx := context.Background()
	ln, err := p.Listen(ctx, addr, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("hello, seqpacket"))
	}()
	c, err := p.Dial(ctx, nil, addr, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	buf := make([]byte, 64)
	n, _ := c.Read(buf)
	fmt.Println(string(buf[:n]))
	// Output: hello, seqpacket
}

// ReadContext returns when the context is done; the Conn stays usable.
func ExampleConn_ReadContext() {
	a, b, _ := unix.Pair("unix")
	defer a.Close()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := a.ReadContext(ctx, make([]byte, 8))
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output: true
}

// ReadBatch reads many datagrams with one recvmmsg system call.
func ExampleConn_ReadBatch() {
	a, b, _ := unix.Pair("unixgram")
	defer a.Close()
	defer b.Close()
	out := []anysock.Message{
		{Buffers: [][]byte{[]byte("one")}},
		{Buffers: [][]byte{[]byte("two")}},
		{Buffers: [][]byte{[]byte("three")}},
	}
	a.WriteBatch(out, 0)
	in := make([]anysock.Message, 8)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, 16)}
	}
	n, _ := b.ReadBatch(in, 0)
	for _, m := range in[:n] {
		fmt.Println(string(m.Buffers[0][:m.N]))
	}
	// Output:
	// one
	// two
	// three
}
