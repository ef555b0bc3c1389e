package can_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/can"
)

func TestParseAddr(t *testing.T) {
	for in, want := range map[string]can.Addr{
		"vcan0": {Interface: "vcan0"},
		"any":   {},
		"":      {},
		"#7":    {Index: 7},
	} {
		a, err := can.ParseAddr(in)
		if err != nil || *a != want {
			t.Errorf("ParseAddr(%q) = %+v, %v", in, a, err)
			continue
		}
		back, err := can.ParseAddr(a.String())
		if err != nil || *back != *a {
			t.Errorf("ParseAddr(String()) = %+v, %v", back, err)
		}
	}
	for _, in := range []string{"#0", "#x", "a/b", "a:b", "0123456789abcdef", "a b"} {
		if _, err := can.ParseAddr(in); err == nil {
			t.Errorf("ParseAddr(%q) succeeded", in)
		} else {
			var ae *anysock.AddrError
			if !errors.As(err, &ae) {
				t.Errorf("ParseAddr(%q) error %T", in, err)
			}
		}
	}
}

func TestParseISOTPAddr(t *testing.T) {
	a, err := can.ParseISOTPAddr("vcan0:7E0:18DAF110")
	if err != nil || a.Interface != "vcan0" || a.TxID != 0x7e0 || a.RxID != 0x18daf110|can.EFFFlag {
		t.Fatalf("got %+v, %v", a, err)
	}
	if s := a.String(); s != "vcan0:7E0:18DAF110" {
		t.Fatalf("String() = %q", s)
	}
	for _, in := range []string{"vcan0:7E0", "any:7E0:7E8", "vcan0:800:7E8", "vcan0:7E0:7E8:1", "vcan0:07E0:7E8", "vcan0:3FFFFFFF:7E8"} {
		if _, err := can.ParseISOTPAddr(in); err == nil {
			t.Errorf("ParseISOTPAddr(%q) succeeded", in)
		}
	}
}

func TestParseJ1939Addr(t *testing.T) {
	for in, want := range map[string]can.J1939Addr{
		"vcan0":                 {Interface: "vcan0", Name: can.J1939NoName, PGN: can.J1939NoPGN, Addr: can.J1939NoAddr},
		"vcan0:80":              {Interface: "vcan0", Name: can.J1939NoName, PGN: can.J1939NoPGN, Addr: 0x80},
		"vcan0:80,12300":        {Interface: "vcan0", Name: can.J1939NoName, PGN: 0x12300, Addr: 0x80},
		"vcan0:,,a000000000001": {Interface: "vcan0", Name: 0xa000000000001, PGN: can.J1939NoPGN, Addr: can.J1939NoAddr},
		"vcan0:0,0,1":           {Interface: "vcan0", Name: 1, PGN: 0, Addr: 0},
	} {
		a, err := can.ParseJ1939Addr(in)
		if err != nil || *a != want {
			t.Errorf("ParseJ1939Addr(%q) = %+v, %v", in, a, err)
			continue
		}
		if s := a.String(); s != in {
			t.Errorf("String() = %q, want %q", s, in)
		}
	}
	for _, in := range []string{"vcan0:100", "vcan0:,40001", "vcan0:,,x", "vcan0:1,2,3,4"} {
		if _, err := can.ParseJ1939Addr(in); err == nil {
			t.Errorf("ParseJ1939Addr(%q) succeeded", in)
		}
	}
}

func TestCodec(t *testing.T) {
	raw := can.NewCodec(1)
	b, err := raw.AppendSockaddr(nil, &can.Addr{Index: 3})
	if err != nil || len(b) != 24 || b[4] != 3 {
		t.Fatalf("raw sockaddr % x, %v", b, err)
	}
	a, err := raw.ParseSockaddr(b[:8])
	if err != nil || a.(*can.Addr).Index != 3 {
		t.Fatalf("ParseSockaddr = %v, %v", a, err)
	}
	if _, err := raw.AppendSockaddr(nil, &can.ISOTPAddr{Index: 1}); err == nil {
		t.Fatal("raw codec accepted an ISO-TP address")
	}
	if _, err := raw.ParseSockaddr([]byte{1, 0}); err == nil {
		t.Fatal("short sockaddr accepted")
	}
	tp := can.NewCodec(6)
	b, err = tp.AppendSockaddr(nil, &can.ISOTPAddr{Index: 2, TxID: 0x7e0, RxID: 0x7e8})
	if err != nil {
		t.Fatal(err)
	}
	got, err := tp.ParseSockaddr(b)
	if ia := got.(*can.ISOTPAddr); err != nil || ia.TxID != 0x7e0 || ia.RxID != 0x7e8 || ia.Index != 2 {
		t.Fatalf("ISO-TP round trip %+v, %v", got, err)
	}
	j := can.NewCodec(7)
	ja := &can.J1939Addr{Index: 99999, Name: 0x1122334455667788, PGN: 0x12300, Addr: 0x80}
	b, err = j.AppendSockaddr(nil, ja)
	if err != nil {
		t.Fatal(err)
	}
	got, err = j.ParseSockaddr(b)
	if err != nil || *got.(*can.J1939Addr) != *ja {
		t.Fatalf("J1939 round trip %+v, %v", got, err)
	}
}

func TestFilters(t *testing.T) {
	fs := []can.Filter{can.MatchID(0x123, false), {ID: 0x100, Mask: 0x700, Invert: true}, can.MatchID(0x1234, true)}
	b, err := can.AppendFilters(nil, fs)
	if err != nil || len(b) != 24 {
		t.Fatal(len(b), err)
	}
	back, err := can.DecodeFilters(b)
	if err != nil || len(back) != 3 || back[0] != fs[0] || back[1] != fs[1] || back[2] != fs[2] {
		t.Fatalf("DecodeFilters = %v, %v", back, err)
	}
	for _, f := range fs {
		p, err := can.ParseFilter(f.String())
		if err != nil || p != f {
			t.Errorf("ParseFilter(%q) = %v, %v", f.String(), p, err)
		}
	}
	m := can.MatchID(0x123, false)
	if !m.Match(0x123, 0) || m.Match(0x123, can.Extended) || m.Match(0x123, can.RTR) || m.Match(0x124, 0) {
		t.Fatal("MatchID(0x123) matches wrongly")
	}
	if _, err := can.ParseFilter("20000000:0"); err == nil {
		t.Fatal("filter with the invert bit in ID accepted")
	}
	if _, err := can.AppendFilters(nil, make([]can.Filter, can.MaxFilters+1)); err == nil {
		t.Fatal("too many filters accepted")
	}
	if _, err := can.DecodeFilters(make([]byte, 7)); err == nil {
		t.Fatal("7-byte filter list accepted")
	}
}

func TestBCMMessageCodec(t *testing.T) {
	m := can.BCMMessage{Op: can.BCMTxSetup, Flags: can.BCMSetTimer | can.BCMStartTimer, Count: 3,
		Ival1: 1500 * time.Millisecond, Ival2: 20 * time.Millisecond, ID: 0x123,
		Frames: []can.Frame{{ID: 0x123, Len: 2, Data: [8]byte{1, 2}}, {ID: 0x123, Len: 1}}}
	b, err := m.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != can.BCMHeadSize+2*can.FrameSize || m.Size() != len(b) {
		t.Fatalf("size %d, head %d", len(b), can.BCMHeadSize)
	}
	var back can.BCMMessage
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if back.Op != m.Op || back.Flags != m.Flags || back.Ival1 != m.Ival1 || back.Ival2 != m.Ival2 || back.ID != m.ID ||
		back.Count != m.Count || len(back.Frames) != 2 || back.Frames[0] != m.Frames[0] {
		t.Fatalf("round trip %+v", back)
	}
	if err := back.UnmarshalBinary(b[:len(b)-1]); !errors.Is(err, can.ErrFrame) {
		t.Fatalf("truncated message: %v", err)
	}
	fd := can.BCMMessage{Op: can.BCMTxSend, Flags: can.BCMFDFrame, FDFrames: []can.FDFrame{{ID: 1, Flags: can.FD, Len: 12}}}
	b, err = fd.AppendBinary(nil)
	if err != nil || len(b) != can.BCMHeadSize+can.FDFrameSize {
		t.Fatal(len(b), err)
	}
	if err := back.UnmarshalBinary(b); err != nil || len(back.FDFrames) != 1 || back.FDFrames[0].Len != 12 {
		t.Fatalf("FD round trip %+v %v", back, err)
	}
	if _, err := (&can.BCMMessage{Frames: make([]can.Frame, can.BCMMaxFrames+1)}).AppendBinary(nil); err == nil {
		t.Fatal("too many frames accepted")
	}
	if s := can.BCMRxChanged.String(); s != "RX_CHANGED" {
		t.Fatal(s)
	}
}

func ExampleParseISOTPAddr() {
	a, _ := can.ParseISOTPAddr("vcan0:7E0:7E8")
	fmt.Printf("%s tx=%#x rx=%#x\n", a, a.TxID, a.RxID)
	// Output: vcan0:7E0:7E8 tx=0x7e0 rx=0x7e8
}

func ExampleParseJ1939Addr() {
	a, _ := can.ParseJ1939Addr("vcan0:80,12300")
	fmt.Printf("%s addr=%#x pgn=%#x name-set=%v\n", a, a.Addr, a.PGN, a.Name != can.J1939NoName)
	// Output: vcan0:80,12300 addr=0x80 pgn=0x12300 name-set=false
}

func ExampleParseFilter() {
	f, _ := can.ParseFilter("123~7FF")
	fmt.Println(f.Invert, f.Match(0x123, 0), f.Match(0x456, 0))
	// Output: true false true
}

// TestNilConns: methods on nil or zero-value conns return errors, never
// panic.
func TestNilConns(t *testing.T) {
	var f can.Frame
	var fd can.FDFrame
	var r *can.RawConn
	if err := r.ReadFrame(&f); err == nil {
		t.Error("nil RawConn ReadFrame succeeded")
	}
	if err := (&can.RawConn{}).WriteFrame(&f); err == nil {
		t.Error("zero RawConn WriteFrame succeeded")
	}
	if _, err := r.ReadFrames(nil, make([]can.Frame, 2)); err == nil {
		t.Error("nil RawConn ReadFrames succeeded")
	}
	// Option methods are promoted from an embedded value: they are safe
	// on a zero RawConn (a nil *RawConn cannot reach them).
	if err := (&can.RawConn{}).SetFilters(nil); err == nil {
		t.Error("zero RawConn SetFilters succeeded")
	}
	var p *can.RawPacketConn
	if _, err := p.ReadFrameFrom(nil, &fd); err == nil {
		t.Error("nil RawPacketConn ReadFrameFrom succeeded")
	}
	var b *can.BCMConn
	if err := b.Send(nil, &can.BCMMessage{}); err == nil || b.RemoteAddr() != nil {
		t.Error("nil BCMConn Send succeeded")
	}
	var i *can.ISOTPConn
	if _, err := i.Write([]byte{1}); err == nil {
		t.Error("nil ISOTPConn Write succeeded")
	}
	var j *can.J1939Conn
	if _, _, err := j.ReadFrom(make([]byte, 8)); err == nil {
		t.Error("nil J1939Conn ReadFrom succeeded")
	}
}
