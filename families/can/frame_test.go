package can_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/anysock/anysock/families/can"
)

// pythonPack builds what Python's struct.pack("=IB3x8s", can_id, dlc, data)
// produces: native byte order, no alignment.
func pythonPack(canID uint32, dlc uint8, data []byte) []byte {
	b := binary.NativeEndian.AppendUint32(nil, canID)
	b = append(b, dlc, 0, 0, 0)
	d := make([]byte, 8)
	copy(d, data)
	return append(b, d...)
}

func TestFrameLayoutMatchesPython(t *testing.T) {
	for _, tc := range []struct {
		f     can.Frame
		canID uint32
	}{
		{can.Frame{ID: 0x01, Len: 3, Data: [8]byte{1, 2, 3}}, 0x01},
		{can.Frame{ID: 0x1abcdef0, Flags: can.Extended, Len: 8, Data: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}}, 0x9abcdef0},
		{can.Frame{ID: 0x7ff, Flags: can.RTR}, 0x400007ff},
		{can.Frame{ID: 0x40, Flags: can.ErrorFrame, Len: 8}, 0x20000040},
	} {
		got, err := tc.f.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		want := pythonPack(tc.canID, tc.f.Len, tc.f.Data[:tc.f.Len])
		if !bytes.Equal(got, want) {
			t.Errorf("%v: got % x, want % x", &tc.f, got, want)
		}
		var back can.Frame
		if err := back.UnmarshalBinary(want); err != nil || back != tc.f {
			t.Errorf("decode % x = %v, %v; want %v", want, &back, err, &tc.f)
		}
	}
}

func TestFDFrameCodec(t *testing.T) {
	var f can.FDFrame
	f.ID, f.Flags = 0x123, can.BRS|can.ESI
	if err := f.SetPayload(bytes.Repeat([]byte{0xab}, 12)); err != nil {
		t.Fatal(err)
	}
	b, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != can.FDFrameSize || b[4] != 12 || b[5] != 0x07 || binary.NativeEndian.Uint32(b) != 0x123 {
		t.Fatalf("encoding % x", b[:8])
	}
	var g can.FDFrame
	if err := g.UnmarshalBinary(b); err != nil || g != f {
		t.Fatalf("round trip: %v %v, want %v", &g, err, &f)
	}
	if err := f.SetPayload(make([]byte, 9)); !errors.Is(err, can.ErrFrame) {
		t.Fatalf("9-byte FD payload: %v", err)
	}
	for n, want := range map[int]int{0: 0, 8: 8, 9: 12, 13: 16, 33: 48, 64: 64, 65: -1} {
		if got := can.FDLen(n); got != want {
			t.Errorf("FDLen(%d) = %d, want %d", n, got, want)
		}
	}
	// A classic frame decodes into an FDFrame without the FD flag and
	// encodes back to 16 bytes.
	c := can.Frame{ID: 5, Flags: can.RTR, Len: 2}
	cb, _ := c.MarshalBinary()
	if err := g.UnmarshalBinary(cb); err != nil || g.Flags != can.RTR || g.Size() != can.FrameSize {
		t.Fatalf("classic into FDFrame: %v %v", &g, err)
	}
	back, _ := g.MarshalBinary()
	if !bytes.Equal(back, cb) {
		t.Fatalf("classic FDFrame re-encoded % x, want % x", back, cb)
	}
	if cc, ok := g.Classic(); !ok || cc != c {
		t.Fatalf("Classic() = %v, %v", &cc, ok)
	}
}

func TestFrameErrors(t *testing.T) {
	bad := []can.Frame{
		{ID: 0x800},
		{ID: 0x20000000, Flags: can.Extended},
		{ID: 1, Len: 9},
		{ID: 1, Flags: can.FD},
		{ID: 1, Flags: can.BRS},
		{ID: 1, Len: 8, Len8DLC: 8},
		{ID: 1, Len: 8, Len8DLC: 16},
		{ID: 1, Flags: 0x80},
	}
	for _, f := range bad {
		if _, err := f.MarshalBinary(); !errors.Is(err, can.ErrFrame) {
			t.Errorf("%+v: %v, want ErrFrame", f, err)
		}
	}
	badFD := []can.FDFrame{
		{ID: 1, Flags: can.FD, Len: 9},
		{ID: 1, Flags: can.FD, Len: 65},
		{ID: 1, Flags: can.FD | can.RTR},
		{ID: 1, Len: 9},
		{ID: 1, Flags: can.BRS},
	}
	for _, f := range badFD {
		if _, err := f.MarshalBinary(); !errors.Is(err, can.ErrFrame) {
			t.Errorf("%+v: %v, want ErrFrame", f, err)
		}
	}
	var f can.Frame
	var fd can.FDFrame
	for _, n := range []int{0, 1, 15, 17, 71, 72, 73} {
		err := f.UnmarshalBinary(make([]byte, n))
		if !errors.Is(err, can.ErrFrame) {
			t.Errorf("Frame.UnmarshalBinary(%d bytes): %v", n, err)
		}
	}
	for _, n := range []int{0, 15, 17, 71, 73} {
		if err := fd.UnmarshalBinary(make([]byte, n)); !errors.Is(err, can.ErrFrame) {
			t.Errorf("FDFrame.UnmarshalBinary(%d bytes): %v", n, err)
		}
	}
	long := make([]byte, 16)
	long[4] = 9
	if err := f.UnmarshalBinary(long); !errors.Is(err, can.ErrFrame) {
		t.Errorf("length 9 in a classic frame: %v", err)
	}
	longFD := make([]byte, 72)
	longFD[4] = 65
	if err := fd.UnmarshalBinary(longFD); !errors.Is(err, can.ErrFrame) {
		t.Errorf("length 65 in an FD frame: %v", err)
	}
	if err := f.SetPayload(make([]byte, 9)); !errors.Is(err, can.ErrFrame) {
		t.Errorf("SetPayload(9 bytes): %v", err)
	}
}

func TestParseFrame(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		want    can.Frame
	}{
		{"123#DEADBEEF", "", can.Frame{ID: 0x123, Len: 4, Data: [8]byte{0xde, 0xad, 0xbe, 0xef}}},
		{"123#de.ad.be.ef", "123#DEADBEEF", can.Frame{ID: 0x123, Len: 4, Data: [8]byte{0xde, 0xad, 0xbe, 0xef}}},
		{"1ABCDEF0#", "", can.Frame{ID: 0x1abcdef0, Flags: can.Extended}},
		{"00000001#11", "", can.Frame{ID: 1, Flags: can.Extended, Len: 1, Data: [8]byte{0x11}}},
		{"7FF#R", "", can.Frame{ID: 0x7ff, Flags: can.RTR}},
		{"7FF#R3", "", can.Frame{ID: 0x7ff, Flags: can.RTR, Len: 3}},
		{"001#0102030405060708_C", "", can.Frame{ID: 1, Len: 8, Len8DLC: 12, Data: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}}},
		{"20000040#0000000000000000", "", can.Frame{ID: 0x40, Flags: can.ErrorFrame, Len: 8}},
	} {
		got, err := can.ParseFrame(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseFrame(%q) = %v, %v; want %v", tc.in, &got, err, &tc.want)
			continue
		}
		out := tc.out
		if out == "" {
			out = tc.in
		}
		if s := got.String(); s != out {
			t.Errorf("String() = %q, want %q", s, out)
		}
	}
	for _, in := range []string{"", "123", "12#00", "800#", "1234#00", "123#0", "123#GG",
		"123#000000000000000000", "123##100", "123#R9", "123#00_C", "3FFFFFFFF#"} {
		if f, err := can.ParseFrame(in); !errors.Is(err, can.ErrFrame) {
			t.Errorf("ParseFrame(%q) = %v, %v; want ErrFrame", in, &f, err)
		}
	}
	fd, err := can.ParseFDFrame("12345678##3" + "00112233445566778899AABB")
	if err != nil || fd.Flags != can.Extended|can.FD|can.BRS|can.ESI || fd.Len != 12 || fd.ID != 0x12345678 {
		t.Fatalf("ParseFDFrame = %v, %v", &fd, err)
	}
	if s := fd.String(); s != "12345678##300112233445566778899AABB" {
		t.Fatalf("String() = %q", s)
	}
	if _, err := can.ParseFDFrame("123##1" + "000000000000000000"); !errors.Is(err, can.ErrFrame) {
		t.Fatalf("9-byte FD payload parsed: %v", err)
	}
}

func TestFlagsString(t *testing.T) {
	if s := (can.Extended | can.FD | can.BRS).String(); s != "Extended|FD|BRS" {
		t.Fatal(s)
	}
	if s := (can.ErrBusOff | can.ErrAck).String(); s != "no-ack|bus-off" {
		t.Fatal(s)
	}
}

func TestCodecAllocs(t *testing.T) {
	f := can.Frame{ID: 0x123, Len: 8}
	fd := can.FDFrame{ID: 0x123, Flags: can.FD, Len: 64}
	buf := make([]byte, 0, can.FDFrameSize)
	var g can.Frame
	var gfd can.FDFrame
	allocs := testing.AllocsPerRun(100, func() {
		b, _ := f.AppendBinary(buf[:0])
		_ = g.UnmarshalBinary(b)
		b, _ = fd.AppendBinary(buf[:0])
		_ = gfd.UnmarshalBinary(b)
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per encode+decode, want 0", allocs)
	}
}

func BenchmarkFrameCodec(b *testing.B) {
	f := can.Frame{ID: 0x123, Len: 8}
	buf := make([]byte, 0, can.FrameSize)
	var g can.Frame
	b.ReportAllocs()
	for b.Loop() {
		p, _ := f.AppendBinary(buf[:0])
		_ = g.UnmarshalBinary(p)
	}
}

func ExampleFrame_MarshalBinary() {
	f := can.Frame{ID: 0x123, Len: 3, Data: [8]byte{1, 2, 3}}
	b, _ := f.MarshalBinary()
	fmt.Println(len(b), f.String())
	// Output: 16 123#010203
}

func ExampleParseFDFrame() {
	f, err := can.ParseFDFrame("123##1" + "0102030405060708090A0B0C")
	fmt.Println(f.Len, f.Flags, err)
	// Output: 12 FD|BRS <nil>
}

func ExampleFrame_ErrorInfo() {
	f, _ := can.ParseFrame("20000044#0004000000000000")
	info, ok := f.ErrorInfo()
	fmt.Println(ok, info.Class, info.Controller)
	// Output: true controller|bus-off 4
}
