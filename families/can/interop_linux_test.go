package can_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
)

// peer is a running peer program whose output lines are collected.
type peer struct {
	cmd   *exec.Cmd
	lines chan string
	mu    sync.Mutex
	all   strings.Builder
	done  chan struct{}
}

// startPeer runs argv (the first element looked up with testenv.LookPeer)
// with stdin, and collects its output lines. It is killed at cleanup.
func startPeer(t *testing.T, stdin string, argv ...string) *peer {
	t.Helper()
	path := argv[0]
	if !strings.HasPrefix(path, "/") {
		path = testenv.LookPeer(t, argv[0])
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &peer{cmd: exec.CommandContext(ctx, path, argv[1:]...), lines: make(chan string, 1000), done: make(chan struct{})}
	if stdin != "" {
		p.cmd.Stdin = strings.NewReader(stdin)
	}
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			p.mu.Lock()
			p.all.WriteString(s.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- s.Text():
			default:
			}
		}
		close(p.lines)
	}()
	go func() {
		p.cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.done
	})
	return p
}

// line waits for the next output line.
func (p *peer) line(t *testing.T, d time.Duration) (string, bool) {
	t.Helper()
	select {
	case l, ok := <-p.lines:
		return l, ok
	case <-time.After(d):
		return "", false
	}
}

func (p *peer) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.all.String()
}

func (p *peer) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("%s did not exit; output:\n%s", p.cmd.Path, p.output())
	}
}

func run(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(testenv.LookPeer(t, argv[0]), argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, out)
	}
	return string(out)
}

// TestInteropCansend: frames sent by can-utils' cansend read by anysock,
// compared with the frames parsed from the same text.
func TestInteropCansend(t *testing.T) {
	r := dial(t, "vcan0", &can.RawConfig{FD: true})
	for _, s := range []string{"123#DEADBEEF", "12345678#0102030405060708", "7FF#R", "001#", "123##1" + strings.Repeat("A5", 12), "1ABCDEF0##3" + strings.Repeat("5A", 64)} {
		run(t, "cansend", "vcan0", s)
		want, err := can.ParseFDFrame(s)
		if err != nil {
			t.Fatal(err)
		}
		var got can.FDFrame
		deadline(t, r, 5*time.Second)
		if err := r.ReadFDFrame(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("cansend %s: got %v, want %v", s, &got, &want)
		}
	}
}

// TestInteropCandump: frames written by anysock as candump prints them.
func TestInteropCandump(t *testing.T) {
	w := dial(t, "vcan0", &can.RawConfig{FD: true})
	dump := startPeer(t, "", "candump", "-L", "vcan0")
	// candump prints nothing until it is bound: send a probe until it
	// shows up.
	probe := can.Frame{ID: 0x7aa, Len: 1}
	for ready := false; !ready; {
		if err := w.WriteFrame(&probe); err != nil {
			t.Fatal(err)
		}
		l, ok := dump.line(t, 200*time.Millisecond)
		if !ok && l == "" {
			select {
			case <-dump.done:
				t.Fatalf("candump exited: %s", dump.output())
			default:
			}
			continue
		}
		ready = strings.HasSuffix(l, " vcan0 7AA#00")
	}
	// Drain probes still in flight.
	for {
		if _, ok := dump.line(t, 100*time.Millisecond); !ok {
			break
		}
	}
	texts := []string{"123#DEADBEEF", "12345678#0102030405060708", "7FF#R", "7FF#R3", "001#",
		"123##1" + strings.Repeat("A5", 12), "1ABCDEF0##3" + strings.Repeat("5A", 64)}
	for _, s := range texts {
		f, err := can.ParseFDFrame(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteFDFrame(&f); err != nil {
			t.Fatal(err)
		}
		l, ok := dump.line(t, 5*time.Second)
		if !ok {
			t.Fatalf("candump printed nothing for %s; output:\n%s", s, dump.output())
		}
		// candump 2020.11 prints CANFD_FDF (4) in the flags digit, which
		// newer kernels set on every FD frame: compare parsed frames.
		fields := strings.Fields(l)
		if len(fields) != 3 || fields[1] != "vcan0" {
			t.Fatalf("candump printed %q for %s", l, s)
		}
		got, err := can.ParseFDFrame(fields[2])
		if err != nil || got != f {
			t.Fatalf("candump printed %q for %s: parsed %v, %v", l, s, &got, err)
		}
	}
}

func hexWords(b []byte) string {
	var s strings.Builder
	for i, c := range b {
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprintf(&s, "%02X", c)
	}
	return s.String()
}

// TestInteropISOTP: isotpsend to anysock and anysock to isotprecv, with a
// multi-frame message and flow control both ways.
func TestInteropISOTP(t *testing.T) {
	c, err := can.DialISOTP(testCtx(t), &can.ISOTPAddr{Interface: "vcan0", TxID: 0x7e0, RxID: 0x7e8}, nil)
	testenv.SkipUnsupported(t, "CAN_ISOTP (modprobe can_isotp)", err)
	defer c.Close()
	msg := pattern(300)
	// isotpsend sends on 7E8 and expects flow control on 7E0.
	send := startPeer(t, hexWords(msg)+"\n", "isotpsend", "-s", "7E8", "-d", "7E0", "vcan0")
	buf := make([]byte, 4096)
	deadline(t, c, 10*time.Second)
	n, err := c.Read(buf)
	if err != nil || !bytes.Equal(buf[:n], msg) {
		t.Fatalf("from isotpsend: %d bytes, %v; output %s", n, err, send.output())
	}
	send.wait(t, 5*time.Second)

	// isotprecv listens on 7E0 and answers flow control on 7E8.
	recv := startPeer(t, "", "isotprecv", "-l", "-s", "7E8", "-d", "7E0", "vcan0")
	msg = pattern(1000)
	for {
		// Until isotprecv is bound, nobody sends flow control and the
		// kernel reports a timeout for the write: retry.
		wctx, cancel := context.WithTimeout(testCtx(t), 3*time.Second)
		_, err := c.WriteContext(wctx, msg)
		cancel()
		if err != nil {
			t.Logf("write before isotprecv is ready: %v", err)
		}
		l, ok := recv.line(t, 2*time.Second)
		if ok && strings.TrimSpace(l) == hexWords(msg) {
			break
		}
		if ok {
			t.Fatalf("isotprecv printed %q", l)
		}
		select {
		case <-recv.done:
			t.Fatalf("isotprecv exited: %s", recv.output())
		default:
		}
	}
}

// TestInteropJ1939: testj1939 to anysock and back.
func TestInteropJ1939(t *testing.T) {
	ctx := testCtx(t)
	c, err := can.ListenJ1939(ctx, &can.J1939Addr{Interface: "vcan0", Name: can.J1939NoName, PGN: can.J1939NoPGN, Addr: 0x30}, nil)
	testenv.SkipUnsupported(t, "CAN_J1939 (modprobe can_j1939)", err)
	defer c.Close()
	// testj1939 sends 20 bytes of dummy data from 0x20 to 0x30, PGN EF00.
	// (can-utils 2020.11 parses its numbers with base 0: hex needs 0x.)
	out := run(t, "testj1939", "-v", "-s20", "vcan0:0x20", ":0x30,0xef00")
	t.Logf("testj1939 -s20: %s", out)
	buf := make([]byte, 100)
	var info can.J1939Info
	deadline(t, c, 5*time.Second)
	n, from, err := c.ReadFromInfo(nil, buf, &info)
	if err != nil || n != 20 || from.Addr != 0x20 || from.PGN != 0xef00 || info.DestAddr != 0x30 {
		t.Fatalf("from testj1939: %d bytes from %v (%+v), %v", n, from, info, err)
	}
	// testj1939 -r receives on 0x40 and prints what arrives. Its stdout is
	// a pipe, so it is block-buffered: read everything after it exits
	// (-w2: two seconds without traffic).
	recv := startPeer(t, "", "testj1939", "-r", "-w2", "vcan0:0x40")
	payload := []byte{0xde, 0xad, 0xbe, 0xef, 0x01}
	for i := 0; i < 10; i++ { // it may not be bound yet: send a few
		if _, err := c.WriteTo(payload, &can.J1939Addr{PGN: 0xef00, Addr: 0x40}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	recv.wait(t, 15*time.Second)
	out = recv.output()
	if !strings.Contains(strings.ToLower(out), "de ad be ef 01") {
		t.Fatalf("testj1939 printed %q", out)
	}
	t.Logf("testj1939 -r: %s", out)
}

// TestInteropJ1939AddressClaim: j1939acd holds 0x80 with a lower NAME;
// anysock's claim loses it and takes the next candidate.
func TestInteropJ1939AddressClaim(t *testing.T) {
	probe, err := can.ListenJ1939(testCtx(t), &can.J1939Addr{Interface: "vcan1", PGN: can.J1939NoPGN, Addr: 0x10}, nil)
	testenv.SkipUnsupported(t, "CAN_J1939 (modprobe can_j1939)", err)
	probe.Close()
	acd := startPeer(t, "", "j1939acd", "-v", "-r", "0x80", "0000000000000001", "vcan1")
	// j1939acd first asks for claims and waits 1250 ms; wait until it
	// says it claimed the address.
	ctx := testCtx(t)
	for claimed := false; !claimed; {
		l, ok := acd.line(t, 10*time.Second)
		if !ok {
			t.Fatalf("j1939acd did not claim: %s", acd.output())
		}
		claimed = strings.Contains(l, "claimed 0x80")
	}
	time.Sleep(300 * time.Millisecond) // its 250 ms claim period
	c, sa, err := can.ClaimAddress(ctx, "vcan1", can.AddressClaim{Name: 0x00000000000000ff, Addresses: []uint8{0x80, 0x81}}, nil)
	testenv.SkipUnsupported(t, "CAN_J1939 (modprobe can_j1939)", err)
	defer c.Close()
	if sa != 0x81 {
		t.Fatalf("claimed %#x against j1939acd holding 0x80; want 0x81. j1939acd:\n%s", sa, acd.output())
	}
}

// TestInteropPython runs the CAN example of Python's socket documentation
// (kept once, in examples/can/testdata/python_can_example.py, which the Go
// port in examples/can is compared with) with Debian's CPython: it echoes
// every frame and then sends 001#010203.
func TestInteropPython(t *testing.T) {
	const python = "/usr/bin/python3"
	c := dial(t, "vcan0", nil)
	py := startPeer(t, "", python, "-u", "../../examples/can/testdata/python_can_example.py")
	kick := can.Frame{ID: 0x123, Len: 4, Data: [8]byte{0xde, 0xad, 0xbe, 0xef}}
	echo := can.Frame{ID: 0x001, Len: 3, Data: [8]byte{1, 2, 3}}
	var f can.Frame
	for {
		if err := c.WriteFrame(&kick); err != nil {
			t.Fatal(err)
		}
		deadline(t, c, 500*time.Millisecond)
		if err := c.ReadFrame(&f); err == nil {
			break
		}
		select {
		case <-py.done:
			t.Fatalf("python exited: %s", py.output())
		default:
		}
	}
	if f != kick {
		t.Fatalf("python echoed %v, want %v", &f, &kick)
	}
	deadline(t, c, 5*time.Second)
	// Further echoes of earlier kicks may come first.
	for f == kick {
		if err := c.ReadFrame(&f); err != nil {
			t.Fatal(err)
		}
	}
	if f != echo {
		t.Fatalf("python sent %v, want %v", &f, &echo)
	}
	l, _ := py.line(t, 5*time.Second)
	if want := `Received: can_id=123, can_dlc=4, data=b'\xde\xad\xbe\xef'`; l != want {
		t.Fatalf("python printed %q, want %q", l, want)
	}
}
