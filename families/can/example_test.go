package can_test

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"time"

	"github.com/anysock/anysock/families/can"
)

// A raw socket on vcan0 that receives only identifier 0x123 and bus-off
// errors, sends a frame and reads one.
func ExampleDial() {
	ctx := context.Background()
	c, err := can.Dial(ctx, "vcan0", &can.RawConfig{
		Filters:   []can.Filter{can.MatchID(0x123, false)},
		ErrorMask: can.ErrBusOff,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	f, _ := can.ParseFrame("123#DEADBEEF")
	if err := c.WriteFrame(&f); err != nil {
		log.Fatal(err)
	}
	var in can.Frame
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := c.ReadFrameContext(ctx, &in); err != nil {
		log.Fatal(err)
	}
	fmt.Println(&in)
}

// Many frames per system call.
func ExampleRawConn_ReadFrames() {
	c, err := can.Dial(context.Background(), "vcan0", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	frames := make([]can.Frame, 64)
	for {
		n, err := c.ReadFrames(context.Background(), frames)
		if err != nil {
			log.Fatal(err)
		}
		for i := range frames[:n] {
			fmt.Println(&frames[i])
		}
	}
}

// Cyclic transmission every 100 ms and a content-filtered subscription
// with a timeout through the broadcast manager.
func ExampleBCMConn() {
	ctx := context.Background()
	bcm, err := can.DialBCM(ctx, "vcan0", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer bcm.Close()
	if err := bcm.StartCyclic(ctx, 0x100, 100*time.Millisecond, can.Frame{Len: 2, Data: [8]byte{1, 2}}); err != nil {
		log.Fatal(err)
	}
	mask := can.Frame{Len: 1, Data: [8]byte{0xff}}
	if err := bcm.Subscribe(ctx, can.Subscription{ID: 0x200, Mask: &mask, Timeout: time.Second}); err != nil {
		log.Fatal(err)
	}
	var m can.BCMMessage
	for {
		if err := bcm.ReadEvent(ctx, &m); err != nil {
			log.Fatal(err)
		}
		switch m.Op {
		case can.BCMRxChanged:
			fmt.Println("changed:", &m.Frames[0])
		case can.BCMRxTimeout:
			fmt.Println("0x200 silent for a second")
		}
	}
}

// An ISO-TP request and response, line by line with bufio.
func ExampleDialISOTP() {
	pad := uint8(0xcc)
	c, err := can.DialISOTP(context.Background(), &can.ISOTPAddr{Interface: "vcan0", TxID: 0x7e0, RxID: 0x7e8},
		&can.ISOTPConfig{TxPad: &pad, FlowControl: &can.ISOTPFlowControl{BlockSize: 8}})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("hello\n")); err != nil {
		log.Fatal(err)
	}
	r := bufio.NewReaderSize(c, can.ISOTPMaxLen)
	line, err := r.ReadString('\n')
	fmt.Println(line, err)
}

// Claiming a J1939 address and broadcasting from it.
func ExampleClaimAddress() {
	ctx := context.Background()
	c, sa, err := can.ClaimAddress(ctx, "vcan0", can.AddressClaim{Name: 0xa00000000000001, Addresses: []uint8{0x80, 0x81, 0x82}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Printf("claimed %#x\n", sa)
	if _, err := c.WriteTo([]byte{1, 2, 3}, &can.J1939Addr{PGN: 0xfef1, Addr: can.J1939NoAddr}); err != nil {
		log.Fatal(err)
	}
}
