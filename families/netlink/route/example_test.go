package route_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"syscall"

	"github.com/anysock/anysock/families/netlink/route"
)

// Print the routing table of the current network namespace.
func Example() {
	ctx := context.Background()
	c, err := route.Dial(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	routes, err := c.Routes(ctx, route.FamilyAll)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range routes {
		fmt.Println(r.Table, r.Type, r.Dst, r.Gateway, r.OIF, r.Protocol, r.Scope, r.Priority)
	}
}

// Watch link and route events until ctx is done, resynchronising when
// events were lost.
func ExampleWatcher() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := route.Watch(ctx, nil, route.GroupLink, route.GroupIPv4Route)
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	for {
		ev, err := w.Next(ctx)
		switch {
		case errors.Is(err, route.ErrEventsLost):
			// Re-read the tables with a Conn here.
			continue
		case err != nil:
			return
		}
		fmt.Println(ev.Type)
	}
}

// Add a route and report a duplicate.
func ExampleConn_AddRoute() {
	ctx := context.Background()
	c, err := route.Dial(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	err = c.AddRoute(ctx, route.Route{
		Dst:     mustPrefix("198.51.100.0/24"),
		Gateway: mustAddr("192.0.2.1"),
		Table:   100,
	})
	if errors.Is(err, syscall.EEXIST) {
		fmt.Println("already there")
	} else if err != nil {
		// The kernel's explanation, if any, is in the error text.
		fmt.Println(err)
	}
}

// Decode the body of an RTM_NEWROUTE message, as read from a raw netlink
// socket.
func ExampleRoute_UnmarshalBinary() {
	b := []byte{
		2, 24, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0, // rtmsg: AF_INET, /24, main, static, global, unicast
		8, 0, 15, 0, 254, 0, 0, 0, // RTA_TABLE 254
		8, 0, 1, 0, 10, 1, 2, 0, // RTA_DST 10.1.2.0
		8, 0, 5, 0, 10, 0, 0, 1, // RTA_GATEWAY 10.0.0.1
		8, 0, 4, 0, 0, 0, 0, 0, // RTA_OIF (patched below)
	}
	binary.NativeEndian.PutUint32(b[40:], 3)
	var r route.Route
	if err := r.UnmarshalBinary(b); err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Dst, "via", r.Gateway, "dev", r.OIF, "table", r.Table, "proto", r.Protocol, "scope", r.Scope, r.Type)
	// Output: 10.1.2.0/24 via 10.0.0.1 dev 3 table main proto static scope global unicast
}

func ExampleLinkFlags_Names() {
	f := route.FlagUp | route.FlagBroadcast | route.FlagMulticast | route.FlagLowerUp | route.FlagRunning
	fmt.Println(f.Names())
	// Output: [BROADCAST MULTICAST UP LOWER_UP]
}

func ExampleParseTable() {
	for _, s := range []string{"main", "local", "100"} {
		t, err := route.ParseTable(s)
		fmt.Println(uint32(t), t, err)
	}
	// Output:
	// 254 main <nil>
	// 255 local <nil>
	// 100 100 <nil>
}
