package resolver_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anysock/anysock/resolver"
)

func testResolver(t *testing.T) (*resolver.Resolver, *dnsServer) {
	s := startDNS(t)
	return &resolver.Resolver{
		Net:           s.resolver(),
		HostsFile:     "testdata/hosts",
		ServicesFile:  "testdata/services",
		ProtocolsFile: "testdata/protocols",
	}, s
}

func addrsOf(ais []resolver.AddrInfo) []string {
	var out []string
	for _, ai := range ais {
		out = append(out, ai.Addr.String())
	}
	return out
}

func TestGetAddrInfoDNS(t *testing.T) {
	r, srv := testResolver(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		host  string
		hints resolver.Hints
		want  []string
		canon string
	}{
		{"A", "v4only.example.test", resolver.Hints{Type: resolver.SOCK_STREAM}, []string{"198.51.100.4:80"}, ""},
		{"AAAA", "v6only.example.test", resolver.Hints{Type: resolver.SOCK_STREAM, Family: resolver.AF_INET6}, []string{"[2001:db8::6]:80"}, ""},
		{"A only", "www.example.test", resolver.Hints{Type: resolver.SOCK_STREAM, Family: resolver.AF_INET}, []string{"192.0.2.10:80", "192.0.2.11:80"}, ""},
		// The order depends on the machine's source addresses (compared
		// with glibc by TestOracleNamespace); "both" compares sets.
		{"both", "www.example.test", resolver.Hints{Type: resolver.SOCK_STREAM}, []string{"192.0.2.10:80", "192.0.2.11:80", "[2001:db8::10]:80"}, ""},
		{"CNAME canon", "alias.example.test", resolver.Hints{Type: resolver.SOCK_STREAM, Family: resolver.AF_INET, Flags: resolver.AI_CANONNAME}, []string{"192.0.2.10:80", "192.0.2.11:80"}, "www.example.test"},
		{"canon no CNAME", "v4only.example.test", resolver.Hints{Type: resolver.SOCK_STREAM, Flags: resolver.AI_CANONNAME}, []string{"198.51.100.4:80"}, "v4only.example.test"},
		{"v4mapped", "v4only.example.test", resolver.Hints{Type: resolver.SOCK_STREAM, Family: resolver.AF_INET6, Flags: resolver.AI_V4MAPPED}, []string{"[::ffff:198.51.100.4]:80"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ais, err := r.GetAddrInfo(ctx, tc.host, "http", tc.hints)
			if err != nil {
				t.Fatal(err)
			}
			got := addrsOf(ais)
			if tc.name == "both" {
				slices.Sort(got)
				slices.Sort(tc.want)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("addresses %v, want %v", got, tc.want)
			}
			if ais[0].CanonName != tc.canon {
				t.Errorf("canonname %q, want %q", ais[0].CanonName, tc.canon)
			}
			for _, ai := range ais[1:] {
				if ai.CanonName != "" {
					t.Errorf("canonname in a later result: %+v", ai)
				}
			}
		})
	}
	if q := srv.questions(); len(q) == 0 {
		t.Fatal("the test server saw no queries")
	}
}

func TestGetAddrInfoDNSErrors(t *testing.T) {
	r, _ := testResolver(t)
	for _, tc := range []struct {
		name    string
		host    string
		family  int
		timeout time.Duration
		code    resolver.EAI
		cause   error
	}{
		{"NXDOMAIN", "nxdomain.example.test", resolver.AF_UNSPEC, 0, resolver.EAI_NONAME, nil},
		{"NODATA AAAA", "v4only.example.test", resolver.AF_INET6, 0, resolver.EAI_NODATA, nil},
		{"NODATA A", "v6only.example.test", resolver.AF_INET, 0, resolver.EAI_NODATA, nil},
		{"no records", "empty.example.test", resolver.AF_INET, 0, resolver.EAI_NONAME, nil},
		{"SERVFAIL", "servfail.example.test", resolver.AF_UNSPEC, 0, resolver.EAI_AGAIN, nil},
		{"timeout", "timeout.example.test", resolver.AF_UNSPEC, 300 * time.Millisecond, resolver.EAI_AGAIN, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			start := time.Now()
			_, err := r.GetAddrInfo(ctx, tc.host, "80", resolver.Hints{Family: tc.family, Type: resolver.SOCK_STREAM})
			var e *resolver.Error
			if !errors.As(err, &e) || e.Code != tc.code || !errors.Is(err, tc.code) {
				t.Fatalf("error %v, want code %d (%v)", err, tc.code, tc.code)
			}
			if e.Func != "getaddrinfo" || !strings.Contains(err.Error(), tc.code.Error()) {
				t.Errorf("message %q", err)
			}
			var de *net.DNSError
			if tc.code != resolver.EAI_NODATA && !errors.As(err, &de) {
				t.Errorf("error %v does not wrap a *net.DNSError", err)
			}
			if tc.cause != nil {
				if !errors.Is(err, tc.cause) || !e.Timeout() {
					t.Errorf("error %v is not %v / Timeout", err, tc.cause)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("timeout took %v", d)
				}
			}
		})
	}
	// A cancelled context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.GetAddrInfo(ctx, "www.example.test", "", resolver.Hints{})
	if !errors.Is(err, resolver.EAI_AGAIN) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want EAI_AGAIN and context.Canceled", err)
	}
}

func TestReverseDNS(t *testing.T) {
	r, _ := testResolver(t)
	ctx := context.Background()
	name, aliases, addrs, err := r.GetHostByAddr(ctx, "192.0.2.10")
	if err != nil || name != "www.example.test" || len(aliases) != 0 || !slices.Equal(addrs, []string{"192.0.2.10"}) {
		t.Errorf("GetHostByAddr(192.0.2.10) = %q %q %q %v", name, aliases, addrs, err)
	}
	name, _, addrs, err = r.GetHostByAddr(ctx, "2001:db8::10")
	if err != nil || name != "www.example.test" || !slices.Equal(addrs, []string{"2001:db8::10"}) {
		t.Errorf("GetHostByAddr(2001:db8::10) = %q %q %v", name, addrs, err)
	}
	// Forward then reverse: a name is resolved first.
	name, _, addrs, err = r.GetHostByAddr(ctx, "v4only.example.test")
	var he *resolver.HostError
	if !errors.As(err, &he) || he.Code != resolver.HOST_NOT_FOUND || !strings.HasPrefix(err.Error(), `resolver: gethostbyaddr "v4only.example.test": Unknown host`) {
		t.Errorf("GetHostByAddr(no PTR) = %q %q %v, want HOST_NOT_FOUND", name, addrs, err)
	}
	_, _, _, err = r.GetHostByAddr(ctx, "192.0.2.55")
	if !errors.As(err, &he) || he.Code != resolver.TRY_AGAIN {
		t.Errorf("GetHostByAddr(SERVFAIL) = %v, want TRY_AGAIN", err)
	}

	// A PTR query that is never answered: the context's deadline ends it.
	tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, _, _, err = r.GetHostByAddr(tctx, "192.0.2.99")
	if !errors.As(err, &he) || he.Code != resolver.TRY_AGAIN || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("GetHostByAddr(timeout) = %v, want TRY_AGAIN and DeadlineExceeded", err)
	}
	_, _, err = r.GetNameInfo(tctx, mustAddrPort("192.0.2.99:80"), 0)
	cancel()
	if !errors.Is(err, resolver.EAI_AGAIN) {
		t.Errorf("GetNameInfo(timeout) = %v, want EAI_AGAIN", err)
	}

	host, serv, err := r.GetNameInfo(ctx, mustAddrPort("192.0.2.10:80"), 0)
	if err != nil || host != "www.example.test" || serv != "http" {
		t.Errorf("GetNameInfo = %q %q %v", host, serv, err)
	}
	host, serv, err = r.GetNameInfo(ctx, mustAddrPort("198.51.100.4:4243"), resolver.NI_DGRAM)
	if err != nil || host != "198.51.100.4" || serv != "mysvc" {
		t.Errorf("GetNameInfo(no PTR) = %q %q %v", host, serv, err)
	}
	_, _, err = r.GetNameInfo(ctx, mustAddrPort("198.51.100.4:1"), resolver.NI_NAMEREQD)
	if !errors.Is(err, resolver.EAI_NONAME) {
		t.Errorf("GetNameInfo(NAMEREQD, no PTR) = %v, want EAI_NONAME", err)
	}
	_, _, err = r.GetNameInfo(ctx, mustAddrPort("192.0.2.55:1"), 0)
	if !errors.Is(err, resolver.EAI_AGAIN) {
		t.Errorf("GetNameInfo(SERVFAIL) = %v, want EAI_AGAIN", err)
	}

	hostname, aliases, addrs, err := r.GetHostByNameEx(ctx, "alias.example.test")
	if err != nil || hostname != "www.example.test" || !slices.Equal(aliases, []string{"alias.example.test"}) || !slices.Equal(addrs, []string{"192.0.2.10", "192.0.2.11"}) {
		t.Errorf("GetHostByNameEx(alias) = %q %q %q %v", hostname, aliases, addrs, err)
	}
	if got := r.GetFQDN(ctx, "192.0.2.10"); got != "www.example.test" {
		t.Errorf("GetFQDN = %q", got)
	}
	if got := r.GetFQDN(ctx, "nxdomain.example.test"); got != "nxdomain.example.test" {
		t.Errorf("GetFQDN(unknown) = %q", got)
	}
}
