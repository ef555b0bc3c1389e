package route

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/mdlayher/netlink"
)

// Seed corpora under testdata/fuzz/FuzzXxx were captured from this
// kernel's dumps by TestGenerateFuzzCorpus (ANYSOCK_GEN_CORPUS=1).

// attrBoundaries returns the offsets in b (from start) at which a list of
// attributes may validly end: after each attribute, with or without its
// padding (or part of it). ok is false if the attributes do not parse.
func attrBoundaries(b []byte, start int) (map[int]bool, bool) {
	ends := map[int]bool{start: true}
	i := start
	for i < len(b) {
		if len(b)-i < 4 {
			return nil, false
		}
		l := int(binary.NativeEndian.Uint16(b[i:]))
		if l < 4 || i+l > len(b) {
			return nil, false
		}
		next := i + (l+3)&^3
		if next > len(b) {
			next = len(b)
		}
		for k := i + l; k <= next; k++ {
			ends[k] = true // cutting only padding loses nothing
		}
		i = next
	}
	return ends, true
}

// checkTruncation decodes every prefix of a message that decoded
// successfully: a cut inside the fixed header or inside an attribute must
// fail, never yield a silently shorter object.
func checkTruncation(t *testing.T, b []byte, fixed int, decode func([]byte) error) {
	ends, ok := attrBoundaries(b, fixed)
	if !ok {
		t.Fatalf("decoder accepted %x but its attributes do not parse", b)
	}
	for k := 0; k < len(b); k++ {
		err := decode(b[:k])
		switch {
		case k < fixed && err == nil:
			t.Fatalf("cut at %d (inside the %d-byte header) decoded without error", k, fixed)
		case k >= fixed && !ends[k] && err == nil:
			t.Fatalf("cut at %d of %d (inside an attribute) decoded without error: %x", k, len(b), b)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error %v does not match ErrMalformed", err)
		}
	}
}

func fuzzDecoder(f *testing.F, fixed int, decode func([]byte) error) {
	f.Add(make([]byte, fixed))
	f.Add([]byte{})
	f.Add(append(make([]byte, fixed), 8, 0, 1, 0, 1, 2, 3, 4))
	f.Add(append(make([]byte, fixed), 3, 0, 1, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := decode(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		if len(b) < 2048 {
			checkTruncation(t, b, fixed, decode)
		}
	})
}

func FuzzLink(f *testing.F) {
	fuzzDecoder(f, sizeofIfInfomsg, func(b []byte) error { var l Link; return l.UnmarshalBinary(b) })
}

func FuzzAddress(f *testing.F) {
	fuzzDecoder(f, sizeofIfAddrmsg, func(b []byte) error { var a Address; return a.UnmarshalBinary(b) })
}

func FuzzRoute(f *testing.F) {
	fuzzDecoder(f, sizeofRtmsg, func(b []byte) error {
		var r Route
		if err := r.UnmarshalBinary(b); err != nil {
			return err
		}
		if r.Family.bits() != 0 && !r.Dst.IsValid() {
			return errors.New("IP route without a valid Dst")
		}
		for _, h := range r.NextHops {
			if h.Weight < 1 || h.Weight > 256 {
				return errors.New("next hop weight out of range")
			}
		}
		return nil
	})
}

func FuzzNeighbor(f *testing.F) {
	fuzzDecoder(f, sizeofNdmsg, func(b []byte) error { var n Neighbor; return n.UnmarshalBinary(b) })
}

// FuzzAttributes checks the copy-free scanner against mdlayher/netlink's
// UnmarshalAttributes.
func FuzzAttributes(f *testing.F) {
	f.Add([]byte{8, 0, 1, 0, 1, 2, 3, 4, 5, 0, 2, 0, 9, 0, 0, 0})
	f.Add([]byte{5, 0, 1, 0, 1})
	f.Add([]byte{4, 0, 1, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		a := newAttrs("test", b)
		type attr struct {
			typ  uint16
			data []byte
		}
		var mine []attr
		for a.next() {
			mine = append(mine, attr{a.typ, a.data})
		}
		theirs, terr := netlink.UnmarshalAttributes(b)
		if a.err != nil {
			if !errors.Is(a.err, ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", a.err)
			}
			if terr == nil {
				// netlink skips zero-length attributes; the kernel never
				// sends them and the scanner rejects them.
				for i := 0; i+4 <= len(b); {
					l := int(binary.NativeEndian.Uint16(b[i:]))
					if l == 0 {
						return
					}
					i += (max(l, 4) + 3) &^ 3
				}
				t.Fatalf("scanner rejected %x (%v), netlink.UnmarshalAttributes accepted it", b, a.err)
			}
			return
		}
		if terr != nil {
			t.Fatalf("scanner accepted %x, netlink.UnmarshalAttributes: %v", b, terr)
		}
		if len(mine) != len(theirs) {
			t.Fatalf("scanner found %d attributes, netlink %d", len(mine), len(theirs))
		}
		for i := range mine {
			if mine[i].typ != theirs[i].Type&nlaTypeMask || !bytes.Equal(mine[i].data, theirs[i].Data) {
				t.Fatalf("attribute %d: scanner %d %x, netlink %d %x", i, mine[i].typ, mine[i].data, theirs[i].Type, theirs[i].Data)
			}
		}
	})
}

// FuzzMessages splits datagrams into messages and decodes each as an event
// or an acknowledgement, as the receive paths do.
func FuzzMessages(f *testing.F) {
	done := make([]byte, 20)
	binary.NativeEndian.PutUint32(done, 20)
	binary.NativeEndian.PutUint16(done[4:], 3)
	f.Add(done)
	f.Add([]byte{16, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		total := 0
		for len(b) > 0 {
			m, rest, err := nextMessage(b)
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("error %v does not match ErrMalformed", err)
				}
				return
			}
			if int(m.Header.Length) != nlmsgHdrLen+len(m.Data) || len(rest) >= len(b) {
				t.Fatalf("inconsistent split: header length %d, data %d, rest %d of %d", m.Header.Length, len(m.Data), len(rest), len(b))
			}
			total++
			b = rest
			switch m.Header.Type {
			case netlink.Error, netlink.Done:
				if _, _, _, err := ackError(m); err != nil && !errors.Is(err, ErrMalformed) {
					t.Fatalf("ackError: %v does not match ErrMalformed", err)
				}
			default:
				ev, ok, err := decodeEvent(m)
				if err != nil && !errors.Is(err, ErrMalformed) {
					t.Fatalf("decodeEvent: %v does not match ErrMalformed", err)
				}
				if ok && ev.Link == nil && ev.Address == nil && ev.Route == nil && ev.Neighbor == nil {
					t.Fatal("event without an object")
				}
			}
		}
	})
}

func TestAckErrorExtended(t *testing.T) {
	// An NLMSG_ERROR with NLM_F_CAPPED|NLM_F_ACK_TLVS: errno, the request
	// header, then NLMSGERR_ATTR_MSG and NLMSGERR_ATTR_OFFS.
	data := binary.NativeEndian.AppendUint32(nil, uint32(0xffffffef)) // -17
	hdr := make([]byte, 16)
	binary.NativeEndian.PutUint32(hdr, 60)
	data = append(data, hdr...)
	ae := netlink.NewAttributeEncoder()
	ae.String(1, "File exists")
	ae.Uint32(2, 28)
	tlv, _ := ae.Encode()
	data = append(data, tlv...)
	m := netlink.Message{Header: netlink.Header{Type: netlink.Error, Flags: netlink.Capped | netlink.AcknowledgeTLVs}, Data: data}
	errno, msg, off, err := ackError(m)
	if err != nil || errno != 17 || msg != "File exists" || off != 28 {
		t.Fatalf("ackError = %d %q %d %v", errno, msg, off, err)
	}
	if _, _, _, err := ackError(netlink.Message{Header: netlink.Header{Type: netlink.Error, Flags: netlink.AcknowledgeTLVs}, Data: data[:10]}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("truncated error message: %v", err)
	}
}

// FuzzParseNames checks that the name parsers accept what String prints
// and that parsing what they accept round-trips.
func FuzzParseNames(f *testing.F) {
	for _, s := range []string{"main", "local", "default", "unspec", "100", "0x10", "kernel", "boot", "static", "dhcp", "global", "link", "host", "unicast", "blackhole", "-1", "4294967296", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := ParseTable(s); err == nil {
			if w, err := ParseTable(v.String()); err != nil || w != v {
				t.Fatalf("table %q -> %d -> %q -> %d, %v", s, v, v.String(), w, err)
			}
		}
		if v, err := ParseProtocol(s); err == nil {
			if w, err := ParseProtocol(v.String()); err != nil || w != v {
				t.Fatalf("protocol %q -> %d -> %q -> %d, %v", s, v, v.String(), w, err)
			}
		}
		if v, err := ParseScope(s); err == nil {
			if w, err := ParseScope(v.String()); err != nil || w != v {
				t.Fatalf("scope %q -> %d -> %q -> %d, %v", s, v, v.String(), w, err)
			}
		}
		if v, err := ParseRouteType(s); err == nil {
			if w, err := ParseRouteType(v.String()); err != nil || w != v {
				t.Fatalf("route type %q -> %d -> %q -> %d, %v", s, v, v.String(), w, err)
			}
		}
	})
}
