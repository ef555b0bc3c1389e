package control_test

import (
	"bytes"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/anysock/anysock/control"
)

func seedCmsgs(f *testing.F) {
	var e control.Encoder
	e.Rights(0, 1, 2)
	e.Credentials(control.Credentials{PID: 1, UID: 2, GID: 3})
	e.PktInfo(control.PktInfo{IfIndex: 1, Local: netip.MustParseAddr("127.0.0.1"), Addr: netip.MustParseAddr("127.0.0.2")})
	e.PktInfo(control.PktInfo{IfIndex: 2, Addr: netip.MustParseAddr("fe80::1")})
	e.Timestamp(time.Unix(1, 1000))
	e.TimestampNS(time.Unix(2, 3))
	e.Timestamping(control.Timestamps{Software: time.Unix(4, 5)})
	b, _ := e.Encode()
	f.Add(b)
	f.Add(b[:len(b)-3])
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0xff}, 40))
}

// FuzzDecoder feeds arbitrary bytes to the Decoder and every getter: no
// panics, and every message it accepts re-encodes to the same bytes.
func FuzzDecoder(f *testing.F) {
	seedCmsgs(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		d := control.NewDecoder(b)
		var e control.Encoder
		n := 0
		for d.Next() {
			n++
			e.Raw(d.Level(), d.Type(), d.Data())
			// Each getter on a fresh decoder positioned at this message.
			for g := range 6 {
				d2 := control.NewDecoder(b)
				for range n {
					d2.Next()
				}
				switch g {
				case 0:
					_ = d2.Rights()
				case 1:
					_ = d2.Credentials()
				case 2:
					_ = d2.Timestamp()
				case 3:
					_ = d2.Timestamping()
				case 4:
					_ = d2.PktInfo()
				case 5:
					_ = d2.Int()
				}
			}
		}
		out, err := e.Encode()
		if err != nil {
			t.Fatalf("re-encoding accepted messages: %v", err)
		}
		d.Reset(out)
		for m := 0; m < n; m++ {
			if !d.Next() {
				t.Fatalf("re-encoded bytes hold %d messages, want %d", m, n)
			}
		}
		if d.Next() || d.Err() != nil {
			t.Fatalf("re-encoded bytes: extra message or error %v", d.Err())
		}
	})
}

// FuzzDecodeCANFilters checks that decoding never panics and round-trips.
func FuzzDecodeCANFilters(f *testing.F) {
	f.Add(control.EncodeCANFilters(nil, []control.CANFilter{{ID: 0x123, Mask: 0x7ff}}))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := control.DecodeCANFilters(b)
		if err != nil {
			return
		}
		if got := control.EncodeCANFilters(nil, fs); !bytes.Equal(got, b) {
			t.Fatalf("round trip % x -> % x", b, got)
		}
	})
}

// FuzzDecodeNetlinkGroups checks that decoding never panics and yields
// increasing group numbers.
func FuzzDecodeNetlinkGroups(f *testing.F) {
	f.Add([]byte{0x05, 0, 0, 0, 0, 0, 0, 0x80})
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		gs := control.DecodeNetlinkGroups(b)
		if !slices.IsSorted(gs) || len(gs) > 8*len(b) {
			t.Fatalf("groups %v from % x", gs, b)
		}
		for _, g := range gs {
			if g == 0 || int(g) > 8*len(b) {
				t.Fatalf("group %d out of range for %d bytes", g, len(b))
			}
		}
	})
}
