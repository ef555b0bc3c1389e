package vmtest_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/anysock/anysock/internal/testenv"
	"github.com/anysock/anysock/internal/vmtest"
)

// The package's own set-up exercises every Option in the guest: two
// network namespaces joined by veth, a TIPC node with an Ethernet bearer
// in each, a vcan interface and extra modules.
func TestMain(m *testing.M) {
	vmtest.Main(m,
		vmtest.Modules("can_raw", "dummy", "rds_tcp"),
		vmtest.VCAN("vcan0", "vcan1"),
		vmtest.NetNS("left", "right"),
		vmtest.VethPair(vmtest.Veth{
			Name: "vl", NetNS: "left", Addr: "10.99.0.1/24",
			Peer: "vr", PeerNetNS: "right", PeerAddr: "10.99.0.2/24",
		}),
		vmtest.TIPC(
			vmtest.TIPCNode{NetNS: "left", Identity: "1001", Bearers: []vmtest.TIPCBearer{{Media: "eth", Device: "vl"}}},
			vmtest.TIPCNode{NetNS: "right", Identity: "1002", Bearers: []vmtest.TIPCBearer{{Media: "eth", Device: "vr"}}},
		),
		vmtest.Command("ip", "link", "set", "dummy0", "up"),
	)
}

func guestOnly(t *testing.T) {
	t.Helper()
	if !vmtest.InGuest() {
		t.Skip("set-up happens only in the VM guest (make test-vm PKG=./internal/vmtest)")
	}
}

func run(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}

func TestModulesLoaded(t *testing.T) {
	guestOnly(t)
	// can_raw pulls in can; vcan pulls in can_dev; tipc for TIPC nodes;
	// veth for the pair.
	for _, m := range []string{"can", "can_raw", "can_dev", "vcan", "dummy", "veth", "tipc", "rds", "rds_tcp"} {
		if _, err := os.Stat("/sys/module/" + m); err != nil {
			t.Errorf("module %s not loaded: %v", m, err)
		}
	}
}

func TestInterfaces(t *testing.T) {
	guestOnly(t)
	// dummy0 is made by the dummy module and brought up by Command.
	for _, ifc := range []string{"vcan0", "vcan1", "dummy0"} {
		out := run(t, "ip", "-o", "link", "show", ifc)
		if !strings.Contains(out, ",UP") {
			t.Errorf("%s is not up: %s", ifc, out)
		}
	}
	for _, ns := range []string{"left", "right"} {
		if _, err := os.Stat(vmtest.NetNSPath(ns)); err != nil {
			t.Errorf("namespace %s: %v", ns, err)
		}
	}
	// The veth ends are in their namespaces, addressed, with a carrier
	// (TestTIPCCluster proves traffic flows).
	for _, e := range [][3]string{{"left", "vl", "10.99.0.1/24"}, {"right", "vr", "10.99.0.2/24"}} {
		if out := run(t, "ip", "-n", e[0], "-o", "addr", "show", e[1]); !strings.Contains(out, e[2]) {
			t.Errorf("%s/%s lacks %s: %s", e[0], e[1], e[2], out)
		}
		if out := run(t, "ip", "-n", e[0], "-o", "link", "show", e[1]); !strings.Contains(out, "LOWER_UP") {
			t.Errorf("%s/%s has no carrier: %s", e[0], e[1], out)
		}
	}
}

// TestTIPCCluster waits for the two TIPC nodes to set up a link over the
// veth pair: proof that identities and bearers were configured.
func TestTIPCCluster(t *testing.T) {
	guestOnly(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		out := run(t, "ip", "netns", "exec", "left", "tipc", "link", "list")
		if strings.Contains(out, "vl") && strings.Contains(out, "up") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no TIPC link up between the namespaces after 20s:\n%s\nbearers: %s", out,
				run(t, "ip", "netns", "exec", "left", "tipc", "bearer", "list"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestRDSOverTCP sends an RDS datagram between CPython peers in the two
// namespaces, over the rds_tcp transport and the veth pair.
func TestRDSOverTCP(t *testing.T) {
	guestOnly(t)
	py := "/usr/bin/python3"
	srv := exec.Command("ip", "netns", "exec", "right", py, "-c", `
import socket
s = socket.socket(socket.AF_RDS, socket.SOCK_SEQPACKET, 0)
s.bind(("10.99.0.2", 4000))
print("ready", flush=True)
s.settimeout(20)
data, addr = s.recvfrom(100)
print("got", data.decode(), addr, flush=True)
`)
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	buf := make([]byte, 100)
	if n, err := out.Read(buf); err != nil || !strings.HasPrefix(string(buf[:n]), "ready") {
		srv.Wait()
		t.Fatalf("server: %q %v %s", buf[:n], err, stderr.String())
	}
	run(t, "ip", "netns", "exec", "left", py, "-c", `
import socket
s = socket.socket(socket.AF_RDS, socket.SOCK_SEQPACKET, 0)
s.bind(("10.99.0.1", 4001))
s.sendto(b"over tcp", ("10.99.0.2", 4000))
`)
	rest, _ := io.ReadAll(out)
	if err := srv.Wait(); err != nil {
		t.Fatalf("server: %v\n%s%s", err, rest, stderr.String())
	}
	if got := string(rest); !strings.Contains(got, "got over tcp ('10.99.0.1', 4001)") {
		t.Errorf("server printed %q", got)
	}
}

// TestSkipBecomesFailure checks the environment contract: inside the
// guest, testenv's skips for missing kernel support turn into failures.
func TestSkipBecomesFailure(t *testing.T) {
	guestOnly(t)
	if !testenv.InVM() || !testenv.PeersRequired() {
		t.Fatalf("ANYSOCK_VMTEST=%q ANYSOCK_REQUIRE_PEERS=%q in the guest",
			os.Getenv("ANYSOCK_VMTEST"), os.Getenv("ANYSOCK_REQUIRE_PEERS"))
	}
}

func TestSetupOutsideGuest(t *testing.T) {
	if vmtest.InGuest() {
		t.Skip("checks the host behaviour")
	}
	// Outside the guest Setup changes nothing, whatever it is asked.
	if err := vmtest.Setup(vmtest.Modules("no_such_module"), vmtest.Command("false")); err != nil {
		t.Errorf("Setup on the host: %v", err)
	}
	// ANYSOCK_VMTEST=1 alone does not make a host a guest.
	t.Setenv("ANYSOCK_VMTEST", "1")
	if err := vmtest.Setup(vmtest.Modules("can_raw")); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("Setup with ANYSOCK_VMTEST=1 on the host: %v, want a refusal", err)
	}
}

// A family package declares what it needs in its TestMain; in the guest
// the modules are loaded and vcan0 created before the tests run.
func ExampleMain() {
	// func TestMain(m *testing.M) {
	//	vmtest.Main(m, vmtest.Modules("can_raw", "can_bcm"), vmtest.VCAN("vcan0"))
	// }
}

func ExampleSetup() {
	// Outside the guest Setup does nothing; inside it loads can_raw and
	// its dependencies and creates vcan5.
	err := vmtest.Setup(vmtest.Modules("can_raw"), vmtest.VCAN("vcan5"))
	fmt.Println(err)
	// Output: <nil>
}
