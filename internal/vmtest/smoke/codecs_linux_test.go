package smoke

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Test-local codecs: the families' own packages own the real ones. Each
// writes the kernel's sockaddr layout in host (little-endian on every
// architecture the VM runs) byte order.

// canAddr is a CAN interface (sockaddr_can with only can_ifindex set).
type canAddr struct {
	Index int
	Name  string
}

func (a *canAddr) Network() string { return "can" }
func (a *canAddr) String() string  { return a.Name }

type canCodec struct{}

func (canCodec) Family() int { return unix.AF_CAN }

func (canCodec) AppendSockaddr(b []byte, a net.Addr) ([]byte, error) {
	ca, ok := a.(*canAddr)
	if !ok {
		return nil, fmt.Errorf("not a CAN address: %T", a)
	}
	var sa [24]byte // struct sockaddr_can
	binary.NativeEndian.PutUint16(sa[0:], unix.AF_CAN)
	binary.NativeEndian.PutUint32(sa[4:], uint32(ca.Index))
	return append(b, sa[:]...), nil
}

func (canCodec) ParseSockaddr(b []byte) (net.Addr, error) {
	if len(b) < 8 || binary.NativeEndian.Uint16(b) != unix.AF_CAN {
		return nil, fmt.Errorf("bad sockaddr_can % x", b)
	}
	idx := int(int32(binary.NativeEndian.Uint32(b[4:])))
	name := ""
	if ifi, err := net.InterfaceByIndex(idx); err == nil {
		name = ifi.Name
	}
	return &canAddr{Index: idx, Name: name}, nil
}

// tipcAddr is a sockaddr_tipc: Kind is TIPC_SERVICE_RANGE (A type, B
// lower, C upper), TIPC_SERVICE_ADDR (A type, B instance, C domain) or
// TIPC_SOCKET_ADDR (A ref, B node).
type tipcAddr struct {
	Kind    uint8
	Scope   int8
	A, B, C uint32
}

func (a *tipcAddr) Network() string { return "tipc" }
func (a *tipcAddr) String() string {
	return fmt.Sprintf("kind%d:%d:%d:%d", a.Kind, a.A, a.B, a.C)
}

type tipcCodec struct{}

func (tipcCodec) Family() int { return unix.AF_TIPC }

func (tipcCodec) AppendSockaddr(b []byte, a net.Addr) ([]byte, error) {
	ta, ok := a.(*tipcAddr)
	if !ok {
		return nil, fmt.Errorf("not a TIPC address: %T", a)
	}
	var sa [16]byte // struct sockaddr_tipc
	binary.NativeEndian.PutUint16(sa[0:], unix.AF_TIPC)
	sa[2], sa[3] = ta.Kind, byte(ta.Scope)
	binary.NativeEndian.PutUint32(sa[4:], ta.A)
	binary.NativeEndian.PutUint32(sa[8:], ta.B)
	binary.NativeEndian.PutUint32(sa[12:], ta.C)
	return append(b, sa[:]...), nil
}

func (tipcCodec) ParseSockaddr(b []byte) (net.Addr, error) {
	if len(b) < 16 || binary.NativeEndian.Uint16(b) != unix.AF_TIPC {
		return nil, fmt.Errorf("bad sockaddr_tipc % x", b)
	}
	return &tipcAddr{Kind: b[2], Scope: int8(b[3]),
		A: binary.NativeEndian.Uint32(b[4:]), B: binary.NativeEndian.Uint32(b[8:]), C: binary.NativeEndian.Uint32(b[12:])}, nil
}

// rdsAddr is an RDS endpoint: an AF_RDS socket is bound and addressed with
// a sockaddr_in (sin_family AF_INET).
type rdsAddr struct{ netip.AddrPort }

func (a *rdsAddr) Network() string { return "rds" }

type rdsCodec struct{}

func (rdsCodec) Family() int { return unix.AF_RDS }

func (rdsCodec) AppendSockaddr(b []byte, a net.Addr) ([]byte, error) {
	ra, ok := a.(*rdsAddr)
	if !ok || !ra.Addr().Is4() {
		return nil, fmt.Errorf("not an IPv4 RDS address: %v", a)
	}
	var sa [16]byte // struct sockaddr_in
	binary.NativeEndian.PutUint16(sa[0:], unix.AF_INET)
	binary.BigEndian.PutUint16(sa[2:], ra.Port())
	ip := ra.Addr().As4()
	copy(sa[4:], ip[:])
	return append(b, sa[:]...), nil
}

func (rdsCodec) ParseSockaddr(b []byte) (net.Addr, error) {
	if len(b) < 8 || binary.NativeEndian.Uint16(b) != unix.AF_INET {
		return nil, fmt.Errorf("bad RDS sockaddr_in % x", b)
	}
	ip := netip.AddrFrom4([4]byte(b[4:8]))
	return &rdsAddr{netip.AddrPortFrom(ip, binary.BigEndian.Uint16(b[2:]))}, nil
}

// l2Addr is a Bluetooth L2CAP address (sockaddr_l2, BR/EDR).
type l2Addr struct {
	BD  string // "00:AA:01:00:00:23"
	PSM uint16
}

func (a *l2Addr) Network() string { return "l2cap" }
func (a *l2Addr) String() string  { return fmt.Sprintf("%s/%d", a.BD, a.PSM) }

type l2Codec struct{}

func (l2Codec) Family() int { return unix.AF_BLUETOOTH }

func (l2Codec) AppendSockaddr(b []byte, a net.Addr) ([]byte, error) {
	la, ok := a.(*l2Addr)
	if !ok {
		return nil, fmt.Errorf("not an L2CAP address: %T", a)
	}
	hw, err := net.ParseMAC(la.BD)
	if err != nil || len(hw) != 6 {
		return nil, fmt.Errorf("bad Bluetooth address %q", la.BD)
	}
	var sa [14]byte // struct sockaddr_l2
	binary.NativeEndian.PutUint16(sa[0:], unix.AF_BLUETOOTH)
	binary.LittleEndian.PutUint16(sa[2:], la.PSM)
	for i := range 6 { // bdaddr_t is little-endian: the last byte first
		sa[4+i] = hw[5-i]
	}
	return append(b, sa[:]...), nil
}

func (l2Codec) ParseSockaddr(b []byte) (net.Addr, error) {
	if len(b) < 10 || binary.NativeEndian.Uint16(b) != unix.AF_BLUETOOTH {
		return nil, fmt.Errorf("bad sockaddr_l2 % x", b)
	}
	bd := fmt.Sprintf("%02X:%02X:%02X:%02X:%02X:%02X", b[9], b[8], b[7], b[6], b[5], b[4])
	return &l2Addr{BD: bd, PSM: binary.LittleEndian.Uint16(b[2:])}, nil
}
