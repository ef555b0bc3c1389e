package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
	"github.com/anysock/anysock/internal/vmtest"
)

func TestMain(m *testing.M) {
	vmtest.Main(m, vmtest.Modules("can_raw"), vmtest.VCAN("vcan0"))
}

// TestPyBytes checks pyBytes against CPython's repr of the same bytes.
func TestPyBytes(t *testing.T) {
	cases := [][]byte{{}, {0xde, 0xad, 0xbe, 0xef}, []byte("a'b"), []byte(`a'"b`), []byte("\t\n\r\\ ~\x7f\x00")}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 50; i++ {
		b := make([]byte, r.IntN(9))
		for j := range b {
			b[j] = byte(r.IntN(256))
		}
		cases = append(cases, b)
	}
	py := testenv.LookPeer(t, "python3")
	var script strings.Builder
	script.WriteString("import sys\n")
	for _, c := range cases {
		script.WriteString("print(repr(bytes([")
		for j, x := range c {
			if j > 0 {
				script.WriteString(",")
			}
			script.WriteString(strconv.Itoa(int(x)))
		}
		script.WriteString("])))\n")
	}
	out, err := exec.Command(py, "-c", script.String()).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	for i, c := range cases {
		if got := pyBytes(c); got != lines[i] {
			t.Errorf("pyBytes(% x) = %s, CPython says %s", c, got, lines[i])
		}
	}
}

func testConn(t *testing.T) *can.RawConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c, err := can.Dial(ctx, "vcan0", nil)
	testenv.SkipUnsupported(t, "AF_CAN with vcan0 (modprobe can_raw vcan)", err)
	t.Cleanup(func() { c.Close() })
	return c
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun runs the example for count frames and returns its output and a
// channel that is closed when it returns, after which *result holds its
// error.
func startRun(t *testing.T, count int) (out *syncBuf, done chan struct{}, result *error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	out, done, result = &syncBuf{}, make(chan struct{}), new(error)
	go func() {
		*result = run(ctx, out, "vcan0", count)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return out, done, result
}

// kick sends frame f from c until the example (bound some time after it
// started) answers with a copy of f, and returns the frame after the echo.
func kick(t *testing.T, c *can.RawConn, f can.Frame) can.Frame {
	t.Helper()
	var got can.Frame
	for {
		if err := c.WriteFrame(&f); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if err := c.ReadFrame(&got); err == nil {
			break
		}
	}
	if got != f {
		t.Fatalf("echo %v, want %v", &got, &f)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := c.ReadFrame(&got); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestRun: the example echoes a frame and sends 001#010203, printing what
// the Python program prints.
func TestRun(t *testing.T) {
	c := testConn(t)
	out, done, result := startRun(t, 1)
	f := can.Frame{ID: 0x123, Len: 4, Data: [8]byte{0xde, 0xad, 0xbe, 0xef}}
	got := kick(t, c, f)
	if got.String() != "001#010203" {
		t.Fatalf("second frame %v, want 001#010203", &got)
	}
	select {
	case <-done:
		if *result != nil {
			t.Fatal(*result)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("example did not stop after one frame")
	}
	if want := "Received: can_id=123, can_dlc=4, data=b'\\xde\\xad\\xbe\\xef'\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
}

// TestAgainstCPython runs the Python original and the Go port side by side
// on vcan0: both receive the same extended frame and must print the same
// line, and the Go port's answers reach the Python program.
func TestAgainstCPython(t *testing.T) {
	c := testConn(t)
	ctx, cancel := context.WithCancel(context.Background())
	py := exec.CommandContext(ctx, "/usr/bin/python3", "-u", "testdata/python_can_example.py")
	pr, pw := io.Pipe()
	py.Stdout, py.Stderr = pw, pw
	if err := py.Start(); err != nil {
		if testenv.PeersRequired() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	lines := make(chan string, 1000)
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	defer func() { cancel(); py.Wait(); pw.Close() }()

	// Wait until Python answers.
	probe := can.Frame{ID: 0x7aa, Len: 1}
	kick(t, c, probe)
	for l := range lines {
		if strings.HasPrefix(l, "Received: can_id=7aa") {
			break
		}
	}
	// Let Python finish answering the probes before the Go port binds, so
	// that the first frame the Go port sees is f.
	time.Sleep(300 * time.Millisecond)
	out, done, result := startRun(t, 1)
	f := can.Frame{ID: 0x1abcdef, Flags: can.Extended, Len: 5, Data: [8]byte{'a', '\'', 0, '\\', 0xff}}
	// Both programs receive f. Python's echo also reaches the Go port, but
	// only after f.
	time.Sleep(200 * time.Millisecond) // let the Go port bind
	if err := c.WriteFrame(&f); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
		if *result != nil {
			t.Fatal(*result)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Go port did not handle a frame")
	}
	want := strings.TrimSuffix(out.String(), "\n")
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l := <-lines:
			if strings.HasPrefix(l, "Received: can_id=81abcdef") {
				if l != want {
					t.Fatalf("CPython printed %q, the Go port %q", l, want)
				}
				return
			}
		case <-deadline:
			t.Fatalf("CPython never printed the frame; Go port printed %q", want)
		}
	}
}
