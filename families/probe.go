package families

import (
	"context"
	"errors"
	"net"

	"github.com/anysock/anysock"
)

// Support says whether the running kernel supports one socket family (and
// socket type and protocol).
type Support struct {
	// Network is the anysock network name ("can", "tipc", ...).
	Network string `json:"network"`
	// Family is the address family constant name ("AF_CAN").
	Family string `json:"family"`
	// Supported is true if a socket of this kind could be created.
	Supported bool `json:"supported"`
	// Implemented is true if anysock's dispatcher handles the network;
	// families the kernel has that anysock does not yet wrap are listed too.
	Implemented bool `json:"implemented"`
	// Modules are the kernel modules that provide the family.
	Modules []string `json:"modules,omitempty"`
	// Reason explains why the family is not supported ("" if it is).
	Reason string `json:"reason,omitempty"`
	// Err is the error socket(2) returned, if any.
	Err error `json:"-"`
}

// probeCodec is a Codec that only names a family: Probe creates sockets and
// never binds, connects or reads addresses.
type probeCodec int

func (c probeCodec) Family() int { return int(c) }
func (c probeCodec) AppendSockaddr([]byte, net.Addr) ([]byte, error) {
	return nil, errors.New("probe only")
}
func (c probeCodec) ParseSockaddr([]byte) (net.Addr, error) { return nil, nil }

// Linux constants for the probe table, kept here so the package builds on
// every OS.
const (
	sockStream    = 1
	sockDgram     = 2
	sockRaw       = 3
	sockRDM       = 4
	sockSeqpacket = 5
)

type probeEntry struct {
	network, family string
	af, typ, proto  int
	modules         []string
}

// probeTable lists one socket kind per network anysock knows of.
func probeTable() []probeEntry {
	return []probeEntry{
		{"unix", "AF_UNIX", 1, sockStream, 0, []string{"unix"}},
		{"unixpacket", "AF_UNIX", 1, sockSeqpacket, 0, []string{"unix"}},
		{"unixgram", "AF_UNIX", 1, sockDgram, 0, []string{"unix"}},
		{"netlink", "AF_NETLINK", 16, sockRaw, 0, nil},
		{"packet", "AF_PACKET", 17, sockRaw, 0, []string{"af_packet"}},
		{"packet-cooked", "AF_PACKET", 17, sockDgram, 0, []string{"af_packet"}},
		{"can", "AF_CAN", 29, sockRaw, 1, []string{"can", "can_raw"}},
		{"can-bcm", "AF_CAN", 29, sockDgram, 2, []string{"can", "can_bcm"}},
		{"can-isotp", "AF_CAN", 29, sockDgram, 6, []string{"can", "can_isotp"}},
		{"can-j1939", "AF_CAN", 29, sockDgram, 7, []string{"can", "can_j1939"}},
		{"tipc", "AF_TIPC", 30, sockRDM, 0, []string{"tipc"}},
		{"rds", "AF_RDS", 21, sockSeqpacket, 0, []string{"rds"}},
		{"hci", "AF_BLUETOOTH", 31, sockRaw, 1, []string{"bluetooth"}},
		{"l2cap", "AF_BLUETOOTH", 31, sockSeqpacket, 0, []string{"bluetooth"}},
		{"rfcomm", "AF_BLUETOOTH", 31, sockStream, 3, []string{"bluetooth", "rfcomm"}},
		{"sco", "AF_BLUETOOTH", 31, sockSeqpacket, 2, []string{"bluetooth"}},
		{"vsock", "AF_VSOCK", 40, sockStream, 0, []string{"vsock"}},
		{"alg", "AF_ALG", 38, 5, 0, []string{"af_alg"}},
	}
}

// Probe reports, for every socket family anysock knows of, whether the
// running kernel supports it, by creating (and closing) one socket of each
// kind. It needs no privileges except for "packet" (CAP_NET_RAW); a
// permission error there is reported as supported-but-not-permitted.
func Probe() []Support {
	known := map[string]bool{}
	for _, n := range networks() {
		known[n.Name] = true
	}
	var out []Support
	for _, e := range probeTable() {
		s := Support{Network: e.network, Family: e.family, Modules: e.modules, Implemented: known[e.network]}
		p := anysock.Proto{Network: e.network, Codec: probeCodec(e.af), Type: e.typ, Protocol: e.proto, Modules: e.modules}
		c, err := p.ListenPacket(context.Background(), nil, nil)
		switch {
		case err == nil:
			c.Close()
			s.Supported = true
		case errors.Is(err, anysock.ErrFamilyNotSupported):
			s.Err = err
			var ue *anysock.UnsupportedError
			errors.As(err, &ue)
			s.Reason = ue.Error()
		default:
			// EPERM/EACCES: the kernel has the family but we may not use
			// it; anything else is reported as is.
			s.Err = err
			s.Supported = isPermission(err)
			s.Reason = err.Error()
		}
		out = append(out, s)
	}
	return out
}
