package route

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"syscall"

	"github.com/mdlayher/netlink"
)

// A Conn is an rtnetlink request/response session bound to one network
// namespace. It is safe for concurrent use; requests are serialised.
type Conn struct {
	mu       sync.Mutex
	t        *transport
	attempts int
	raw      []byte // bodies of the replies of the dump in progress
	ends     []int  // end offset in raw of each body
}

// Dial opens an rtnetlink session. ctx bounds the setup only.
func Dial(ctx context.Context, cfg *Config) (*Conn, error) {
	t, err := dialTransport(ctx, cfg, nil)
	if err != nil {
		return nil, err
	}
	return &Conn{t: t, attempts: cfg.attempts()}, nil
}

// Close closes the session's socket. Calls in progress return errors
// matching net.ErrClosed.
func (c *Conn) Close() error {
	if c == nil || c.t == nil {
		return syscall.EINVAL
	}
	return c.t.close()
}

// PortID returns the netlink port ID of the session's socket.
func (c *Conn) PortID() uint32 {
	if c == nil || c.t == nil {
		return 0
	}
	return c.t.pid
}

// unmarshaler is implemented by *Link, *Address, *Route and *Neighbor.
type unmarshaler[T any] interface {
	*T
	UnmarshalBinary([]byte) error
}

// maxKeptRaw is the largest raw dump buffer a Conn keeps for reuse.
const maxKeptRaw = 4 << 20

// dump runs a dump request and decodes every reply of type want into
// objects appended to dst, retrying interrupted dumps.
//
// The replies' bodies are first copied into a reusable byte buffer, and
// decoded only once the dump is complete: straight into a slice of the
// exact size (one allocation, instead of a growing slice of large structs
// copied again and again), and not at all for attempts that are
// interrupted and retried.
func dump[T any, PT unmarshaler[T]](ctx context.Context, c *Conn, op string, typ, want uint16, body []byte, dst []T) ([]T, error) {
	if c == nil || c.t == nil {
		return dst, syscall.EINVAL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	start := len(dst)
	defer func() {
		if cap(c.raw) > maxKeptRaw {
			c.raw, c.ends = nil, nil
		}
	}()
	for attempt := 1; ; attempt++ {
		c.raw, c.ends = c.raw[:0], c.ends[:0]
		intr, err := c.t.roundTrip(ctx, op, typ, netlink.Request|netlink.Dump, body, func(h netlink.Header, data []byte) error {
			if uint16(h.Type) == want {
				c.raw = append(c.raw, data...)
				c.ends = append(c.ends, len(c.raw))
			}
			return nil
		})
		if err != nil {
			return dst[:start], err
		}
		if intr && attempt < c.attempts {
			continue
		}
		dst = slices.Grow(dst, len(c.ends))
		prev := 0
		for _, e := range c.ends {
			var zero T
			dst = append(dst, zero)
			if err := PT(&dst[len(dst)-1]).UnmarshalBinary(c.raw[prev:e]); err != nil {
				clear(dst[start:])
				return dst[:start], err
			}
			prev = e
		}
		if intr {
			return dst, &DumpInterruptedError{Op: op, Attempts: attempt}
		}
		return dst, nil
	}
}

// execute sends a change request and waits for the kernel's ACK.
func (c *Conn) execute(ctx context.Context, op string, typ uint16, flags netlink.HeaderFlags, body []byte, fn func(netlink.Header, []byte) error) error {
	if c == nil || c.t == nil {
		return syscall.EINVAL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.t.roundTrip(ctx, op, typ, netlink.Request|netlink.Acknowledge|flags, body, fn)
	return err
}

func fixedHeader(n int, fam Family) []byte {
	b := make([]byte, n)
	b[0] = byte(fam)
	return b
}

// Links returns every link.
func (c *Conn) Links(ctx context.Context) ([]Link, error) {
	return dump[Link](ctx, c, "links", rtmGetLink, rtmNewLink, fixedHeader(sizeofIfInfomsg, FamilyAll), nil)
}

// LinkByName returns the link called name. A missing link gives an *Error
// matching syscall.ENODEV.
func (c *Conn) LinkByName(ctx context.Context, name string) (Link, error) {
	body, err := marshalLinkChange(0, 0, 0, 0, name)
	if err != nil {
		return Link{}, err
	}
	var l Link
	found := false
	err = c.execute(ctx, "get link "+name, rtmGetLink, 0, body, func(h netlink.Header, data []byte) error {
		if h.Type != rtmNewLink {
			return nil
		}
		found = true
		return l.UnmarshalBinary(data)
	})
	if err == nil && !found {
		err = &Error{Op: "get link " + name, Errno: syscall.ENODEV}
	}
	return l, err
}

// LinkByIndex returns the link with the given index.
func (c *Conn) LinkByIndex(ctx context.Context, index int) (Link, error) {
	body, err := marshalLinkChange(index, 0, 0, 0, "")
	if err != nil {
		return Link{}, err
	}
	var l Link
	found := false
	op := "get link " + itoa(index)
	err = c.execute(ctx, op, rtmGetLink, 0, body, func(h netlink.Header, data []byte) error {
		if h.Type != rtmNewLink {
			return nil
		}
		found = true
		return l.UnmarshalBinary(data)
	})
	if err == nil && !found {
		err = &Error{Op: op, Errno: syscall.ENODEV}
	}
	return l, err
}

// Addresses returns the addresses of family (FamilyAll for IPv4 and IPv6).
func (c *Conn) Addresses(ctx context.Context, family Family) ([]Address, error) {
	return dump[Address](ctx, c, "addresses", rtmGetAddr, rtmNewAddr, fixedHeader(sizeofIfAddrmsg, family), nil)
}

// Routes returns the routes of family (FamilyAll for every family) in all
// routing tables, like `ip route show table all`.
func (c *Conn) Routes(ctx context.Context, family Family) ([]Route, error) {
	return c.AppendRoutes(ctx, nil, family)
}

// AppendRoutes is Routes appending to dst, so that a caller dumping
// repeatedly can reuse one slice. On error dst is returned unchanged
// (except for an interrupted dump, see ErrDumpInterrupted).
func (c *Conn) AppendRoutes(ctx context.Context, dst []Route, family Family) ([]Route, error) {
	return dump[Route](ctx, c, "routes", rtmGetRoute, rtmNewRoute, fixedHeader(sizeofRtmsg, family), dst)
}

// RouteTo asks the kernel which route it would use to reach dst (like
// `ip route get`). The result is the resolved route (Type, Gateway, OIF,
// PrefSrc...), with RouteCloned set in Flags. An unreachable destination
// gives an *Error such as ENETUNREACH.
func (c *Conn) RouteTo(ctx context.Context, dst netip.Addr) (Route, error) {
	if !dst.IsValid() {
		return Route{}, fmt.Errorf("route: RouteTo: invalid destination address")
	}
	dst = dst.Unmap()
	fam := familyOf(dst)
	fixed := make([]byte, sizeofRtmsg, 32)
	fixed[0] = byte(fam)
	fixed[1] = byte(dst.BitLen())
	ae := netlink.NewAttributeEncoder()
	ae.Bytes(rtaDst, addrBytes(dst))
	body, err := encodeAttrs(fixed, ae)
	if err != nil {
		return Route{}, err
	}
	var r Route
	found := false
	op := "get route to " + dst.String()
	err = c.execute(ctx, op, rtmGetRoute, 0, body, func(h netlink.Header, data []byte) error {
		if h.Type != rtmNewRoute {
			return nil
		}
		found = true
		return r.UnmarshalBinary(data)
	})
	if err == nil && !found {
		err = &Error{Op: op, Errno: syscall.ENETUNREACH}
	}
	return r, err
}

// Neighbors returns the neighbour (ARP and NDP) entries of family.
func (c *Conn) Neighbors(ctx context.Context, family Family) ([]Neighbor, error) {
	return dump[Neighbor](ctx, c, "neighbors", rtmGetNeigh, rtmNewNeigh, fixedHeader(sizeofNdmsg, family), nil)
}

// AddAddress assigns an address to a link (like `ip addr add`). Set
// ad.Prefix and ad.Index; the other fields are optional. An existing
// address gives an error matching syscall.EEXIST, an unknown link
// syscall.ENODEV.
func (c *Conn) AddAddress(ctx context.Context, ad Address) error {
	body, err := marshalAddress(&ad)
	if err != nil {
		return err
	}
	return c.execute(ctx, "add address "+ad.Prefix.String(), rtmNewAddr, netlink.Create|netlink.Excl, body, nil)
}

// DeleteAddress removes an address from a link (like `ip addr del`).
func (c *Conn) DeleteAddress(ctx context.Context, ad Address) error {
	body, err := marshalAddress(&ad)
	if err != nil {
		return err
	}
	return c.execute(ctx, "delete address "+ad.Prefix.String(), rtmDelAddr, 0, body, nil)
}

// AddRoute adds a route (like `ip route add`). Dst is required. Zero
// fields get iproute2's defaults: table main, protocol boot, type unicast,
// scope link for a route with an output link but no gateway, scope host
// for local routes, global otherwise. An existing route gives an error
// matching syscall.EEXIST.
func (c *Conn) AddRoute(ctx context.Context, r Route) error {
	return c.changeRoute(ctx, "add route", rtmNewRoute, netlink.Create|netlink.Excl, r)
}

// ReplaceRoute adds a route or replaces the one with the same destination,
// table, TOS and metric (like `ip route replace`).
func (c *Conn) ReplaceRoute(ctx context.Context, r Route) error {
	return c.changeRoute(ctx, "replace route", rtmNewRoute, netlink.Create|netlink.Replace, r)
}

// DeleteRoute removes the route matching r's destination, table (main if
// zero) and whichever other fields are set (like `ip route del`). A missing
// route gives an error matching syscall.ESRCH.
func (c *Conn) DeleteRoute(ctx context.Context, r Route) error {
	return c.changeRoute(ctx, "delete route", rtmDelRoute, 0, r)
}

func (c *Conn) changeRoute(ctx context.Context, op string, typ uint16, flags netlink.HeaderFlags, r Route) error {
	r, err := routeDefaults(r, typ == rtmNewRoute)
	if err != nil {
		return err
	}
	body, err := marshalRoute(&r)
	if err != nil {
		return err
	}
	return c.execute(ctx, op+" "+r.Dst.String(), typ, flags, body, nil)
}

// AddNeighbor adds or replaces a neighbour entry (like `ip neigh replace`).
// A zero State means NeighPermanent.
func (c *Conn) AddNeighbor(ctx context.Context, n Neighbor) error {
	body, err := marshalNeighbor(&n)
	if err != nil {
		return err
	}
	return c.execute(ctx, "add neighbor "+n.Dst.String(), rtmNewNeigh, netlink.Create|netlink.Replace, body, nil)
}

// DeleteNeighbor removes a neighbour entry.
func (c *Conn) DeleteNeighbor(ctx context.Context, n Neighbor) error {
	body, err := marshalNeighbor(&n)
	if err != nil {
		return err
	}
	return c.execute(ctx, "delete neighbor "+n.Dst.String(), rtmDelNeigh, 0, body, nil)
}

// SetLinkUp brings a link up (like `ip link set dev X up`).
func (c *Conn) SetLinkUp(ctx context.Context, index int) error {
	return c.setLink(ctx, "set link "+itoa(index)+" up", index, FlagUp, FlagUp, 0)
}

// SetLinkDown brings a link down.
func (c *Conn) SetLinkDown(ctx context.Context, index int) error {
	return c.setLink(ctx, "set link "+itoa(index)+" down", index, 0, FlagUp, 0)
}

// SetLinkMTU sets a link's MTU.
func (c *Conn) SetLinkMTU(ctx context.Context, index int, mtu uint32) error {
	return c.setLink(ctx, "set link "+itoa(index)+" mtu", index, 0, 0, mtu)
}

func (c *Conn) setLink(ctx context.Context, op string, index int, flags, mask LinkFlags, mtu uint32) error {
	if index <= 0 {
		return &Error{Op: op, Errno: syscall.ENODEV}
	}
	body, err := marshalLinkChange(index, flags, mask, mtu, "")
	if err != nil {
		return err
	}
	return c.execute(ctx, op, rtmNewLink, 0, body, nil)
}

// kernelError converts an NLMSG_ERROR payload into an *Error.
func kernelError(op string, errno int32, msg string, off int) error {
	return &Error{Op: op, Errno: syscall.Errno(errno), Message: msg, Offset: off}
}

// isENOBUFS reports whether a receive failed because events were dropped.
func isENOBUFS(err error) bool { return errors.Is(err, syscall.ENOBUFS) }
