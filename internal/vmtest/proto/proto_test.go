package proto_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/anysock/anysock/internal/leakcheck"
	"github.com/anysock/anysock/internal/vmtest/proto"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	big := bytes.Repeat([]byte("x"), proto.MaxFrame+10)
	if err := proto.WriteFrame(&buf, proto.Output, []byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if err := proto.WriteFrame(&buf, proto.Output, big); err != nil {
		t.Fatal(err)
	}
	if err := proto.WriteResult(&buf, proto.Status{Exit: 1, BootMillis: 4000}); err != nil {
		t.Fatal(err)
	}
	r := proto.NewReader(&buf)
	var out []byte
	var st proto.Status
	frames := 0
	for {
		typ, b, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		frames++
		switch typ {
		case proto.Output:
			out = append(out, b...)
		case proto.Result:
			if st, err = proto.ParseStatus(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	if frames != 4 {
		t.Errorf("%d frames, want 4 (the big payload split in two)", frames)
	}
	if want := append([]byte("hello\n"), big...); !bytes.Equal(out, want) {
		t.Errorf("output: %d bytes, want %d", len(out), len(want))
	}
	if st.Exit != 1 || st.BootMillis != 4000 {
		t.Errorf("status = %+v", st)
	}
}

func TestBadInput(t *testing.T) {
	for name, in := range map[string][]byte{
		"type":   {'X', 0, 0, 0, 0},
		"length": {'O', 0xff, 0, 0, 0},
	} {
		if _, _, err := proto.NewReader(bytes.NewReader(in)).Next(); !errors.Is(err, proto.ErrBadFrame) {
			t.Errorf("%s: err = %v, want ErrBadFrame", name, err)
		}
	}
	_, _, err := proto.NewReader(bytes.NewReader([]byte{'O', 0, 0, 0, 9, 'a'})).Next()
	if err != io.ErrUnexpectedEOF {
		t.Errorf("truncated: err = %v", err)
	}
	if _, err := proto.ParseStatus([]byte("{")); !errors.Is(err, proto.ErrBadFrame) {
		t.Errorf("bad status: %v", err)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte("O\x00\x00\x00\x02hiR\x00\x00\x00\x0a{\"exit\":0}"))
	f.Add([]byte("L\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := proto.NewReader(bytes.NewReader(b))
		total := 0
		for {
			typ, p, err := r.Next()
			if err != nil {
				return
			}
			total += 5 + len(p)
			if total > len(b) {
				t.Fatalf("read %d bytes from %d", total, len(b))
			}
			if typ == proto.Result {
				_, _ = proto.ParseStatus(p)
			}
		}
	})
}

func ExampleReader() {
	var stream bytes.Buffer
	_ = proto.WriteFrame(&stream, proto.Output, []byte("PASS\n"))
	_ = proto.WriteResult(&stream, proto.Status{Exit: 0})
	r := proto.NewReader(&stream)
	for {
		typ, b, err := r.Next()
		if err != nil {
			break
		}
		fmt.Printf("%c %q\n", typ, b)
	}
	// Output:
	// O "PASS\n"
	// R "{\"exit\":0,\"boot_ms\":0,\"run_ms\":0}"
}
