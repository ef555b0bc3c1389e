package can_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/anysock/anysock/families/can"
)

func mustBytes(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzFrame decodes arbitrary bytes as a struct can_frame: a decoded frame
// must re-encode, decode to the same value, and survive its text form.
func FuzzFrame(f *testing.F) {
	f.Add(mustBytes((&can.Frame{ID: 0x123, Len: 3, Data: [8]byte{1, 2, 3}}).MarshalBinary()))
	f.Add(mustBytes((&can.Frame{ID: 0x1abcdef, Flags: can.Extended | can.RTR, Len: 8}).MarshalBinary()))
	f.Add(mustBytes((&can.Frame{ID: 0x44, Flags: can.ErrorFrame, Len: 8}).MarshalBinary()))
	f.Add(make([]byte, 72))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var fr can.Frame
		if err := fr.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, can.ErrFrame) {
				t.Fatalf("error %v does not match ErrFrame", err)
			}
			return
		}
		enc, err := fr.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded frame %+v does not encode: %v", fr, err)
		}
		var back can.Frame
		if err := back.UnmarshalBinary(enc); err != nil || back != fr {
			t.Fatalf("round trip %+v -> %+v, %v", fr, back, err)
		}
		if fr.Flags&can.ErrorFrame == 0 {
			p, err := can.ParseFrame(fr.String())
			if err != nil || p.ID != fr.ID || p.Flags != fr.Flags || !bytes.Equal(p.Payload(), fr.Payload()) && fr.Flags&can.RTR == 0 {
				t.Fatalf("text %q parsed as %+v, %v; want %+v", fr.String(), p, err, fr)
			}
		}
	})
}

// FuzzFDFrame decodes arbitrary bytes as a struct canfd_frame or can_frame.
func FuzzFDFrame(f *testing.F) {
	fd := can.FDFrame{ID: 0x123, Flags: can.BRS}
	fd.SetPayload(make([]byte, 48))
	f.Add(mustBytes(fd.MarshalBinary()))
	f.Add(mustBytes((&can.FDFrame{ID: 1, Len: 2}).MarshalBinary()))
	f.Add(make([]byte, 16))
	f.Add(make([]byte, 73))
	f.Fuzz(func(t *testing.T, b []byte) {
		var fr can.FDFrame
		if err := fr.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, can.ErrFrame) {
				t.Fatalf("error %v does not match ErrFrame", err)
			}
			return
		}
		enc, err := fr.MarshalBinary()
		if err != nil {
			if can.FDLen(int(fr.Len)) == int(fr.Len) || fr.Flags&can.FD == 0 {
				t.Fatalf("decoded frame %+v does not encode: %v", fr, err)
			}
			return // an FD length no DLC expresses: decoded leniently, not sent
		}
		var back can.FDFrame
		if err := back.UnmarshalBinary(enc); err != nil {
			t.Fatal(err)
		}
		// Classic frames keep only 8 data bytes.
		if fr.Flags&can.FD == 0 {
			clear(fr.Data[8:])
		}
		if back != fr {
			t.Fatalf("round trip %+v -> %+v", fr, back)
		}
		_ = fr.String()
	})
}

// FuzzParseFrame parses arbitrary text in cansend's syntax.
func FuzzParseFrame(f *testing.F) {
	for _, s := range []string{"123#DEADBEEF", "1ABCDEF0#", "7FF#R3", "001#0102030405060708_C", "123##1AABB", "123#de.ad", "20000004#00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fr, err := can.ParseFrame(s)
		if err == nil {
			back, err := can.ParseFrame(fr.String())
			if err != nil || back != fr {
				t.Fatalf("%q -> %q -> %+v, %v; want %+v", s, fr.String(), back, err, fr)
			}
			if _, err := fr.MarshalBinary(); err != nil {
				t.Fatalf("parsed frame does not encode: %v", err)
			}
		} else if !errors.Is(err, can.ErrFrame) {
			t.Fatalf("error %v does not match ErrFrame", err)
		}
		fd, err := can.ParseFDFrame(s)
		if err == nil {
			back, err := can.ParseFDFrame(fd.String())
			if err != nil || back != fd {
				t.Fatalf("%q -> %q -> %+v, %v; want %+v", s, fd.String(), back, err, fd)
			}
			if _, err := fd.MarshalBinary(); err != nil {
				t.Fatalf("parsed FD frame does not encode: %v", err)
			}
		}
	})
}

// FuzzBCMMessage decodes arbitrary bytes as a broadcast-manager message.
func FuzzBCMMessage(f *testing.F) {
	m := can.BCMMessage{Op: can.BCMRxChanged, ID: 0x123, Frames: []can.Frame{{ID: 0x123, Len: 2}}}
	f.Add(mustBytes(m.AppendBinary(nil)))
	fd := can.BCMMessage{Op: can.BCMTxSetup, Flags: can.BCMFDFrame, FDFrames: []can.FDFrame{{ID: 1, Flags: can.FD, Len: 16}}}
	f.Add(mustBytes(fd.AppendBinary(nil)))
	f.Add(make([]byte, can.BCMHeadSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m can.BCMMessage
		if err := m.UnmarshalBinary(b); err != nil {
			return
		}
		enc, err := m.AppendBinary(nil)
		if err != nil {
			return // e.g. a negative interval or an unencodable FD length
		}
		var back can.BCMMessage
		if err := back.UnmarshalBinary(enc); err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		if back.Op != m.Op || back.ID != m.ID || len(back.Frames) != len(m.Frames) || len(back.FDFrames) != len(m.FDFrames) {
			t.Fatalf("round trip %+v -> %+v", m, back)
		}
	})
}

// FuzzFilters decodes arbitrary CAN_RAW_FILTER option values and filter
// text.
func FuzzFilters(f *testing.F) {
	f.Add(mustBytes(can.AppendFilters(nil, []can.Filter{can.MatchID(0x123, false), {ID: 1, Mask: 2, Invert: true}})), "123:7FF")
	f.Add([]byte{1, 2, 3}, "123~7FF")
	f.Fuzz(func(t *testing.T, b []byte, s string) {
		if fs, err := can.DecodeFilters(b); err == nil {
			enc, err := can.AppendFilters(nil, fs)
			if err != nil || !bytes.Equal(enc, b) {
				t.Fatalf("% x -> %v -> % x, %v", b, fs, enc, err)
			}
		}
		if flt, err := can.ParseFilter(s); err == nil {
			back, err := can.ParseFilter(flt.String())
			if err != nil || back != flt {
				t.Fatalf("%q -> %v -> %v, %v", s, flt, back, err)
			}
		}
	})
}

// FuzzParseAddr parses arbitrary address text of every CAN protocol.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"vcan0", "any", "", "#3", "vcan0:7E0:7E8", "vcan0:80,12300,1", "can0:,,A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, err := can.ParseAddr(s); err == nil {
			back, err := can.ParseAddr(a.String())
			if err != nil || *back != *a {
				t.Fatalf("%q -> %q -> %+v, %v", s, a.String(), back, err)
			}
		}
		if a, err := can.ParseISOTPAddr(s); err == nil {
			back, err := can.ParseISOTPAddr(a.String())
			if err != nil || *back != *a {
				t.Fatalf("%q -> %q -> %+v, %v", s, a.String(), back, err)
			}
		}
		if a, err := can.ParseJ1939Addr(s); err == nil {
			back, err := can.ParseJ1939Addr(a.String())
			if err != nil || *back != *a {
				t.Fatalf("%q -> %q -> %+v, %v", s, a.String(), back, err)
			}
		}
	})
}

// FuzzSockaddr decodes arbitrary sockaddr_can bytes for each protocol and
// re-encodes what decodes.
func FuzzSockaddr(f *testing.F) {
	j := can.NewCodec(7)
	f.Add(mustBytes(j.AppendSockaddr(nil, &can.J1939Addr{Index: 99999, Name: 5, PGN: 0x100, Addr: 3})), uint8(7))
	f.Add([]byte{29, 0, 0, 0, 1, 0, 0, 0}, uint8(1))
	f.Add([]byte{29, 0}, uint8(6))
	f.Fuzz(func(t *testing.T, b []byte, proto uint8) {
		c := can.NewCodec(int(proto % 8))
		a, err := c.ParseSockaddr(b)
		if err != nil {
			return
		}
		// Index-only addresses re-encode without name lookups.
		switch v := a.(type) {
		case *can.Addr:
			v.Interface = ""
			if v.Index == 0 {
				return
			}
		case *can.ISOTPAddr:
			v.Interface = ""
		case *can.J1939Addr:
			v.Interface = ""
		}
		if _, err := c.AppendSockaddr(nil, a); err != nil {
			t.Fatalf("decoded %+v does not re-encode: %v", a, err)
		}
	})
}
