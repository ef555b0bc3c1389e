package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/anysock/anysock/resolver"
)

// Numeric hosts need no lookup; inet_aton's legacy forms are accepted.
func ExampleResolver_GetAddrInfo() {
	var r resolver.Resolver
	ais, err := r.GetAddrInfo(context.Background(), "127.1", "8080", resolver.Hints{Type: resolver.SOCK_STREAM})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ai := range ais {
		fmt.Println(ai.Family == resolver.AF_INET, ai.Protocol, ai.Addr)
	}
	// Output: true 6 127.0.0.1:8080
}

// Errors carry glibc's EAI codes and messages.
func ExampleEAI() {
	var r resolver.Resolver
	_, err := r.GetAddrInfo(context.Background(), "not-a-number", "80", resolver.Hints{Flags: resolver.AI_NUMERICHOST})
	fmt.Println(errors.Is(err, resolver.EAI_NONAME), resolver.EAI_NONAME.Error())
	// Output: true Name or service not known
}

// Point every DNS query at a server of your choice (here a hypothetical
// one on 127.0.0.1:5353), for tests or split-horizon set-ups.
func ExampleResolver_dns() {
	r := &resolver.Resolver{Net: &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", "127.0.0.1:5353")
		},
	}}
	_ = r // r.GetAddrInfo(ctx, "www.example.test", "https", resolver.Hints{})
}

func ExampleInetAton() {
	for _, s := range []string{"1.2.3.4", "127.1", "0x7f000001", "10.257"} {
		b, err := resolver.InetAton(s)
		fmt.Println(b, err == nil)
	}
	// Output:
	// [1 2 3 4] true
	// [127 0 0 1] true
	// [127 0 0 1] true
	// [10 0 1 1] true
}

func ExampleInetNtop() {
	for _, h := range [][]byte{
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1},
		{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},
	} {
		s, _ := resolver.InetNtop(resolver.AF_INET6, h)
		fmt.Println(s)
	}
	// Output:
	// ::1.2.3.4
	// ::ffff:192.0.2.1
	// 2001:db8::1:0:0:1
}

func ExampleHtons() {
	fmt.Printf("%#04x\n", resolver.Ntohs(resolver.Htons(0x1234)))
	// Output: 0x1234
}
