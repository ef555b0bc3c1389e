package control_test

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/anysock/anysock/control"
	"golang.org/x/sys/unix"
)

func TestCmsgLenSpace(t *testing.T) {
	for n := 0; n < 300; n++ {
		if got, want := control.CmsgLen(n), unix.CmsgLen(n); got != want {
			t.Fatalf("CmsgLen(%d) = %d, want %d", n, got, want)
		}
		if got, want := control.CmsgSpace(n), unix.CmsgSpace(n); got != want {
			t.Fatalf("CmsgSpace(%d) = %d, want %d", n, got, want)
		}
	}
	// The kernel's values on 64-bit Linux (struct cmsghdr is 16 bytes).
	if unix.SizeofPtr == 8 && (control.CmsgLen(4) != 20 || control.CmsgSpace(4) != 24 || control.CmsgSpace(12) != 32) {
		t.Errorf("CMSG_LEN(4)=%d CMSG_SPACE(4)=%d CMSG_SPACE(12)=%d, want 20 24 32", control.CmsgLen(4), control.CmsgSpace(4), control.CmsgSpace(12))
	}
}

func unixPair(t *testing.T) (*net.UnixConn, *net.UnixConn) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var cs [2]*net.UnixConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "pair")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		cs[i] = c.(*net.UnixConn)
		t.Cleanup(func() { c.Close() })
	}
	return cs[0], cs[1]
}

func TestRightsAndCredentialsOverUnix(t *testing.T) {
	a, b := unixPair(t)
	if err := control.Set(rawConn(t, b), control.SOPassCred, true); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()

	var e control.Encoder
	e.Rights(int(w.Fd()), int(w.Fd()))
	e.Credentials(control.Credentials{PID: os.Getpid(), UID: uint32(os.Getuid()), GID: uint32(os.Getgid())})
	oob, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if want := control.CmsgSpace(8) + control.CmsgSpace(unix.SizeofUcred); len(oob) != want {
		t.Errorf("encoded %d bytes, want %d", len(oob), want)
	}
	if _, _, err := a.WriteMsgUnix([]byte("x"), oob, nil); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	rb := make([]byte, control.CmsgSpace(8)+control.CmsgSpace(unix.SizeofUcred))
	_, oobn, flags, _, err := b.ReadMsgUnix(buf, rb)
	if err != nil {
		t.Fatal(err)
	}
	if flags&unix.MSG_CTRUNC != 0 {
		t.Fatal("control data truncated")
	}
	d := control.NewDecoder(rb[:oobn])
	var fds []int
	var cred control.Credentials
	for d.Next() {
		switch {
		case d.Level() == unix.SOL_SOCKET && d.Type() == unix.SCM_RIGHTS:
			fds = append(fds, d.Rights()...)
		case d.Level() == unix.SOL_SOCKET && d.Type() == unix.SCM_CREDENTIALS:
			cred = d.Credentials()
		default:
			t.Errorf("unexpected message %d/%d", d.Level(), d.Type())
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	if len(fds) != 2 {
		t.Fatalf("received %d fds, want 2", len(fds))
	}
	for _, fd := range fds {
		f := os.NewFile(uintptr(fd), "received")
		if _, err := f.Write([]byte("y")); err != nil {
			t.Errorf("write through received fd: %v", err)
		}
		f.Close()
	}
	got := make([]byte, 2)
	if _, err := r.Read(got); err != nil || string(got) != "yy" {
		t.Errorf("pipe read %q, %v", got, err)
	}
	if cred.PID != os.Getpid() || cred.UID != uint32(os.Getuid()) || cred.GID != uint32(os.Getgid()) {
		t.Errorf("credentials %+v", cred)
	}
}

func udpPair(t *testing.T, network, addr string) (*net.UDPConn, *net.UDPConn) {
	t.Helper()
	r, err := net.ListenUDP(network, net.UDPAddrFromAddrPort(netip.MustParseAddrPort(addr)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	s, err := net.DialUDP(network, nil, r.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, r
}

type cmsgKind struct{ level, typ int }

func TestTimestampsAndPktInfoOverUDP(t *testing.T) {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		network, addr string
		opts          func(rc syscall.RawConn) error
		want          []cmsgKind
	}{
		{"udp4", "127.0.0.1:0", func(rc syscall.RawConn) error {
			return errors.Join(control.Set(rc, control.SOTimestamp, true), control.Set(rc, control.IPPktInfo, true), control.Set(rc, control.IPRecvTTL, true))
		}, []cmsgKind{{unix.SOL_SOCKET, unix.SCM_TIMESTAMP}, {unix.SOL_IP, unix.IP_PKTINFO}, {unix.SOL_IP, unix.IP_TTL}}},
		{"udp4", "127.0.0.1:0", func(rc syscall.RawConn) error {
			return control.Set(rc, control.SOTimestampNS, true)
		}, []cmsgKind{{unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS}}},
		{"udp4", "127.0.0.1:0", func(rc syscall.RawConn) error {
			return control.Set(rc, control.SOTimestamping, unix.SOF_TIMESTAMPING_RX_SOFTWARE|unix.SOF_TIMESTAMPING_SOFTWARE)
		}, []cmsgKind{{unix.SOL_SOCKET, unix.SCM_TIMESTAMPING}}},
		{"udp6", "[::1]:0", func(rc syscall.RawConn) error {
			return control.Set(rc, control.IPv6RecvPktInfo, true)
		}, []cmsgKind{{unix.SOL_IPV6, unix.IPV6_PKTINFO}}},
	} {
		s, r := udpPair(t, tc.network, tc.addr)
		if err := tc.opts(rawConn(t, r)); err != nil {
			t.Fatal(err)
		}
		// Send with an explicit source via IP_PKTINFO / IPV6_PKTINFO.
		var e control.Encoder
		if tc.network == "udp4" {
			e.PktInfo(control.PktInfo{Local: netip.MustParseAddr("127.0.0.1")})
		} else {
			e.PktInfo(control.PktInfo{Addr: netip.MustParseAddr("::1")})
		}
		oob, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		// The kernel turns timestamping on asynchronously (a static key
		// flipped from a work queue), so the first datagrams after setting
		// the option may come without a timestamp: retry a few times.
		var seen map[cmsgKind]bool
		for try := 0; try < 50; try++ {
			before := time.Now()
			if _, _, err := s.WriteMsgUDP([]byte("hi"), oob, nil); err != nil {
				t.Fatalf("%s: WriteMsgUDP with pktinfo: %v", tc.network, err)
			}
			rb := make([]byte, 256)
			_, oobn, _, _, err := r.ReadMsgUDP(make([]byte, 8), rb)
			if err != nil {
				t.Fatal(err)
			}
			after := time.Now()
			near := func(ts time.Time) bool {
				return !ts.Before(before.Add(-time.Second)) && !ts.After(after.Add(time.Second))
			}
			seen = map[cmsgKind]bool{}
			d := control.NewDecoder(rb[:oobn])
			for d.Next() {
				seen[cmsgKind{d.Level(), d.Type()}] = true
				switch {
				case d.Level() == unix.SOL_SOCKET && (d.Type() == unix.SCM_TIMESTAMP || d.Type() == unix.SCM_TIMESTAMPNS):
					if ts := d.Timestamp(); !near(ts) {
						t.Errorf("timestamp %v not near %v", ts, before)
					}
				case d.Level() == unix.SOL_SOCKET && d.Type() == unix.SCM_TIMESTAMPING:
					if ts := d.Timestamping(); !near(ts.Software) || !ts.Hardware.IsZero() {
						t.Errorf("timestamping %+v not near %v", ts, before)
					}
				case d.Level() == unix.SOL_IP && d.Type() == unix.IP_PKTINFO:
					p := d.PktInfo()
					if p.IfIndex != lo.Index || p.Addr != netip.MustParseAddr("127.0.0.1") || p.Local != netip.MustParseAddr("127.0.0.1") {
						t.Errorf("pktinfo %+v", p)
					}
				case d.Level() == unix.SOL_IPV6 && d.Type() == unix.IPV6_PKTINFO:
					p := d.PktInfo()
					if p.IfIndex != lo.Index || p.Addr != netip.MustParseAddr("::1") {
						t.Errorf("pktinfo6 %+v", p)
					}
				case d.Level() == unix.SOL_IP && d.Type() == unix.IP_TTL:
					if ttl := d.Int(); ttl != 64 {
						t.Errorf("ttl %d", ttl)
					}
				default:
					t.Errorf("unexpected message %d/%d", d.Level(), d.Type())
				}
			}
			if err := d.Err(); err != nil {
				t.Fatal(err)
			}
			if len(seen) == len(tc.want) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		for _, k := range tc.want {
			if !seen[k] {
				t.Errorf("%s: no message %d/%d received (got %v)", tc.network, k.level, k.typ, seen)
			}
		}
	}
}

func TestDecoderErrors(t *testing.T) {
	var e control.Encoder
	e.Rights(3, 4)
	oob, _ := e.Encode()

	// A getter that does not match the message.
	d := control.NewDecoder(oob)
	if !d.Next() {
		t.Fatal("no message")
	}
	if c := d.Credentials(); c != (control.Credentials{}) || !errors.Is(d.Err(), syscall.EINVAL) {
		t.Errorf("Credentials on SCM_RIGHTS: %+v, %v", c, d.Err())
	}
	if d.Next() {
		t.Error("Next after an error returned true")
	}

	// cmsg_len larger than the buffer.
	d.Reset(oob[:control.CmsgLen(4)])
	if d.Next() {
		t.Error("Next on a truncated message returned true")
	}
	var ce *control.CmsgError
	if !errors.As(d.Err(), &ce) || ce.Level != unix.SOL_SOCKET || ce.Type != unix.SCM_RIGHTS {
		t.Errorf("truncated: %v", d.Err())
	}

	// A partial trailing descriptor is dropped, not read past.
	e.Reset(nil)
	e.Raw(unix.SOL_SOCKET, unix.SCM_RIGHTS, []byte{5, 0, 0, 0, 6, 0})
	oob, _ = e.Encode()
	d.Reset(oob)
	if !d.Next() || !slices.Equal(d.Rights(), []int{5}) || d.Err() != nil {
		t.Errorf("partial rights: %v", d.Err())
	}
	// Trailing bytes shorter than a header end the walk silently.
	d.Reset(append(oob, 1, 2, 3))
	for d.Next() {
	}
	if d.Err() != nil {
		t.Errorf("short trailer: %v", d.Err())
	}
	// Timestamp payload too short.
	e.Reset(nil)
	e.Raw(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, []byte{1, 2, 3})
	oob, _ = e.Encode()
	d.Reset(oob)
	if !d.Next() || !d.Timestamp().IsZero() || !errors.Is(d.Err(), syscall.EINVAL) {
		t.Errorf("short timestamp: %v", d.Err())
	}
}

func TestEncoderErrors(t *testing.T) {
	for name, f := range map[string]func(*control.Encoder){
		"no fds":       func(e *control.Encoder) { e.Rights() },
		"negative fd":  func(e *control.Encoder) { e.Rights(3, -1) },
		"negative pid": func(e *control.Encoder) { e.Credentials(control.Credentials{PID: -2}) },
		"mixed pktinfo": func(e *control.Encoder) {
			e.PktInfo(control.PktInfo{Local: netip.MustParseAddr("::1"), Addr: netip.MustParseAddr("127.0.0.1")})
		},
		"v6 local": func(e *control.Encoder) {
			e.PktInfo(control.PktInfo{Local: netip.MustParseAddr("::1"), Addr: netip.MustParseAddr("::1")})
		},
		"bad ifindex": func(e *control.Encoder) { e.PktInfo(control.PktInfo{IfIndex: -1}) },
		"huge level":  func(e *control.Encoder) { e.Raw(int(^uint(0)>>1), 1, nil) },
	} {
		if name == "huge level" && strconv.IntSize == 32 {
			continue // every int fits in a C int
		}
		var e control.Encoder
		f(&e)
		e.Rights(1) // ignored after the error
		if b, err := e.Encode(); err == nil || b != nil || !errors.Is(err, syscall.EINVAL) {
			t.Errorf("%s: Encode = %v, %v; want EINVAL", name, b, err)
		}
	}
}

func TestTimestampRoundTrip(t *testing.T) {
	ts := time.Unix(1700000000, 123456789)
	var e control.Encoder
	e.Timestamp(ts)
	e.TimestampNS(ts)
	e.Timestamping(control.Timestamps{Software: ts, Hardware: ts.Add(time.Second)})
	oob, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d := control.NewDecoder(oob)
	var got []time.Time
	for d.Next() {
		if d.Type() == unix.SCM_TIMESTAMPING {
			x := d.Timestamping()
			got = append(got, x.Software, x.Legacy, x.Hardware)
		} else {
			got = append(got, d.Timestamp())
		}
	}
	want := []time.Time{ts.Round(time.Microsecond), ts, ts, {}, ts.Add(time.Second)}
	if d.Err() != nil || len(got) != len(want) {
		t.Fatalf("got %v, %v", got, d.Err())
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("timestamp %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func BenchmarkDecoder(b *testing.B) {
	var e control.Encoder
	e.Credentials(control.Credentials{PID: 1})
	e.PktInfo(control.PktInfo{IfIndex: 1, Addr: netip.MustParseAddr("127.0.0.1")})
	e.TimestampNS(time.Unix(1, 2))
	oob, _ := e.Encode()
	var d control.Decoder
	b.ReportAllocs()
	for b.Loop() {
		d.Reset(oob)
		for d.Next() {
			switch d.Type() {
			case unix.SCM_CREDENTIALS:
				_ = d.Credentials()
			case unix.IP_PKTINFO:
				_ = d.PktInfo()
			default:
				_ = d.Timestamp()
			}
		}
	}
}
