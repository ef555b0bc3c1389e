package netlink_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families"
	"github.com/anysock/anysock/families/netlink"
	"github.com/anysock/anysock/internal/testenv"
	mdnetlink "github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// getLinkRequest builds an RTM_GETLINK dump request.
func getLinkRequest(t *testing.T, seq uint32) []byte {
	m := mdnetlink.Message{
		Header: mdnetlink.Header{Length: uint32(unix.NLMSG_HDRLEN + unix.SizeofIfInfomsg), Type: unix.RTM_GETLINK, Flags: mdnetlink.Request | mdnetlink.Dump, Sequence: seq},
		Data:   make([]byte, unix.SizeofIfInfomsg),
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// linkName returns the index and IFLA_IFNAME of an RTM_NEWLINK message.
func linkName(t *testing.T, data []byte) (int, string) {
	if len(data) < unix.SizeofIfInfomsg {
		t.Fatalf("short ifinfomsg: %d bytes", len(data))
	}
	index := int(int32(binary.NativeEndian.Uint32(data[4:8])))
	ad, err := mdnetlink.NewAttributeDecoder(data[unix.SizeofIfInfomsg:])
	if err != nil {
		t.Fatal(err)
	}
	name := ""
	for ad.Next() {
		if ad.Type() == unix.IFLA_IFNAME {
			name = ad.String()
		}
	}
	if err := ad.Err(); err != nil {
		t.Fatal(err)
	}
	return index, name
}

// dumpLinks runs an RTM_GETLINK dump over pc and returns index → name.
func dumpLinks(t *testing.T, pc *anysock.PacketConn) map[int]string {
	kernel := &netlink.Addr{}
	if _, err := pc.WriteTo(getLinkRequest(t, 7), kernel); err != nil {
		t.Fatal(err)
	}
	links := map[int]string{}
	buf := make([]byte, 32<<10)
	for {
		// Size the buffer first so no dump part is ever truncated.
		n, _, _, _, err := pc.ReadMsgFromContext(context.Background(), buf[:0], nil, unix.MSG_PEEK|unix.MSG_TRUNC)
		if err != nil {
			t.Fatal(err)
		}
		if n > len(buf) {
			buf = make([]byte, n)
		}
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		if from.(*netlink.Addr).PID != 0 {
			t.Fatalf("dump part from port %v, want the kernel (0)", from)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Header.Seq != 7 {
				t.Fatalf("sequence %d, want 7", m.Header.Seq)
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return links
			case unix.NLMSG_ERROR:
				t.Fatalf("kernel error in dump: %v", m.Data)
			case unix.RTM_NEWLINK:
				i, name := linkName(t, m.Data)
				links[i] = name
			}
		}
	}
}

// ipLinks returns index → name as `ip -j link` reports them.
func ipLinks(t *testing.T, args ...string) map[int]string {
	ip := testenv.LookPeer(t, "ip")
	out, err := exec.Command(ip, append(append([]string{"-j"}, args...), "link", "show")...).Output()
	if err != nil {
		t.Fatalf("ip -j link: %v", err)
	}
	var links []struct {
		Index int    `json:"ifindex"`
		Name  string `json:"ifname"`
	}
	if err := json.Unmarshal(out, &links); err != nil {
		t.Fatal(err)
	}
	m := map[int]string{}
	for _, l := range links {
		m[l.Index] = l.Name
	}
	return m
}

func TestDumpLinksMatchesIP(t *testing.T) {
	pc, err := families.ListenPacket(context.Background(), "netlink", "route")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	got := dumpLinks(t, pc.(*anysock.PacketConn))
	want := ipLinks(t)
	if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
		t.Fatalf("RTM_GETLINK dump = %v\nip -j link    = %v", got, want)
	}
	if len(got) == 0 {
		t.Fatal("no links dumped")
	}
	t.Logf("%d links match ip -j link", len(got))
}

func sorted(m map[int]string) []string {
	var s []string
	for i, n := range m {
		s = append(s, fmt.Sprintf("%d:%s", i, n))
	}
	sort.Strings(s)
	return s
}

// newNetNS creates a named network namespace and returns an open fd to it.
func newNetNS(t *testing.T) (*os.File, string) {
	testenv.RequireRoot(t, "creating network namespaces")
	ip := testenv.LookPeer(t, "ip")
	name := fmt.Sprintf("anysock-nl-%d", os.Getpid())
	if out, err := exec.Command(ip, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command(ip, "netns", "del", name).Run() })
	f, err := os.Open("/var/run/netns/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, name
}

// A socket opened in a test namespace and joined to the link group sees
// the RTM_NEWLINK of a veth pair created there, and its dump matches
// `ip -n NS -j link`.
func TestMulticastLinkEventInNetNS(t *testing.T) {
	ns, name := newNetNS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := &anysock.Config{NetNS: int(ns.Fd())}
	events, err := netlink.ListenPacket(ctx, 0, 0, []uint32{unix.RTNLGRP_LINK}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer events.Close()
	if la := events.LocalAddr().(*netlink.Addr); la.Groups != 1<<(unix.RTNLGRP_LINK-1) {
		t.Fatalf("bound groups %#x", la.Groups)
	}
	ip := testenv.LookPeer(t, "ip")
	if out, err := exec.Command(ip, "-n", name, "link", "add", "anyveth0", "type", "veth", "peer", "name", "anyveth1").CombinedOutput(); err != nil {
		t.Fatalf("ip link add: %v: %s", err, out)
	}
	seen := map[string]bool{}
	buf := make([]byte, 64<<10)
	for !seen["anyveth0"] || !seen["anyveth1"] {
		n, from, err := events.ReadFromContext(ctx, buf)
		if err != nil {
			t.Fatalf("waiting for RTM_NEWLINK: %v (seen %v)", err, seen)
		}
		if a := from.(*netlink.Addr); a.PID != 0 || a.Groups == 0 {
			t.Fatalf("event from %v, want the kernel's multicast", a)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Header.Type == unix.RTM_NEWLINK {
				_, ln := linkName(t, m.Data)
				seen[ln] = true
			}
		}
	}
	// The namespace's dump sees lo and the pair, like ip does there.
	q, err := netlink.ListenPacket(ctx, 0, 0, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	got, want := dumpLinks(t, q), ipLinks(t, "-n", name)
	if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) || len(got) != 3 {
		t.Fatalf("namespace dump = %v, ip = %v", got, want)
	}
}

func TestGroupsAbove32AndOptions(t *testing.T) {
	// RTNLGRP_NSID (28) and a group above 32 (joined by setsockopt).
	c, err := netlink.ListenPacket(context.Background(), 0, 0, []uint32{28, 33}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, o := range []netlink.Option{netlink.NoENOBUFS, netlink.ExtendedAck, netlink.GetStrictCheck, netlink.CapAck} {
		if err := netlink.SetOption(c, o, true); err != nil {
			t.Errorf("SetOption(%d): %v", o, err)
		}
	}
	if err := netlink.LeaveGroup(c, 33); err != nil {
		t.Fatal(err)
	}
	if _, err := netlink.ListenPacket(context.Background(), 0, 0, []uint32{0}, nil); err == nil {
		t.Fatal("group 0 accepted")
	}
	var oe *net.OpError
	if _, err := netlink.ListenPacket(context.Background(), 31, 0, nil, nil); err == nil || !errorsAs(err, &oe) {
		t.Fatalf("unknown protocol 31: %v", err)
	}
}
