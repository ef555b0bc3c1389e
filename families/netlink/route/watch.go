package route

import (
	"context"
	"sync"
	"syscall"

	"github.com/mdlayher/netlink"
)

// A Watcher receives rtnetlink events: links, addresses, routes and
// neighbours appearing, changing and disappearing.
type Watcher struct {
	mu      sync.Mutex
	t       *transport
	pending []byte // undelivered messages of the last datagram
}

// Watch subscribes to the multicast groups (all of AllGroups if none are
// given) in the namespace cfg names. ctx bounds the setup only.
func Watch(ctx context.Context, cfg *Config, groups ...Group) (*Watcher, error) {
	if len(groups) == 0 {
		groups = AllGroups()
	}
	t, err := dialTransport(ctx, cfg, groups)
	if err != nil {
		return nil, err
	}
	return &Watcher{t: t}, nil
}

// PortID returns the netlink port ID of the Watcher's socket.
func (w *Watcher) PortID() uint32 {
	if w == nil || w.t == nil {
		return 0
	}
	return w.t.pid
}

// Close closes the Watcher. A Next in progress returns an error matching
// net.ErrClosed.
func (w *Watcher) Close() error {
	if w == nil || w.t == nil {
		return syscall.EINVAL
	}
	return w.t.close()
}

// Next waits for the next event, until ctx is done. When the kernel
// dropped events because the receive buffer was full, Next returns a
// *LostError (matching ErrEventsLost and syscall.ENOBUFS); the following
// calls deliver the events that arrive afterwards. A message that cannot be
// decoded gives an error matching ErrMalformed; the following calls go on
// with the next message.
func (w *Watcher) Next(ctx context.Context) (Event, error) {
	if w == nil || w.t == nil {
		return Event{}, syscall.EINVAL
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(w.pending) > 0 {
			m, rest, err := nextMessage(w.pending)
			if err != nil {
				w.pending = nil
				return Event{}, err
			}
			w.pending = rest
			ev, ok, err := decodeEvent(m)
			if err != nil || ok {
				return ev, err
			}
		}
		b, err := w.t.recv(ctx)
		if err != nil {
			if isENOBUFS(err) {
				return Event{}, &LostError{Err: err}
			}
			return Event{}, err
		}
		w.pending = b
	}
}

// decodeEvent decodes a multicast message; ok is false for message types
// that are not events of this package.
func decodeEvent(m netlink.Message) (ev Event, ok bool, err error) {
	ev.Type = EventType(m.Header.Type)
	switch ev.Type {
	case NewLink, DelLink:
		ev.Link = new(Link)
		err = ev.Link.UnmarshalBinary(m.Data)
	case NewAddress, DelAddress:
		ev.Address = new(Address)
		err = ev.Address.UnmarshalBinary(m.Data)
	case NewRoute, DelRoute:
		ev.Route = new(Route)
		err = ev.Route.UnmarshalBinary(m.Data)
	case NewNeighbor, DelNeighbor:
		ev.Neighbor = new(Neighbor)
		err = ev.Neighbor.UnmarshalBinary(m.Data)
	default:
		return Event{}, false, nil
	}
	if err != nil {
		return Event{}, false, err
	}
	return ev, true, nil
}
