package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families"
)

func cmdCat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("cat", "[-l] NETWORK ADDRESS", stderr)
	listen := fs.Bool("l", false, "listen on ADDRESS (accept one connection, or receive datagrams) instead of connecting")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		fmt.Fprintln(stderr, "\nnetworks and address syntax:")
		for _, n := range families.Networks() {
			fmt.Fprintf(stderr, "  %-14s %s\n", n.Name, n.Syntax)
		}
		return errUsage
	}
	network, address := fs.Arg(0), fs.Arg(1)
	var info families.Network
	for _, n := range families.Networks() {
		if n.Name == network {
			info = n
		}
	}
	switch {
	case *listen && info.CanListen():
		ln, err := families.Listen(ctx, network, address)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "listening on %s %s\n", network, ln.Addr())
		stopLn := context.AfterFunc(ctx, func() { ln.Close() })
		c, err := ln.Accept()
		stopLn()
		ln.Close()
		if err != nil {
			return ctxErr(ctx, err)
		}
		return pipeConn(ctx, c.(*anysock.Conn), stdin, stdout)
	case *listen:
		pc, err := families.ListenPacket(ctx, network, address)
		if err != nil {
			return err
		}
		return pipePacket(ctx, pc.(*anysock.PacketConn), stdin, stdout)
	default:
		c, err := families.Dial(ctx, network, address)
		if err != nil {
			return err
		}
		return pipeConn(ctx, c.(*anysock.Conn), stdin, stdout)
	}
}

// closeGrace is how long a connection stays open for outgoing data after the
// peer's end of stream.
const closeGrace = 500 * time.Millisecond

func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// pipeConn copies stdin to c and c to stdout until c reaches EOF. At the end
// of stdin the write side is shut down so the peer sees EOF.
func pipeConn(ctx context.Context, c *anysock.Conn, stdin io.Reader, stdout io.Writer) error {
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	var wg sync.WaitGroup
	var inErr error
	wg.Go(func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := stdin.Read(buf)
			if n > 0 {
				if _, werr := c.Write(buf[:n]); werr != nil {
					inErr = werr
					return
				}
			}
			if err == io.EOF {
				c.CloseWrite()
				return
			}
			if err != nil {
				inErr = err
				return
			}
		}
	})
	_, outErr := io.Copy(stdout, c)
	if outErr != nil && errors.Is(outErr, net.ErrClosed) {
		outErr = nil
	}
	// The peer is done sending. Like socat (-t 0.5), give the other
	// direction a moment to finish before closing.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	inDone := false
	select {
	case <-done:
		inDone = true
	case <-time.After(closeGrace):
	case <-ctx.Done():
	}
	// A stdin goroutine still blocked (say, on a terminal) is abandoned:
	// the command is about to exit.
	c.Close()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if outErr != nil {
		return outErr
	}
	if inDone && inErr != nil && !errors.Is(inErr, net.ErrClosed) {
		return inErr
	}
	return nil
}

// pipePacket writes every received datagram to stdout, and sends each chunk
// read from stdin to the most recent sender.
func pipePacket(ctx context.Context, pc *anysock.PacketConn, stdin io.Reader, stdout io.Writer) error {
	defer pc.Close()
	var mu sync.Mutex
	var last net.Addr
	stop := context.AfterFunc(ctx, func() { pc.Close() })
	defer stop()
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := stdin.Read(buf)
			mu.Lock()
			to := last
			mu.Unlock()
			if n > 0 && to != nil {
				pc.WriteTo(buf[:n], to)
			}
			if err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 1<<16)
	for {
		n, from, err := pc.ReadFromContext(ctx, buf)
		if err != nil && !errors.Is(err, anysock.ErrTruncated) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		mu.Lock()
		last = from
		mu.Unlock()
		if _, err := stdout.Write(buf[:n]); err != nil {
			return err
		}
	}
}
