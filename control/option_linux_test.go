package control_test

import (
	"context"
	"errors"
	"net"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/anysock/anysock/control"
	"github.com/anysock/anysock/internal/testenv"
	"golang.org/x/sys/unix"
)

func rawConn(t *testing.T, c syscall.Conn) syscall.RawConn {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func mustGet[T comparable](t *testing.T, rc syscall.RawConn, o control.Getter[T], want T) {
	t.Helper()
	got, err := control.Get(rc, o)
	if err != nil {
		t.Fatalf("Get %v: %v", o.Key(), err)
	}
	if got != want {
		t.Errorf("Get %v = %v, want %v", o.Key(), got, want)
	}
}

func TestListenConfigControl(t *testing.T) {
	lc := net.ListenConfig{Control: control.Chain(
		control.ReuseAddr(),
		control.ReusePort(),
		nil, // skipped
		control.ReadBuffer(64<<10),
		control.WriteBuffer(64<<10),
		control.FastOpen(16),
	)}
	ln, err := lc.Listen(context.Background(), "tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	rc := rawConn(t, ln.(*net.TCPListener))
	mustGet(t, rc, control.SOReuseAddr, true)
	mustGet(t, rc, control.SOReusePort, true)
	mustGet(t, rc, control.SOAcceptConn, true)
	mustGet(t, rc, control.SOType, unix.SOCK_STREAM)
	mustGet(t, rc, control.SODomain, unix.AF_INET)
	// Go 1.24+ listens with MPTCP where the kernel has it.
	if p, err := control.Get(rc, control.SOProtocol); err != nil || (p != unix.IPPROTO_TCP && p != unix.IPPROTO_MPTCP) {
		t.Errorf("SO_PROTOCOL = %d, %v", p, err)
	}
	// The kernel doubles buffer sizes for its bookkeeping.
	mustGet(t, rc, control.SORcvBuf, 128<<10)
	mustGet(t, rc, control.SOSndBuf, 128<<10)
	mustGet(t, rc, control.TCPFastOpen, 16)

	// A second listener on the same port works only thanks to SO_REUSEPORT.
	ln2, err := lc.Listen(context.Background(), "tcp4", ln.Addr().String())
	if err != nil {
		t.Fatalf("second listener with SO_REUSEPORT: %v", err)
	}
	ln2.Close()
	plain, err := net.Listen("tcp4", ln.Addr().String())
	if err == nil {
		plain.Close()
		t.Fatal("listener without SO_REUSEPORT bound a port in use")
	}
}

func TestDialerControlAndTypedOptions(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	d := net.Dialer{Control: control.Chain(control.FastOpenConnect(), control.Option(control.TCPUserTimeout, 1500*time.Millisecond))}
	c, err := d.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rc := rawConn(t, c.(*net.TCPConn))
	mustGet(t, rc, control.TCPFastOpenConnect, true)
	mustGet(t, rc, control.TCPUserTimeout, 1500*time.Millisecond)

	for _, tc := range []struct {
		name string
		set  func() error
		get  func(*testing.T)
	}{
		{"nodelay", func() error { return control.Set(rc, control.TCPNoDelay, false) }, func(t *testing.T) { mustGet(t, rc, control.TCPNoDelay, false) }},
		{"keepidle", func() error { return control.Set(rc, control.TCPKeepIdle, 1500*time.Millisecond) }, func(t *testing.T) { mustGet(t, rc, control.TCPKeepIdle, 2*time.Second) }},
		{"keepcnt", func() error { return control.Set(rc, control.TCPKeepCnt, 7) }, func(t *testing.T) { mustGet(t, rc, control.TCPKeepCnt, 7) }},
		{"linger", func() error { return control.Set(rc, control.SOLinger, control.Linger{Enabled: true, Seconds: 3}) }, func(t *testing.T) {
			mustGet(t, rc, control.SOLinger, control.Linger{Enabled: true, Seconds: 3})
		}},
		{"rcvtimeo", func() error { return control.Set(rc, control.SORcvTimeo, 2500*time.Millisecond) }, func(t *testing.T) { mustGet(t, rc, control.SORcvTimeo, 2500*time.Millisecond) }},
		{"priority", func() error { return control.Set(rc, control.SOPriority, 4) }, func(t *testing.T) { mustGet(t, rc, control.SOPriority, 4) }},
		{"tos", func() error { return control.Set(rc, control.IPTOS, 0x10) }, func(t *testing.T) { mustGet(t, rc, control.IPTOS, 0x10) }},
		{"ttl", func() error { return control.Set(rc, control.IPTTL, 9) }, func(t *testing.T) { mustGet(t, rc, control.IPTTL, 9) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.set(); err != nil {
				t.Fatal(err)
			}
			tc.get(t)
		})
	}
}

func TestRootOptions(t *testing.T) {
	testenv.RequireRoot(t, "SO_MARK, SO_BINDTODEVICE and IP_TRANSPARENT")
	for _, network := range []string{"tcp4", "tcp6", "udp4", "udp6"} {
		t.Run(network, func(t *testing.T) {
			addr := "127.0.0.1:0"
			if network[3] == '6' {
				addr = "[::1]:0"
			}
			lc := net.ListenConfig{Control: control.Chain(
				control.Mark(0x2a),
				control.BindToDevice("lo"),
				control.Transparent(),
			)}
			var rc syscall.RawConn
			if network[0] == 't' {
				ln, err := lc.Listen(context.Background(), network, addr)
				if err != nil {
					t.Fatal(err)
				}
				defer ln.Close()
				rc = rawConn(t, ln.(*net.TCPListener))
			} else {
				pc, err := lc.ListenPacket(context.Background(), network, addr)
				if err != nil {
					t.Fatal(err)
				}
				defer pc.Close()
				rc = rawConn(t, pc.(*net.UDPConn))
			}
			mustGet(t, rc, control.SOMark, 0x2a)
			mustGet(t, rc, control.SOBindToDevice, "lo")
			if network[3] == '6' {
				mustGet(t, rc, control.IPv6Transparent, true)
			} else {
				mustGet(t, rc, control.IPTransparent, true)
			}
		})
	}
	// Transparent lets a socket bind an address that is not local.
	lc := net.ListenConfig{Control: control.Transparent()}
	ln, err := lc.Listen(context.Background(), "tcp4", "198.51.100.7:0")
	if err != nil {
		t.Fatalf("bind non-local address with IP_TRANSPARENT: %v", err)
	}
	ln.Close()
}

func TestOptionErrors(t *testing.T) {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rc := rawConn(t, c.(*net.UDPConn))

	// An option of another protocol: EOPNOTSUPP, reported as unsupported.
	_, err = control.Get(rc, control.TIPCImportance)
	var oe *control.OptionError
	if !errors.As(err, &oe) || oe.Op != "getsockopt" || oe.Option != control.TIPCImportance.Key() {
		t.Fatalf("Get TIPC_IMPORTANCE on UDP: %v (%T), want *OptionError", err, err)
	}
	if !errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, unix.EOPNOTSUPP) {
		t.Errorf("error %v is not ErrUnsupported and EOPNOTSUPP", err)
	}
	var se *os.SyscallError
	if !errors.As(err, &se) || se.Syscall != "getsockopt" {
		t.Errorf("error %v does not wrap an *os.SyscallError", err)
	}
	if got, want := err.Error(), "control: getsockopt TIPC_IMPORTANCE: getsockopt: operation not supported"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	// An unknown socket-level option: ENOPROTOOPT, also unsupported.
	_, err = control.Get(rc, control.Int(control.MakeKey(unix.SOL_SOCKET, 999)))
	if !errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, unix.ENOPROTOOPT) {
		t.Errorf("unknown option: %v, want ErrUnsupported and ENOPROTOOPT", err)
	}

	// Values checked before any syscall.
	for _, err := range []error{
		control.Set(rc, control.TIPCImportance, control.Importance(7)),
		control.Set(rc, control.SOLinger, control.Linger{Enabled: true, Seconds: -1}),
		control.Set(rc, control.TCPKeepIdle, -time.Second),
		control.Set(rc, control.SORcvTimeo, -time.Second),
		control.Set(rc, control.IPTTL, int(^uint(0)>>1)),
	} {
		if !errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("bad value: got %v, want EINVAL", err)
		}
	}
	if err := control.Set(rc, control.IPTTL, 0); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("IP_TTL 0: got %v, want EINVAL from the kernel", err)
	}
	if got := control.MakeKey(1, 999).String(); got != "level 1 option 999" {
		t.Errorf("unknown key String = %q", got)
	}

	c.Close()
	_, err = control.Get(rc, control.SOType)
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("Get after Close: %v, want net.ErrClosed", err)
	}
	if err := control.Set(nil, control.SOReuseAddr, true); !errors.Is(err, syscall.EBADF) {
		t.Errorf("Set on nil RawConn: %v, want EBADF", err)
	}
}

// fileConn opens a raw socket and returns it as an *os.File (a
// syscall.Conn), or the socket error.
func fileConn(t *testing.T, domain, typ, proto int) (*os.File, error) {
	t.Helper()
	fd, err := unix.Socket(domain, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	f := os.NewFile(uintptr(fd), "socket")
	t.Cleanup(func() { f.Close() })
	return f, nil
}

func TestNetlinkMemberships(t *testing.T) {
	f, err := fileConn(t, unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatal(err)
	}
	rc := rawConn(t, f)
	mustGroups := func(want ...uint32) {
		t.Helper()
		got, err := control.Get(rc, control.NetlinkListMemberships)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("memberships %v, want %v", got, want)
		}
	}
	mustGroups()
	for _, g := range []int{unix.RTNLGRP_LINK, unix.RTNLGRP_IPV4_IFADDR, unix.RTNLGRP_IPV6_ROUTE} {
		if err := control.Set(rc, control.NetlinkAddMembership, g); err != nil {
			t.Fatal(err)
		}
	}
	mustGroups(unix.RTNLGRP_LINK, unix.RTNLGRP_IPV4_IFADDR, unix.RTNLGRP_IPV6_ROUTE)
	if err := control.Set(rc, control.NetlinkDropMembership, unix.RTNLGRP_IPV4_IFADDR); err != nil {
		t.Fatal(err)
	}
	mustGroups(unix.RTNLGRP_LINK, unix.RTNLGRP_IPV6_ROUTE)
	if err := control.Set(rc, control.NetlinkNoENOBUFS, true); err != nil {
		t.Fatal(err)
	}
	mustGet(t, rc, control.NetlinkNoENOBUFS, true)
}

// The host kernel has no AF_CAN or AF_TIPC: check the encoding against
// x/sys (which mirrors the kernel headers) here, and run the real
// setsockopt/getsockopt where the families exist (the VM).
func TestCANFilterLayout(t *testing.T) {
	if unsafe.Sizeof(unix.CanFilter{}) != control.SizeofCANFilter ||
		unsafe.Offsetof(unix.CanFilter{}.Mask) != unsafe.Offsetof(control.CANFilter{}.Mask) {
		t.Fatal("CANFilter layout differs from struct can_filter")
	}
	if control.CANInvFilter != unix.CAN_INV_FILTER {
		t.Fatal("CANInvFilter differs from CAN_INV_FILTER")
	}
	fs := []control.CANFilter{{ID: 0x123, Mask: unix.CAN_SFF_MASK}, {ID: 0x80000456 | control.CANInvFilter, Mask: unix.CAN_EFF_MASK | unix.CAN_EFF_FLAG}}
	ufs := []unix.CanFilter{{Id: 0x123, Mask: unix.CAN_SFF_MASK}, {Id: 0x80000456 | unix.CAN_INV_FILTER, Mask: unix.CAN_EFF_MASK | unix.CAN_EFF_FLAG}}
	want := unsafe.Slice((*byte)(unsafe.Pointer(&ufs[0])), len(ufs)*int(unsafe.Sizeof(ufs[0])))
	got := control.EncodeCANFilters(nil, fs)
	if string(got) != string(want) {
		t.Fatalf("EncodeCANFilters = % x, want % x (x/sys struct memory)", got, want)
	}
	back, err := control.DecodeCANFilters(got)
	if err != nil || !slices.Equal(back, fs) {
		t.Fatalf("DecodeCANFilters = %v, %v", back, err)
	}
	if _, err := control.DecodeCANFilters(got[:7]); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("odd length: %v", err)
	}
	for _, k := range []struct{ got, want control.Key }{
		{control.CANRawFilter.Key(), control.MakeKey(unix.SOL_CAN_RAW, unix.CAN_RAW_FILTER)},
		{control.CANRawFDFrames.Key(), control.MakeKey(unix.SOL_CAN_RAW, unix.CAN_RAW_FD_FRAMES)},
		{control.TIPCImportance.Key(), control.MakeKey(unix.SOL_TIPC, unix.TIPC_IMPORTANCE)},
	} {
		if k.got != k.want {
			t.Errorf("key %v != %v", k.got, k.want)
		}
	}
	for _, v := range []struct {
		got  control.Importance
		want int
	}{{control.LowImportance, unix.TIPC_LOW_IMPORTANCE}, {control.MediumImportance, unix.TIPC_MEDIUM_IMPORTANCE}, {control.HighImportance, unix.TIPC_HIGH_IMPORTANCE}, {control.CriticalImportance, unix.TIPC_CRITICAL_IMPORTANCE}} {
		if int(v.got) != v.want {
			t.Errorf("importance %v = %d, want %d", v.got, int(v.got), v.want)
		}
	}
}

func TestCANFilterKernel(t *testing.T) {
	f, err := fileConn(t, unix.AF_CAN, unix.SOCK_RAW, unix.CAN_RAW)
	testenv.SkipUnsupported(t, "AF_CAN (modprobe can_raw)", err)
	rc := rawConn(t, f)
	fs := []control.CANFilter{{ID: 0x123, Mask: 0x7ff}, {ID: 0x200 | control.CANInvFilter, Mask: 0x700}, {ID: 0x1, Mask: 0x1}}
	if err := control.Set(rc, control.CANRawFilter, fs); err != nil {
		t.Fatal(err)
	}
	got, err := control.Get(rc, control.CANRawFilter)
	if err != nil || !slices.Equal(got, fs) {
		t.Fatalf("CAN_RAW_FILTER = %v, %v; want %v", got, err, fs)
	}
	if err := control.Set(rc, control.CANRawFDFrames, true); err != nil {
		t.Fatal(err)
	}
	mustGet(t, rc, control.CANRawFDFrames, true)
}

func TestTIPCImportanceKernel(t *testing.T) {
	f, err := fileConn(t, unix.AF_TIPC, unix.SOCK_RDM, 0)
	testenv.SkipUnsupported(t, "AF_TIPC (modprobe tipc)", err)
	rc := rawConn(t, f)
	mustGet(t, rc, control.TIPCImportance, control.LowImportance)
	if err := control.Set(rc, control.TIPCImportance, control.CriticalImportance); err != nil {
		t.Fatal(err)
	}
	mustGet(t, rc, control.TIPCImportance, control.CriticalImportance)
}

func TestFuncContextAndErrors(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	d := net.Dialer{ControlContext: control.Chain(control.Option(control.TCPNoDelay, false), control.Option(control.SOKeepAlive, true)).Context()}
	c, err := d.DialContext(context.Background(), "tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rc := rawConn(t, c.(*net.TCPConn))
	mustGet(t, rc, control.SOKeepAlive, true)

	// An error from a hook stops the chain and fails the dial.
	ran := false
	d = net.Dialer{Control: control.Chain(
		control.Option(control.TIPCImportance, control.HighImportance),
		func(string, string, syscall.RawConn) error { ran = true; return nil },
	)}
	_, err = d.Dial("tcp4", ln.Addr().String())
	if !errors.Is(err, errors.ErrUnsupported) || ran {
		t.Errorf("dial with a failing hook: %v (later hook ran: %v)", err, ran)
	}
}

func BenchmarkGetSetInt(b *testing.B) {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	rc, err := c.(*net.UDPConn).SyscallConn()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := control.Set(rc, control.IPTTL, 9); err != nil {
			b.Fatal(err)
		}
		if _, err := control.Get(rc, control.IPTTL); err != nil {
			b.Fatal(err)
		}
	}
}
