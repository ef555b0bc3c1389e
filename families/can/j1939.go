package can

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/anysock/anysock"
)

// J1939 socket options (SOL_CAN_J1939).
const (
	j1939Filter   = 1
	j1939Promisc  = 2
	j1939SendPrio = 3
)

// A J1939Filter selects received messages (struct j1939_filter): a message
// passes when its NAME, PGN and source address, masked, equal the filter's.
// Zero masks match everything.
type J1939Filter struct {
	// Name and NameMask select the source NAME.
	Name     uint64
	NameMask uint64
	// PGN and PGNMask select the parameter group number.
	PGN     uint32
	PGNMask uint32
	// Addr and AddrMask select the source address.
	Addr     uint8
	AddrMask uint8
}

// sizeofJ1939Filter is sizeof(struct j1939_filter): two u64, two u32, two
// u8, padded to 8.
const sizeofJ1939Filter = 32

// AppendJ1939Filters appends the SO_J1939_FILTER option value for fs.
func AppendJ1939Filters(b []byte, fs []J1939Filter) []byte {
	for _, f := range fs {
		b = binary.NativeEndian.AppendUint64(b, f.Name)
		b = binary.NativeEndian.AppendUint64(b, f.NameMask)
		b = binary.NativeEndian.AppendUint32(b, f.PGN)
		b = binary.NativeEndian.AppendUint32(b, f.PGNMask)
		b = append(b, f.Addr, f.AddrMask, 0, 0, 0, 0, 0, 0)
	}
	return b
}

// J1939Config holds the options of a J1939 socket, set before it is bound.
// A nil *J1939Config means the defaults: no broadcast, not promiscuous, no
// filters, priority 6.
type J1939Config struct {
	anysock.Config

	// Broadcast allows sending to the global address J1939NoAddr
	// (SO_BROADCAST); ClaimAddress needs it and sets it.
	Broadcast bool
	// Promiscuous receives every message on the bus, not only those for
	// this socket's address or NAME (SO_J1939_PROMISC).
	Promiscuous bool
	// Filters select received messages (SO_J1939_FILTER).
	Filters []J1939Filter
	// Priority, if set, is the priority of sent messages, 0 (highest) to 7
	// (SO_J1939_SEND_PRIO); nil keeps the default of 6.
	Priority *int
}

func (cfg *J1939Config) apply(rc syscall.RawConn) error {
	if cfg == nil {
		return nil
	}
	if cfg.Broadcast {
		if err := setsockopt(rc, solSocket, soBroadcast, boolOpt(true)); err != nil {
			return err
		}
	}
	if cfg.Promiscuous {
		if err := setsockopt(rc, solCANJ1939, j1939Promisc, boolOpt(true)); err != nil {
			return err
		}
	}
	if len(cfg.Filters) > 0 {
		if err := setsockopt(rc, solCANJ1939, j1939Filter, AppendJ1939Filters(nil, cfg.Filters)); err != nil {
			return err
		}
	}
	if cfg.Priority != nil {
		p := *cfg.Priority
		if p < 0 || p > 7 {
			return fmt.Errorf("can: J1939 priority %d out of range 0-7", p)
		}
		if err := setsockopt(rc, solCANJ1939, j1939SendPrio, u32Opt(uint32(p))); err != nil {
			return err
		}
	}
	return nil
}

// A J1939Conn is a J1939 socket: a net.PacketConn whose addresses are
// *J1939Addr values. WriteTo sends a message (1 to 1785 bytes; the kernel
// uses the transport protocols for more than 8) to a destination address
// or NAME with a PGN; ReadFrom returns a message and its source.
type J1939Conn struct {
	*anysock.PacketConn

	rmu sync.Mutex
	oob [128]byte
}

// J1939Info is what the kernel reports with a received J1939 message
// besides its source.
type J1939Info struct {
	// DestAddr is the destination address (J1939NoAddr for broadcast).
	DestAddr uint8
	// DestName is the destination NAME, if the kernel knows it.
	DestName uint64
	// Priority is the message priority, 0 (highest) to 7.
	Priority uint8
}

// ReadFrom implements net.PacketConn: it reads one message and returns its
// source, a *J1939Addr.
func (c *J1939Conn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, from, err := c.ReadFromInfo(nil, b, nil)
	if from == nil {
		return n, nil, err
	}
	return n, from, err
}

// ReadFromContext is ReadFrom bounded by ctx.
func (c *J1939Conn) ReadFromContext(ctx context.Context, b []byte) (int, net.Addr, error) {
	n, from, err := c.ReadFromInfo(ctx, b, nil)
	if from == nil {
		return n, nil, err
	}
	return n, from, err
}

// ReadFromInfo reads one message, returning its source and, if info is not
// nil, its destination and priority. The kernel attaches these to every
// J1939 message as control messages, so a plain recvmsg without room for
// them reports anysock.ErrControlTruncated: this method and ReadFrom
// provide the room. ctx may be nil.
func (c *J1939Conn) ReadFromInfo(ctx context.Context, b []byte, info *J1939Info) (int, *J1939Addr, error) {
	if c == nil || c.PacketConn == nil {
		return 0, nil, errNil("read", NetworkJ1939)
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	n, oobn, _, from, err := c.PacketConn.ReadMsgFromContext(ctx, b, c.oob[:], 0)
	src, _ := from.(*J1939Addr)
	if info != nil && err == nil {
		*info = J1939Info{DestAddr: J1939NoAddr, DestName: J1939NoName, Priority: 6}
		parseJ1939Cmsgs(c.oob[:oobn], info)
	}
	return n, src, err
}

// ListenJ1939 opens a J1939 socket bound to laddr: its interface, NAME
// and/or address, and a PGN to receive (J1939NoPGN for all). cfg may be nil.
func ListenJ1939(ctx context.Context, laddr *J1939Addr, cfg *J1939Config) (*J1939Conn, error) {
	if laddr == nil {
		return nil, &net.OpError{Op: "listen", Net: NetworkJ1939, Err: &anysock.AddrError{Network: NetworkJ1939, Err: "missing address; want " + J1939Syntax}}
	}
	la := *laddr
	if la.Index == 0 && (la.Interface == "" || la.Interface == "any") {
		return nil, &net.OpError{Op: "listen", Net: NetworkJ1939, Err: &anysock.AddrError{Network: NetworkJ1939, Addr: la.String(), Err: "J1939 needs one interface, not all"}}
	}
	p := J1939Proto()
	var base anysock.Config
	if cfg != nil {
		base = cfg.Config
	}
	pc, err := p.ListenPacket(ctx, &la, bindHook(base, p.Codec.(*Codec), la.Interface, &la.Index, cfg.apply))
	if err != nil {
		return nil, err
	}
	return &J1939Conn{PacketConn: pc}, nil
}

// J1939 PDU helpers.

// J1939PDUFormat returns the PDU format byte (PF) of a PGN.
func J1939PDUFormat(pgn uint32) uint8 { return uint8(pgn >> 8) }

// J1939IsPDU1 reports whether pgn is destination specific (PF < 240): its
// low byte is then the destination address, not part of the PGN.
func J1939IsPDU1(pgn uint32) bool { return J1939PDUFormat(pgn) < 240 }

// AddressClaim describes a J1939-81 address claim.
type AddressClaim struct {
	// Name is the 64-bit NAME to claim an address for.
	Name uint64
	// Addresses are the addresses to try, in order.
	Addresses []uint8
	// Wait is how long to listen for a contending claim after claiming.
	// Zero means 300 ms: J1939-81's 250 ms plus a margin, because the
	// kernel starts its own 250 ms timer when it sees the claim and
	// refuses to send from the address (EADDRNOTAVAIL) until it expires.
	Wait time.Duration
}

// ErrNoAddress is returned by ClaimAddress when every candidate address
// was claimed by a node with a higher-priority (lower) NAME.
var ErrNoAddress = errors.New("can: J1939 address claim lost for every candidate address")

// ClaimAddress claims a J1939 source address for claim.Name on iface
// following J1939-81: for each candidate it broadcasts an Address Claimed
// message from that address and listens for claim.Wait; a contending claim
// from a lower NAME loses the address and the next candidate is tried, one
// from a higher NAME is answered by claiming again. It returns a socket
// bound to the NAME and the claimed address (the kernel then sends with that
// address) and the address.
func ClaimAddress(ctx context.Context, iface string, claim AddressClaim, cfg *J1939Config) (*J1939Conn, uint8, error) {
	ctx = ctxOrBG(ctx)
	wait := claim.Wait
	if wait <= 0 {
		wait = 300 * time.Millisecond
	}
	if claim.Name == J1939NoName {
		return nil, 0, &net.OpError{Op: "claim", Net: NetworkJ1939, Err: errors.New("can: address claiming needs a NAME")}
	}
	var c J1939Config
	if cfg != nil {
		c = *cfg
	}
	c.Broadcast = true
	var nameBytes [8]byte
	binary.LittleEndian.PutUint64(nameBytes[:], claim.Name)
	for _, sa := range claim.Addresses {
		if sa >= J1939IdleAddr {
			continue
		}
		la := &J1939Addr{Interface: iface, Name: claim.Name, PGN: J1939NoPGN, Addr: sa}
		conn, err := ListenJ1939(ctx, la, &c)
		if err != nil {
			return nil, 0, err
		}
		won, err := conn.defend(ctx, sa, claim.Name, nameBytes[:], wait)
		if err != nil {
			conn.Close()
			return nil, 0, err
		}
		if won {
			return conn, sa, nil
		}
		conn.Close()
	}
	return nil, 0, &net.OpError{Op: "claim", Net: NetworkJ1939, Err: ErrNoAddress}
}

// defend broadcasts an address claim for sa and listens for wait. It
// reports false if a lower NAME claimed sa meanwhile.
func (c *J1939Conn) defend(ctx context.Context, sa uint8, name uint64, nameBytes []byte, wait time.Duration) (bool, error) {
	bcast := &J1939Addr{PGN: J1939PGNAddressClaimed, Addr: J1939NoAddr}
	if _, err := c.WriteToContext(ctx, nameBytes, bcast); err != nil {
		return false, err
	}
	deadline := time.Now().Add(wait)
	buf := make([]byte, 16)
	for {
		if err := c.SetReadDeadline(deadline); err != nil {
			return false, err
		}
		n, from, err := c.ReadFromContext(ctx, buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			c.SetReadDeadline(time.Time{})
			return true, nil
		}
		if err != nil {
			return false, err
		}
		src, ok := from.(*J1939Addr)
		if !ok || src.PGN != J1939PGNAddressClaimed || n < 8 || src.Addr != sa {
			continue
		}
		other := binary.LittleEndian.Uint64(buf[:8])
		if other == name {
			continue // our own claim
		}
		if other < name {
			return false, nil
		}
		// We win: claim again so the other node backs off.
		if _, err := c.WriteToContext(ctx, nameBytes, bcast); err != nil {
			return false, err
		}
	}
}
