package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/anysock/anysock/families/unix"
)

func main() {
	if err := run(os.Stdout, 100*time.Millisecond); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer, timeout time.Duration) error {
	a, b, err := unix.Pair("unixpacket")
	if err != nil {
		return err
	}
	defer a.Close()
	defer b.Close()

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	buf := make([]byte, 64)
	_, err = a.ReadContext(ctx, buf) // nobody writes: blocks until ctx ends
	fmt.Fprintf(out, "first read: deadline exceeded = %v\n", errors.Is(err, context.DeadlineExceeded))

	b.Write([]byte("still usable"))
	n, err := a.ReadContext(context.Background(), buf)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "second read: %s\n", buf[:n])
	return nil
}
