// Command can is the CAN example of Python's socket documentation ported to
// anysock: it binds a raw CAN socket to an interface, prints every frame it
// receives in the same words as the Python program, echoes the frame and
// sends the frame 001#010203 after it.
//
//	can [-i vcan0] [-n count]
//
// Python packs frames with struct "=IB3x8s"; here can.Frame does that
// (MarshalBinary/UnmarshalBinary), and ReadFrame/WriteFrame move one frame
// per system call without allocating. Unlike the Python loop, a read can be
// interrupted: the program stops cleanly on Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"

	"github.com/anysock/anysock/families/can"
)

func main() {
	iface := flag.String("i", "vcan0", "CAN interface to bind to")
	count := flag.Int("n", 0, "stop after this many frames (0: run until interrupted)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, *iface, *count); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

// run receives frames on iface until count frames were handled (count 0:
// until ctx ends), printing and answering each as the Python example does.
func run(ctx context.Context, out io.Writer, iface string, count int) error {
	// create a raw socket and bind it to the interface
	c, err := can.Dial(ctx, iface, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	reply := can.Frame{ID: 0x01}
	reply.SetPayload([]byte{0x01, 0x02, 0x03})
	var f can.Frame
	for i := 0; count == 0 || i < count; i++ {
		if err := c.ReadFrameContext(ctx, &f); err != nil {
			return err
		}
		fmt.Fprintf(out, "Received: can_id=%x, can_dlc=%x, data=%s\n", rawID(&f), f.Len, pyBytes(f.Payload()))
		if err := c.WriteFrame(&f); err != nil {
			fmt.Fprintln(out, "Error sending CAN frame")
		}
		if err := c.WriteFrame(&reply); err != nil {
			fmt.Fprintln(out, "Error sending CAN frame")
		}
	}
	return nil
}

// rawID is the kernel's can_id (identifier plus flag bits), the number the
// Python program unpacks and prints.
func rawID(f *can.Frame) uint32 {
	id := f.ID
	if f.Flags&can.Extended != 0 {
		id |= can.EFFFlag
	}
	if f.Flags&can.RTR != 0 {
		id |= can.RTRFlag
	}
	if f.Flags&can.ErrorFrame != 0 {
		id |= 0x20000000
	}
	return id
}

// pyBytes formats b as Python's repr of a bytes object: b'...' (or b"..."
// when b contains ' but not "), printable ASCII as is, \t \n \r \\ and the
// quote escaped, everything else as \xNN.
func pyBytes(b []byte) string {
	quote := byte('\'')
	if strings.IndexByte(string(b), '\'') >= 0 && strings.IndexByte(string(b), '"') < 0 {
		quote = '"'
	}
	var s strings.Builder
	s.WriteString("b")
	s.WriteByte(quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c == '\t':
			s.WriteString(`\t`)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&s, `\x%02x`, c)
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte(quote)
	return s.String()
}
