package route

import (
	"encoding/binary"
	"net"
	"net/netip"
)

// attrs is a copy-free scanner over netlink attributes.
//
// mdlayher/netlink's AttributeDecoder copies each attribute's payload into a
// fresh slice (Attribute.unmarshal) and allocates the decoder itself, which
// costs one allocation per attribute. Dumps of large tables decode tens of
// thousands of attributes, so replies are scanned here instead, in this one
// place; FuzzAttributes checks it against netlink.UnmarshalAttributes.
type attrs struct {
	what string // object kind, for errors
	b    []byte
	typ  uint16
	data []byte
	err  error
}

const nlaTypeMask = 0x3fff // clears NLA_F_NESTED and NLA_F_NET_BYTEORDER

func newAttrs(what string, b []byte) attrs { return attrs{what: what, b: b} }

// next advances to the next attribute. It returns false at the end or on a
// malformed attribute (then err is set).
func (a *attrs) next() bool {
	if a.err != nil || len(a.b) == 0 {
		return false
	}
	if len(a.b) < 4 {
		a.err = malformed(a.what, "%d trailing bytes, too short for an attribute header", len(a.b))
		return false
	}
	l := int(binary.NativeEndian.Uint16(a.b))
	if l < 4 || l > len(a.b) {
		a.err = malformed(a.what, "attribute type %d has length %d with %d bytes left", binary.NativeEndian.Uint16(a.b[2:])&nlaTypeMask, l, len(a.b))
		return false
	}
	a.typ = binary.NativeEndian.Uint16(a.b[2:]) & nlaTypeMask
	a.data = a.b[4:l]
	al := (l + 3) &^ 3
	if al > len(a.b) {
		al = len(a.b) // the last attribute may lack padding
	}
	a.b = a.b[al:]
	return true
}

func (a *attrs) fail(format string, args ...any) {
	if a.err == nil {
		a.err = malformed(a.what, format, args...)
	}
}

func (a *attrs) u8() uint8 {
	if len(a.data) != 1 {
		a.fail("attribute %d: want 1 byte, have %d", a.typ, len(a.data))
		return 0
	}
	return a.data[0]
}

func (a *attrs) u16() uint16 {
	if len(a.data) != 2 {
		a.fail("attribute %d: want 2 bytes, have %d", a.typ, len(a.data))
		return 0
	}
	return binary.NativeEndian.Uint16(a.data)
}

func (a *attrs) u32() uint32 {
	if len(a.data) != 4 {
		a.fail("attribute %d: want 4 bytes, have %d", a.typ, len(a.data))
		return 0
	}
	return binary.NativeEndian.Uint32(a.data)
}

func (a *attrs) u64() uint64 {
	if len(a.data) != 8 {
		a.fail("attribute %d: want 8 bytes, have %d", a.typ, len(a.data))
		return 0
	}
	return binary.NativeEndian.Uint64(a.data)
}

// str returns a NUL-terminated string attribute without its terminator.
func (a *attrs) str() string {
	d := a.data
	for i, c := range d {
		if c == 0 {
			d = d[:i]
			break
		}
	}
	return string(d)
}

// ip decodes an IPv4 or IPv6 address attribute, checking its length
// against the family (any of the two if fam is neither).
func (a *attrs) ip(fam Family) netip.Addr {
	switch {
	case len(a.data) == 4 && fam != FamilyIPv6:
		return netip.AddrFrom4([4]byte(a.data))
	case len(a.data) == 16 && fam != FamilyIPv4:
		return netip.AddrFrom16([16]byte(a.data))
	}
	a.fail("attribute %d: %d bytes is not a %v address", a.typ, len(a.data), fam)
	return netip.Addr{}
}

// hw copies a hardware address attribute.
func (a *attrs) hw() net.HardwareAddr {
	if len(a.data) == 0 {
		return nil
	}
	return net.HardwareAddr(append([]byte(nil), a.data...))
}
