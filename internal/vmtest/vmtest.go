package vmtest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anysock/anysock/internal/leakcheck"
	"github.com/anysock/anysock/internal/vmtest/proto"
)

// Option is one requirement of a test package: kernel modules to load and
// set-up steps to perform in the guest. Options are values; combine them
// freely. Modules of all options load first, then the steps run in the
// order the options are given.
type Option struct {
	modules []string
	steps   []step
}

type step struct {
	what string
	run  func() error
}

// Modules loads kernel modules by name ("can_raw" or "can-raw"), with
// their dependencies. Modules built into the kernel are accepted.
func Modules(names ...string) Option { return Option{modules: names} }

// Command runs a program (looked up in PATH) as a set-up step; a non-zero
// exit fails the set-up with the program's output. It is the escape hatch
// for set-up no other Option covers, e.g.
// Command("ip", "link", "set", "vcan0", "mtu", "72") for CAN FD. Unlike the
// other steps it runs again when a test binary runs twice in one guest.
func Command(argv ...string) Option {
	return Option{steps: []step{{what: strings.Join(argv, " "), run: func() error { return command(argv...) }}}}
}

// VCAN creates virtual CAN interfaces and brings them up (modules vcan,
// can_dev). Load the CAN protocols the tests use with Modules("can_raw",
// "can_bcm", ...).
func VCAN(names ...string) Option {
	o := Option{modules: []string{"can", "vcan"}}
	for _, n := range names {
		o.steps = append(o.steps, step{what: "vcan " + n, run: func() error { return addVCAN(n) }})
	}
	return o
}

// BTVirt starts btvirt (from bluez-test-tools) with n virtual BR/EDR+LE
// controllers (hci0, hci1, ...), waits for them, powers them up and makes
// them connectable and discoverable (page and inquiry scan). It loads
// bluetooth (which includes L2CAP, SCO and HCI sockets), hci_vhci and the
// crypto modules btvirt needs; add Modules("rfcomm", "bnep") for those
// protocols. BTControllers returns the controllers' names and addresses.
func BTVirt(n int) Option {
	return Option{
		modules: []string{"bluetooth", "hci_vhci", "af_alg", "algif_hash", "algif_skcipher", "cmac", "ecb", "ecdh_generic"},
		steps:   []step{{what: fmt.Sprintf("btvirt -l%d", n), run: func() error { return btvirt(n) }}},
	}
}

// NetNS creates named network namespaces (as `ip netns add` does, so
// `ip netns exec NAME` and /run/netns/NAME work) with their loopback
// interface up.
func NetNS(names ...string) Option {
	var o Option
	for _, n := range names {
		o.steps = append(o.steps, step{what: "netns " + n, run: func() error { return addNetNS(n) }})
	}
	return o
}

// NetNSPath returns the file that names a namespace created with NetNS.
// Open it and pass its descriptor as anysock.Config.NetNS to create a
// socket in that namespace.
func NetNSPath(name string) string { return "/run/netns/" + name }

// Veth is a pair of virtual Ethernet interfaces joined back to back.
type Veth struct {
	// Name and Peer name the two ends.
	Name, Peer string
	// NetNS and PeerNetNS are the namespaces of the ends (created with
	// NetNS first); empty means the initial namespace.
	NetNS, PeerNetNS string
	// Addr and PeerAddr are optional addresses in CIDR notation, e.g.
	// "10.99.0.1/24".
	Addr, PeerAddr string
}

// VethPair creates a veth pair and brings both ends up (module veth).
func VethPair(v Veth) Option {
	return Option{
		modules: []string{"veth"},
		steps:   []step{{what: "veth " + v.Name + "/" + v.Peer, run: func() error { return addVeth(v) }}},
	}
}

// TIPCBearer is a TIPC bearer to enable.
type TIPCBearer struct {
	// Media is "eth" (Device names the interface) or "udp" (LocalIP and
	// optionally RemoteIP, an IPv4 or IPv6 address).
	Media string
	// Device is the Ethernet interface of an eth bearer.
	Device string
	// LocalIP and RemoteIP belong to a udp bearer.
	LocalIP, RemoteIP string
}

// TIPCNode configures TIPC in one network namespace.
type TIPCNode struct {
	// NetNS is the namespace; empty means the initial one.
	NetNS string
	// Identity is the node identity (up to 16 bytes as hex, e.g. "1"),
	// set with `tipc node set identity`. Empty leaves it unset, which is
	// enough for communication inside one node.
	Identity string
	// Bearers to enable once the identity is set.
	Bearers []TIPCBearer
}

// TIPC loads the tipc module (and the UDP tunnel modules for udp bearers)
// and configures the given nodes. With no nodes it only loads the module,
// which is enough for TIPC inside one namespace.
func TIPC(nodes ...TIPCNode) Option {
	o := Option{modules: []string{"tipc"}}
	for _, n := range nodes {
		for _, b := range n.Bearers {
			if b.Media == "udp" {
				o.modules = append(o.modules, "udp_tunnel", "ip6_udp_tunnel")
			}
		}
		o.steps = append(o.steps, step{what: "tipc node " + n.Identity, run: func() error { return configureTIPC(n) }})
	}
	return o
}

// InGuest reports whether the process runs inside the VM harness's guest:
// ANYSOCK_VMTEST=1 and the kernel command line has the harness's flag.
func InGuest() bool {
	if os.Getenv("ANYSOCK_VMTEST") != "1" {
		return false
	}
	b, err := os.ReadFile("/proc/cmdline")
	return err == nil && strings.Contains(" "+strings.TrimSpace(string(b))+" ", " "+proto.CmdlineFlag+" ")
}

// Setup performs the requirements inside the guest: it loads every
// option's modules in dependency order, then runs the set-up steps in
// order. Outside the guest it does nothing and returns nil, so tests run
// (and skip) as usual. Everything it creates lasts until the guest stops;
// a process it starts (btvirt) is not waited for.
func Setup(opts ...Option) error {
	if !InGuest() {
		if os.Getenv("ANYSOCK_VMTEST") == "1" {
			return fmt.Errorf("vmtest: ANYSOCK_VMTEST=1 but the kernel command line lacks %s: refusing to change this machine", proto.CmdlineFlag)
		}
		return nil
	}
	// ANYSOCK_VMTEST_VERBOSE=1 (vmrun -v sets it too) times each step.
	verbose := os.Getenv("ANYSOCK_VMTEST_VERBOSE") == "1"
	timed := func(what string, f func() error) error {
		t0 := time.Now()
		err := f()
		if verbose {
			fmt.Fprintf(os.Stderr, "vmtest: set-up %s: %v\n", what, time.Since(t0).Round(time.Millisecond))
		}
		return err
	}
	var mods []string
	for _, o := range opts {
		mods = append(mods, o.modules...)
	}
	if err := timed("modules "+strings.Join(mods, " "), func() error { return loadModules(mods) }); err != nil {
		return err
	}
	for _, o := range opts {
		for _, s := range o.steps {
			if err := timed(s.what, s.run); err != nil {
				return fmt.Errorf("vmtest: set-up %q: %w", s.what, err)
			}
		}
	}
	return nil
}

// Main performs Setup and then runs the tests with leakcheck.Main; it
// does not return. A failed set-up exits with status 125 (a harness
// failure, not a test failure).
func Main(m *testing.M, opts ...Option) {
	MustSetup(opts...)
	leakcheck.Main(m)
}

// MustSetup is Setup for a TestMain of one's own: on error it prints the
// error and exits with status 125.
func MustSetup(opts ...Option) {
	if err := Setup(opts...); err != nil {
		fmt.Fprintf(os.Stderr, "vmtest: set-up failed: %v\n", err)
		os.Exit(proto.ExitHarness)
	}
}
