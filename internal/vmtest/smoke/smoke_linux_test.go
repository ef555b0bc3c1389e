package smoke

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/internal/testenv"
	"github.com/anysock/anysock/internal/vmtest"
)

func TestMain(m *testing.M) {
	vmtest.Main(m,
		vmtest.Modules("can_raw", "rds"),
		vmtest.VCAN("vcan0"),
		vmtest.TIPC(),
		vmtest.BTVirt(2),
	)
}

var (
	canRaw  = anysock.Proto{Network: "can", Codec: canCodec{}, Type: unix.SOCK_RAW, Protocol: unix.CAN_RAW, Modules: []string{"can", "can_raw"}}
	tipcRDM = anysock.Proto{Network: "tipc", Codec: tipcCodec{}, Type: unix.SOCK_RDM, Modules: []string{"tipc"}}
	rdsSeq  = anysock.Proto{Network: "rds", Codec: rdsCodec{}, Type: unix.SOCK_SEQPACKET, Modules: []string{"rds"}}
	l2cap   = anysock.Proto{Network: "l2cap", Codec: l2Codec{}, Type: unix.SOCK_SEQPACKET, Protocol: unix.BTPROTO_L2CAP, Modules: []string{"bluetooth"}}
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// python returns Debian's python3, whose socket module has every family
// (a pyenv build earlier in PATH may lack Bluetooth).
func python(t *testing.T) string {
	t.Helper()
	const p = "/usr/bin/python3"
	if _, err := os.Stat(p); err != nil {
		if testenv.PeersRequired() {
			t.Fatalf("peer %s missing (Debian package python3; make deps installs it)", p)
		}
		t.Skipf("peer %s missing", p)
	}
	return p
}

// peer is a running peer program whose output is collected.
type peer struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	out   bytes.Buffer
	lines chan string
	done  chan error
}

// startPeer runs argv and waits until it prints a line starting with
// ready (when ready is not empty).
func startPeer(t *testing.T, ctx context.Context, ready string, argv ...string) *peer {
	t.Helper()
	p := &peer{cmd: exec.CommandContext(ctx, argv[0], argv[1:]...), lines: make(chan string, 100), done: make(chan error, 1)}
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	go func() {
		err := p.cmd.Wait()
		pw.Close()
		<-scanDone
		p.done <- err
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	if ready == "" {
		return p
	}
	for {
		select {
		case l := <-p.lines:
			if strings.HasPrefix(l, ready) {
				return p
			}
		case err := <-p.done:
			p.done <- err
			t.Fatalf("%s exited before %q: %v\n%s", argv[0], ready, err, p.output())
		case <-ctx.Done():
			t.Fatalf("%s never printed %q: %v\n%s", argv[0], ready, ctx.Err(), p.output())
		}
	}
}

func (p *peer) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// wait waits for the peer to exit successfully.
func (p *peer) wait(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Fatalf("peer %s: %v\n%s", p.cmd.Path, err, p.output())
		}
	case <-ctx.Done():
		t.Fatalf("peer %s did not finish: %v\n%s", p.cmd.Path, ctx.Err(), p.output())
	}
}

// canFrame builds a classic struct can_frame.
func canFrame(id uint32, data []byte) []byte {
	f := make([]byte, 16)
	binary.NativeEndian.PutUint32(f, id)
	f[4] = byte(len(data))
	copy(f[8:], data)
	return f
}

// TestCAN sends a frame from Go to candump and from cansend to Go on vcan0.
func TestCAN(t *testing.T) {
	ctx := testContext(t)
	ifi, err := net.InterfaceByName("vcan0")
	if err != nil {
		if testenv.InVM() {
			t.Fatalf("vcan0 missing in the VM: %v", err)
		}
		t.Skipf("no vcan0: %v", err)
	}
	addr := &canAddr{Index: ifi.Index, Name: ifi.Name}
	c, err := canRaw.ListenPacket(ctx, addr, nil)
	testenv.SkipUnsupported(t, "AF_CAN (modprobe can_raw)", err)
	defer c.Close()

	// Go -> candump. candump may not be listening yet when a frame is
	// sent, so send until it has seen one.
	dump := startPeer(t, ctx, "", testenv.LookPeer(t, "candump"), "-L", "-n", "1", "vcan0")
	frame := canFrame(0x123, []byte{0xde, 0xad, 0xbe, 0xef})
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
send:
	for {
		if _, err := c.WriteTo(frame, addr); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-dump.done:
			dump.done <- err
			break send
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("candump saw nothing: %s", dump.output())
		}
	}
	dump.wait(t, ctx)
	if got := dump.output(); !strings.Contains(got, "vcan0 123#DEADBEEF") {
		t.Errorf("candump printed %q, want vcan0 123#DEADBEEF", got)
	}

	// cansend -> Go.
	drain(c)
	if out, err := exec.CommandContext(ctx, testenv.LookPeer(t, "cansend"), "vcan0", "456#C0FFEE").CombinedOutput(); err != nil {
		t.Fatalf("cansend: %v: %s", err, out)
	}
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 72)
	n, from, err := c.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != 16 || binary.NativeEndian.Uint32(buf) != 0x456 || buf[4] != 3 || !bytes.Equal(buf[8:11], []byte{0xc0, 0xff, 0xee}) {
		t.Errorf("read % x (%d bytes), want id 0x456 data c0 ff ee", buf[:n], n)
	}
	if fa, ok := from.(*canAddr); !ok || fa.Index != ifi.Index {
		t.Errorf("frame from %v, want vcan0", from)
	}
}

// drain discards frames already queued on c (the candump round's).
func drain(c *anysock.PacketConn) {
	buf := make([]byte, 72)
	for {
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		if _, _, err := c.ReadFrom(buf); err != nil {
			_ = c.SetReadDeadline(time.Time{})
			return
		}
	}
}

// TestTIPC exchanges RDM messages between Go and CPython both ways.
func TestTIPC(t *testing.T) {
	ctx := testContext(t)
	c, err := tipcRDM.ListenPacket(ctx, nil, nil)
	testenv.SkipUnsupported(t, "AF_TIPC (modprobe tipc)", err)
	defer c.Close()
	py := python(t)

	// Go client -> CPython server on service 18888:17.
	srv := startPeer(t, ctx, "ready", py, "-c", `
import socket
s = socket.socket(socket.AF_TIPC, socket.SOCK_RDM)
s.bind((socket.TIPC_ADDR_NAMESEQ, 18888, 17, 17, socket.TIPC_CLUSTER_SCOPE))
print("ready", flush=True)
data, addr = s.recvfrom(100)
s.sendto(data.upper(), addr)
`)
	svc := &tipcAddr{Kind: unix.TIPC_SERVICE_ADDR, A: 18888, B: 17}
	if _, err := c.WriteTo([]byte("hello tipc"), svc); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 100)
	n, from, err := c.ReadFrom(buf)
	if err != nil {
		t.Fatalf("%v\npython: %s", err, srv.output())
	}
	if string(buf[:n]) != "HELLO TIPC" {
		t.Errorf("reply %q, want HELLO TIPC", buf[:n])
	}
	if fa, ok := from.(*tipcAddr); !ok || fa.Kind != unix.TIPC_SOCKET_ADDR || fa.A == 0 {
		t.Errorf("reply from %#v, want a socket address", from)
	}
	srv.wait(t, ctx)

	// CPython client -> Go server bound to 18889:17..17.
	s, err := tipcRDM.ListenPacket(ctx, &tipcAddr{Kind: unix.TIPC_SERVICE_RANGE, Scope: unix.TIPC_CLUSTER_SCOPE, A: 18889, B: 17, C: 17}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cli := startPeer(t, ctx, "", py, "-c", `
import socket
s = socket.socket(socket.AF_TIPC, socket.SOCK_RDM)
s.settimeout(10)
s.sendto(b"ping", (socket.TIPC_ADDR_NAME, 18889, 17, 0))
print("reply", s.recv(100).decode(), flush=True)
`)
	_ = s.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, from, err = s.ReadFrom(buf)
	if err != nil {
		t.Fatalf("%v\npython: %s", err, cli.output())
	}
	if string(buf[:n]) != "ping" {
		t.Errorf("got %q, want ping", buf[:n])
	}
	if _, err := s.WriteTo([]byte("PONG"), from); err != nil {
		t.Fatalf("replying to %v: %v", from, err)
	}
	cli.wait(t, ctx)
	if got := cli.output(); !strings.Contains(got, "reply PONG") {
		t.Errorf("python printed %q, want reply PONG", got)
	}
}

// TestRDS exchanges datagrams between Go and CPython over RDS on 127.0.0.1.
func TestRDS(t *testing.T) {
	ctx := testContext(t)
	local := &rdsAddr{netip.MustParseAddrPort("127.0.0.1:4001")}
	c, err := rdsSeq.ListenPacket(ctx, local, nil)
	testenv.SkipUnsupported(t, "AF_RDS (modprobe rds)", err)
	defer c.Close()
	srv := startPeer(t, ctx, "ready", python(t), "-c", `
import socket
s = socket.socket(socket.AF_RDS, socket.SOCK_SEQPACKET, 0)
s.bind(("127.0.0.1", 4000))
print("ready", flush=True)
data, addr = s.recvfrom(100)
print("from", addr, flush=True)
s.sendto(data.upper(), addr)
`)
	dst := &rdsAddr{netip.MustParseAddrPort("127.0.0.1:4000")}
	if _, err := c.WriteTo([]byte("hello rds"), dst); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 100)
	n, from, err := c.ReadFrom(buf)
	if err != nil {
		t.Fatalf("%v\npython: %s", err, srv.output())
	}
	if string(buf[:n]) != "HELLO RDS" {
		t.Errorf("reply %q, want HELLO RDS", buf[:n])
	}
	if from.String() != "127.0.0.1:4000" {
		t.Errorf("reply from %v, want 127.0.0.1:4000", from)
	}
	srv.wait(t, ctx)
	if got := srv.output(); !strings.Contains(got, "from ('127.0.0.1', 4001)") {
		t.Errorf("python saw the sender as %q, want ('127.0.0.1', 4001)", got)
	}
}

// controllers returns the two btvirt controllers.
func controllers(t *testing.T) (a, b vmtest.BTController) {
	t.Helper()
	cs, err := vmtest.BTControllers()
	if err == nil && len(cs) < 2 {
		err = errors.New("fewer than two controllers")
	}
	if err != nil {
		if testenv.IsUnsupported(err) && !testenv.InVM() {
			t.Skipf("no Bluetooth: %v", err)
		}
		if !testenv.InVM() {
			t.Skipf("no btvirt controllers outside the VM: %v", err)
		}
		t.Fatalf("btvirt controllers: %v", err)
	}
	return cs[0], cs[1]
}

// TestL2CAPPython connects a Go L2CAP client on hci0 to a CPython echo
// server on hci1.
func TestL2CAPPython(t *testing.T) {
	ctx := testContext(t)
	a, b := controllers(t)
	srv := startPeer(t, ctx, "ready", python(t), "-c", `
import socket, sys
s = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_L2CAP)
s.bind((sys.argv[1], 0x1001))
s.listen(1)
print("ready", flush=True)
c, addr = s.accept()
print("peer", addr, flush=True)
c.send(c.recv(100).upper())
c.recv(100)
`, b.Addr)
	conn, err := l2cap.Dial(ctx, &l2Addr{BD: a.Addr}, &l2Addr{BD: b.Addr, PSM: 0x1001}, nil)
	if err != nil {
		t.Fatalf("%v\npython: %s", err, srv.output())
	}
	defer conn.Close()
	// Dial returns only once connected: the first Write must not fail
	// with ENOTCONN.
	if _, err := conn.Write([]byte("hello l2cap")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 100)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("%v\npython: %s", err, srv.output())
	}
	if string(buf[:n]) != "HELLO L2CAP" {
		t.Errorf("reply %q", buf[:n])
	}
	if ra := conn.RemoteAddr().(*l2Addr); ra.BD != b.Addr || ra.PSM != 0x1001 {
		t.Errorf("RemoteAddr = %v, want %s/4097", ra, b.Addr)
	}
	if la := conn.LocalAddr().(*l2Addr); la.BD != a.Addr {
		t.Errorf("LocalAddr = %v, want %s", la, a.Addr)
	}
	conn.Close()
	srv.wait(t, ctx)
	if got := srv.output(); !strings.Contains(got, "peer ('"+a.Addr+"'") {
		t.Errorf("python saw peer %q, want %s", got, a.Addr)
	}
}

// TestL2CAPL2test accepts a connection from l2test on hci0 with a Go
// listener on hci1 and checks l2test's frame layout: a 4-byte sequence
// number, a 2-byte length, then 0x7f filler.
func TestL2CAPL2test(t *testing.T) {
	ctx := testContext(t)
	a, b := controllers(t)
	ln, err := l2cap.Listen(ctx, &l2Addr{BD: b.Addr, PSM: 0x1003}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli := startPeer(t, ctx, "", testenv.LookPeer(t, "l2test"), "-s", "-N", "1", "-b", "32", "-g", "500", "-P", "4099", "-i", a.Name, b.Addr)
	conn, err := ln.AcceptContext(ctx)
	if err != nil {
		t.Fatalf("%v\nl2test: %s", err, cli.output())
	}
	defer conn.Close()
	if ra := conn.RemoteAddr().(*l2Addr); ra.BD != a.Addr {
		t.Errorf("RemoteAddr = %v, want %s", ra, a.Addr)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 1024)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("%v\nl2test: %s", err, cli.output())
	}
	if n != 32 || binary.LittleEndian.Uint32(buf) != 0 || binary.LittleEndian.Uint16(buf[4:]) != 32 ||
		!bytes.Equal(buf[6:n], bytes.Repeat([]byte{0x7f}, 26)) {
		t.Errorf("l2test frame % x (%d bytes), want seq 0, length 32, 0x7f filler", buf[:n], n)
	}
	conn.Close()
	cli.wait(t, ctx)
}
