package can

import (
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/anysock/anysock"
)

// Network names. Network is the dispatcher's name for raw CAN sockets; the
// others name the CAN protocols in errors and addresses.
const (
	Network      = "can"
	NetworkBCM   = "can-bcm"
	NetworkISOTP = "can-isotp"
	NetworkJ1939 = "can-j1939"
)

// AddrSyntax describes the text ParseAddr accepts, for error messages.
const AddrSyntax = `an interface name such as "vcan0", "any" or "" for all interfaces, or "#N" for interface index N`

// An Addr is the address of a raw or broadcast-manager CAN socket: a
// network interface. The zero value means all interfaces.
type Addr struct {
	// Interface is the interface name. When Index is zero it is looked up
	// when the address is used (in the socket's network namespace when
	// binding); "" and "any" mean all interfaces.
	Interface string
	// Index is the interface index, 0 for all interfaces (or to look up
	// Interface).
	Index int
}

// Network returns "can".
func (a *Addr) Network() string { return Network }

// String returns the interface name, "any" for all interfaces, or "#N" when
// only the index N is known.
func (a *Addr) String() string {
	if a == nil {
		return "<nil>"
	}
	return ifaceText(a.Interface, a.Index)
}

func ifaceText(name string, index int) string {
	switch {
	case name != "":
		return name
	case index == 0:
		return "any"
	}
	return "#" + strconv.Itoa(index)
}

// any reports whether a means all interfaces.
func (a *Addr) any() bool {
	return a.Index == 0 && (a.Interface == "" || a.Interface == "any")
}

// ParseAddr parses the text Addr.String prints: an interface name, "any" or
// "" for all interfaces, or "#N" for the interface with index N.
func ParseAddr(s string) (*Addr, error) {
	name, index, err := parseIface(Network, s, s)
	if err != nil {
		return nil, err
	}
	return &Addr{Interface: name, Index: index}, nil
}

func parseIface(network, full, s string) (string, int, error) {
	switch {
	case s == "" || s == "any":
		return "", 0, nil
	case s[0] == '#':
		n, err := strconv.ParseUint(s[1:], 10, 31)
		if err != nil || n == 0 {
			return "", 0, &anysock.AddrError{Network: network, Addr: full, Err: "bad interface index; want " + AddrSyntax}
		}
		return "", int(n), nil
	case len(s) >= 16: // IFNAMSIZ includes the NUL
		return "", 0, &anysock.AddrError{Network: network, Addr: full, Err: "interface name longer than 15 bytes"}
	case strings.ContainsAny(s, "/: \t\n\x00"):
		return "", 0, &anysock.AddrError{Network: network, Addr: full, Err: "interface names cannot contain '/', ':', spaces or NUL; want " + AddrSyntax}
	}
	return s, 0, nil
}

// ISOTPSyntax describes the text ParseISOTPAddr accepts.
const ISOTPSyntax = `"IFACE:TXID:RXID" with hexadecimal identifiers, 3 digits for standard and 8 for extended ones, e.g. "vcan0:7E0:7E8" or "vcan0:18DA10F1:18DAF110"`

// An ISOTPAddr is the address of an ISO-TP socket: an interface and the pair
// of CAN identifiers the connection sends on (TxID) and receives on (RxID).
// An identifier with EFFFlag set is a 29-bit one.
type ISOTPAddr struct {
	// Interface and Index name the interface, as in Addr.
	Interface string
	Index     int
	// TxID is the identifier the socket sends on.
	TxID uint32
	// RxID is the identifier the socket receives on.
	RxID uint32
}

// Network returns "can-isotp".
func (a *ISOTPAddr) Network() string { return NetworkISOTP }

// String returns "IFACE:TXID:RXID" (see ISOTPSyntax).
func (a *ISOTPAddr) String() string {
	if a == nil {
		return "<nil>"
	}
	b := []byte(ifaceText(a.Interface, a.Index))
	b = append(b, ':')
	b = appendCANID(b, a.TxID)
	b = append(b, ':')
	return string(appendCANID(b, a.RxID))
}

func appendCANID(b []byte, id uint32) []byte {
	if id&effFlag != 0 {
		return appendHexN(b, id&effMask, 8)
	}
	return appendHexN(b, id&sffMask, 3)
}

// ParseISOTPAddr parses the text ISOTPAddr.String prints (ISOTPSyntax).
func ParseISOTPAddr(s string) (*ISOTPAddr, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return nil, &anysock.AddrError{Network: NetworkISOTP, Addr: s, Err: "want " + ISOTPSyntax}
	}
	name, index, err := parseIface(NetworkISOTP, s, parts[0])
	if err != nil {
		return nil, err
	}
	if name == "" && index == 0 {
		return nil, &anysock.AddrError{Network: NetworkISOTP, Addr: s, Err: "ISO-TP needs one interface, not all; want " + ISOTPSyntax}
	}
	a := &ISOTPAddr{Interface: name, Index: index}
	for i, p := range parts[1:] {
		id, err := parseCANID(p)
		if err != nil {
			return nil, &anysock.AddrError{Network: NetworkISOTP, Addr: s, Err: err.Error() + "; want " + ISOTPSyntax}
		}
		if i == 0 {
			a.TxID = id
		} else {
			a.RxID = id
		}
	}
	return a, nil
}

// parseCANID parses a 3-digit standard or 8-digit extended identifier.
func parseCANID(p string) (uint32, error) {
	v, err := strconv.ParseUint(p, 16, 32)
	switch {
	case err != nil:
		return 0, fmt.Errorf("identifier %q is not hexadecimal", p)
	case len(p) == 3 && v <= sffMask:
		return uint32(v), nil
	case len(p) == 8 && v <= effMask:
		return uint32(v) | effFlag, nil
	}
	return 0, fmt.Errorf("identifier %q: want 3 hex digits up to 7FF or 8 up to 1FFFFFFF", p)
}

// J1939 special values.
const (
	// J1939NoAddr (J1939_NO_ADDR, 0xFF) is "no address" when binding and
	// the global (broadcast) address when sending.
	J1939NoAddr uint8 = 0xff
	// J1939IdleAddr (J1939_IDLE_ADDR) is the source address of a node that
	// could not claim one.
	J1939IdleAddr uint8 = 0xfe
	// J1939NoPGN (J1939_NO_PGN) means no parameter group number.
	J1939NoPGN uint32 = 0x40000
	// J1939NoName (J1939_NO_NAME) means no NAME.
	J1939NoName uint64 = 0
	// J1939MaxPGN is the largest parameter group number (18 bits).
	J1939MaxPGN uint32 = 0x3ffff
	// J1939PGNRequest is the Request PGN (0xEA00).
	J1939PGNRequest uint32 = 0x0ea00
	// J1939PGNAddressClaimed is the Address Claimed PGN (0xEE00).
	J1939PGNAddressClaimed uint32 = 0x0ee00
)

// J1939Syntax describes the text ParseJ1939Addr accepts.
const J1939Syntax = `"IFACE" or "IFACE:ADDR[,PGN[,NAME]]" with hexadecimal fields that may be empty, e.g. "vcan0:80", "vcan0:80,12300", "vcan0:,,A00000000000001"`

// A J1939Addr is the address of a J1939 socket (struct sockaddr_can's
// can_addr.j1939): an interface, a 64-bit NAME, a parameter group number and
// an 8-bit address. Use the J1939No* values for absent fields: the zero
// value means address 0 and PGN 0, which are real ones. NewJ1939Addr returns
// an address with every field absent.
type J1939Addr struct {
	// Interface and Index name the interface, as in Addr.
	Interface string
	Index     int
	// Name is the 64-bit J1939 NAME, or J1939NoName.
	Name uint64
	// PGN is the parameter group number (0 to J1939MaxPGN), or
	// J1939NoPGN.
	PGN uint32
	// Addr is the 8-bit source or destination address, or J1939NoAddr
	// (which is the broadcast address when sending).
	Addr uint8
}

// NewJ1939Addr returns the address of interface iface with no NAME, no PGN
// and no address.
func NewJ1939Addr(iface string) *J1939Addr {
	return &J1939Addr{Interface: iface, Name: J1939NoName, PGN: J1939NoPGN, Addr: J1939NoAddr}
}

// Network returns "can-j1939".
func (a *J1939Addr) Network() string { return NetworkJ1939 }

// String returns "IFACE:ADDR,PGN,NAME" with absent fields left empty and
// trailing empty fields dropped (J1939Syntax).
func (a *J1939Addr) String() string {
	if a == nil {
		return "<nil>"
	}
	fields := [3]string{}
	if a.Addr != J1939NoAddr {
		fields[0] = strconv.FormatUint(uint64(a.Addr), 16)
	}
	if a.PGN != J1939NoPGN {
		fields[1] = strconv.FormatUint(uint64(a.PGN), 16)
	}
	if a.Name != J1939NoName {
		fields[2] = strconv.FormatUint(a.Name, 16)
	}
	n := 3
	for n > 0 && fields[n-1] == "" {
		n--
	}
	s := ifaceText(a.Interface, a.Index)
	if n == 0 {
		return s
	}
	return s + ":" + strings.Join(fields[:n], ",")
}

// ParseJ1939Addr parses the text J1939Addr.String prints (J1939Syntax).
func ParseJ1939Addr(s string) (*J1939Addr, error) {
	iface, rest, hasRest := strings.Cut(s, ":")
	name, index, err := parseIface(NetworkJ1939, s, iface)
	if err != nil {
		return nil, err
	}
	a := NewJ1939Addr(name)
	a.Index = index
	if !hasRest {
		return a, nil
	}
	fields := strings.Split(rest, ",")
	if len(fields) > 3 {
		return nil, &anysock.AddrError{Network: NetworkJ1939, Addr: s, Err: "too many fields; want " + J1939Syntax}
	}
	bad := func(what string) error {
		return &anysock.AddrError{Network: NetworkJ1939, Addr: s, Err: "bad " + what + "; want " + J1939Syntax}
	}
	for i, f := range fields {
		if f == "" {
			continue
		}
		switch i {
		case 0:
			v, err := strconv.ParseUint(f, 16, 8)
			if err != nil {
				return nil, bad("address (hex 0-FF)")
			}
			a.Addr = uint8(v)
		case 1:
			v, err := strconv.ParseUint(f, 16, 32)
			if err != nil || (uint32(v) > J1939MaxPGN && uint32(v) != J1939NoPGN) {
				return nil, bad("PGN (hex 0-3FFFF)")
			}
			a.PGN = uint32(v)
		case 2:
			v, err := strconv.ParseUint(f, 16, 64)
			if err != nil {
				return nil, bad("NAME (hex, 64 bits)")
			}
			a.Name = v
		}
	}
	return a, nil
}

// A Codec is the anysock.Codec of AF_CAN for one CAN protocol: it encodes
// and decodes struct sockaddr_can. Raw and BCM sockets use *Addr, ISO-TP
// sockets *ISOTPAddr and J1939 sockets *J1939Addr.
//
// The kernel's sockaddrs carry interface indexes; a Codec remembers the
// names of the interfaces it has resolved, so decoded addresses carry names
// without a lookup per datagram. Use NewCodec; a Codec must not be copied
// after first use.
type Codec struct {
	protocol int
	// lookup allows resolving unknown names and indexes with the net
	// package (in the calling thread's network namespace).
	lookup bool

	mu     sync.RWMutex
	byIdx  map[int]string
	byName map[string]int
}

// NewCodec returns a Codec for a CAN protocol: 1 (CAN_RAW), 2 (CAN_BCM), 6
// (CAN_ISOTP) or 7 (CAN_J1939).
func NewCodec(protocol int) *Codec {
	return &Codec{protocol: protocol, lookup: true}
}

// Family returns AF_CAN.
func (*Codec) Family() int { return afCAN }

func (c *Codec) network() string {
	switch c.protocol {
	case protoBCM:
		return NetworkBCM
	case protoISOTP:
		return NetworkISOTP
	case protoJ1939:
		return NetworkJ1939
	}
	return Network
}

// remember records that interface index is called name.
func (c *Codec) remember(name string, index int) {
	if name == "" || index <= 0 {
		return
	}
	c.mu.Lock()
	if c.byIdx == nil {
		c.byIdx, c.byName = map[int]string{}, map[string]int{}
	}
	c.byIdx[index], c.byName[name] = name, index
	c.mu.Unlock()
}

// index returns the interface index for a name and index pair.
func (c *Codec) index(name string, index int) (int, error) {
	if index != 0 || name == "" || name == "any" {
		return index, nil
	}
	c.mu.RLock()
	i, ok := c.byName[name]
	c.mu.RUnlock()
	if ok {
		return i, nil
	}
	if !c.lookup {
		return 0, &UnknownInterfaceError{Name: name}
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return 0, &UnknownInterfaceError{Name: name, Err: err}
	}
	c.remember(name, ifi.Index)
	return ifi.Index, nil
}

// name returns the interface name of index, or "" if unknown.
func (c *Codec) name(index int) string {
	if index == 0 {
		return ""
	}
	c.mu.RLock()
	n, ok := c.byIdx[index]
	c.mu.RUnlock()
	if ok || !c.lookup {
		return n
	}
	ifi, err := net.InterfaceByIndex(index)
	if err != nil {
		return ""
	}
	c.remember(ifi.Name, index)
	return ifi.Name
}

// AppendSockaddr appends the 24-byte struct sockaddr_can for addr.
func (c *Codec) AppendSockaddr(b []byte, addr net.Addr) ([]byte, error) {
	var (
		name  string
		index int
		u     [16]byte
	)
	switch a := addr.(type) {
	case *Addr:
		if a == nil || c.protocol == protoISOTP || c.protocol == protoJ1939 {
			break
		}
		name, index = a.Interface, a.Index
		goto encode
	case *ISOTPAddr:
		if a == nil || c.protocol != protoISOTP {
			break
		}
		name, index = a.Interface, a.Index
		binary.NativeEndian.PutUint32(u[0:], a.RxID)
		binary.NativeEndian.PutUint32(u[4:], a.TxID)
		goto encode
	case *J1939Addr:
		if a == nil || c.protocol != protoJ1939 {
			break
		}
		name, index = a.Interface, a.Index
		binary.NativeEndian.PutUint64(u[0:], a.Name)
		binary.NativeEndian.PutUint32(u[8:], a.PGN)
		u[12] = a.Addr
		goto encode
	}
	return b, &anysock.AddrError{Network: c.network(), Addr: fmt.Sprint(addr), Err: fmt.Sprintf("%T is not an address of %s", addr, c.network())}
encode:
	if index < 0 || index > 1<<31-1 {
		return b, &anysock.AddrError{Network: c.network(), Addr: fmt.Sprint(addr), Err: "interface index out of range"}
	}
	index, err := c.index(name, index)
	if err != nil {
		return b, err
	}
	b = binary.NativeEndian.AppendUint16(b, afCAN)
	b = append(b, 0, 0)
	b = binary.NativeEndian.AppendUint32(b, uint32(index))
	return append(b, u[:]...), nil
}

// ParseSockaddr decodes a struct sockaddr_can of the length the kernel
// reported (at least the 8 bytes up to the interface index).
func (c *Codec) ParseSockaddr(b []byte) (net.Addr, error) {
	if len(b) < 8 || binary.NativeEndian.Uint16(b) != afCAN {
		return nil, &anysock.AddrError{Network: c.network(), Err: fmt.Sprintf("malformed sockaddr_can (%d bytes)", len(b))}
	}
	index := int(int32(binary.NativeEndian.Uint32(b[4:])))
	if index < 0 {
		return nil, &anysock.AddrError{Network: c.network(), Err: "sockaddr_can with a negative interface index"}
	}
	var u [16]byte
	copy(u[:], b[8:])
	switch c.protocol {
	case protoISOTP:
		return &ISOTPAddr{Interface: c.name(index), Index: index,
			RxID: binary.NativeEndian.Uint32(u[0:]), TxID: binary.NativeEndian.Uint32(u[4:])}, nil
	case protoJ1939:
		if len(b) < 21 {
			// Too short to hold the J1939 fields: leave them absent.
			a := NewJ1939Addr(c.name(index))
			a.Index = index
			return a, nil
		}
		return &J1939Addr{Interface: c.name(index), Index: index,
			Name: binary.NativeEndian.Uint64(u[0:]), PGN: binary.NativeEndian.Uint32(u[8:]), Addr: u[12]}, nil
	}
	return &Addr{Interface: c.name(index), Index: index}, nil
}

// An UnknownInterfaceError reports a CAN interface name that does not exist
// (in the socket's network namespace).
type UnknownInterfaceError struct {
	// Name is the interface name.
	Name string
	// Err is the underlying error (ENODEV from the kernel, or the net
	// package's lookup error), if any.
	Err error
}

func (e *UnknownInterfaceError) Error() string {
	s := fmt.Sprintf("can: no network interface %q (create one with `ip link add %s type vcan`, or check the network namespace)", e.Name, e.Name)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *UnknownInterfaceError) Unwrap() error { return e.Err }

// Protos for each CAN protocol. Each call returns a Proto with its own
// Codec (see Codec on interface names).

// RawProto returns the anysock.Proto of CAN_RAW sockets.
func RawProto() anysock.Proto {
	return anysock.Proto{Network: Network, Codec: NewCodec(protoRaw), Type: sockRaw, Protocol: protoRaw,
		Modules: []string{"can", "can_raw"}, MaxMessage: FDFrameSize}
}

// BCMProto returns the anysock.Proto of CAN_BCM (broadcast manager) sockets.
func BCMProto() anysock.Proto {
	return anysock.Proto{Network: NetworkBCM, Codec: NewCodec(protoBCM), Type: sockDgram, Protocol: protoBCM, Modules: []string{"can", "can_bcm"}}
}

// ISOTPProto returns the anysock.Proto of CAN_ISOTP sockets.
func ISOTPProto() anysock.Proto {
	return anysock.Proto{Network: NetworkISOTP, Codec: NewCodec(protoISOTP), Type: sockDgram, Protocol: protoISOTP, Modules: []string{"can", "can_isotp"}}
}

// J1939Proto returns the anysock.Proto of CAN_J1939 sockets.
func J1939Proto() anysock.Proto {
	return anysock.Proto{Network: NetworkJ1939, Codec: NewCodec(protoJ1939), Type: sockDgram, Protocol: protoJ1939, Modules: []string{"can", "can_j1939"}}
}
