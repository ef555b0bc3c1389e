//go:build linux

package route_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/anysock/anysock"
	nl "github.com/anysock/anysock/families/netlink"
	"github.com/anysock/anysock/families/netlink/route"
	"github.com/mdlayher/netlink"
)

// TestGenerateFuzzCorpus captures real rtnetlink messages from this kernel
// (a namespace filled by setupRich) and writes them as seed corpora for the
// fuzz targets. Run it with ANYSOCK_GEN_CORPUS=1.
func TestGenerateFuzzCorpus(t *testing.T) {
	if os.Getenv("ANYSOCK_GEN_CORPUS") != "1" {
		t.Skip("set ANYSOCK_GEN_CORPUS=1 to regenerate testdata/fuzz from real dumps")
	}
	n := newNS(t)
	setupRich(t, n, 8)
	pc, err := nl.ListenPacket(ctxT(t), 0, 0, nil, &anysock.Config{NetNS: int(n.f.Fd())})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()

	bodies := map[string][][]byte{}
	var datagrams [][]byte
	dump := func(typ uint16, fixed int, flags netlink.HeaderFlags, body []byte) {
		if body == nil {
			body = make([]byte, fixed)
		}
		req, _ := netlink.Message{Header: netlink.Header{Length: uint32(16 + len(body)), Type: netlink.HeaderType(typ), Flags: flags, Sequence: uint32(typ)}, Data: body}.MarshalBinary()
		if _, err := pc.WriteTo(req, &nl.Addr{}); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1<<16)
		for {
			pc.SetReadDeadline(time.Now().Add(5 * time.Second))
			nr, _, err := pc.ReadFrom(buf)
			if err != nil {
				t.Fatal(err)
			}
			b := buf[:nr]
			// Keep whole small datagrams, and the first messages of big ones.
			keep := b
			for off := 0; off < len(b); {
				l := int(binary.NativeEndian.Uint32(b[off:]))
				if off > 0 && off+l > 3000 {
					keep = b[:off]
					break
				}
				off += (l + 3) &^ 3
			}
			datagrams = append(datagrams, append([]byte(nil), keep...))
			for len(b) >= 16 {
				l := int(binary.NativeEndian.Uint32(b))
				mt := binary.NativeEndian.Uint16(b[4:])
				m := append([]byte(nil), b[16:l]...)
				switch mt {
				case 16:
					bodies["FuzzLink"] = append(bodies["FuzzLink"], m)
				case 20:
					bodies["FuzzAddress"] = append(bodies["FuzzAddress"], m)
				case 24:
					bodies["FuzzRoute"] = append(bodies["FuzzRoute"], m)
				case 28:
					bodies["FuzzNeighbor"] = append(bodies["FuzzNeighbor"], m)
				case 2, 3:
					return
				}
				b = b[(l+3)&^3:]
			}
		}
	}
	dump(18, 16, netlink.Request|netlink.Dump, nil)
	dump(22, 8, netlink.Request|netlink.Dump, nil)
	dump(26, 12, netlink.Request|netlink.Dump, nil)
	dump(30, 12, netlink.Request|netlink.Dump, nil)
	// A failing change, for an NLMSG_ERROR with an extended ACK.
	nl.SetOption(pc, nl.ExtendedAck, true)
	rt := make([]byte, 12)
	rt[0], rt[1], rt[4], rt[5], rt[7] = 2, 16, 254, 3, 1
	ae := netlink.NewAttributeEncoder()
	ae.Bytes(1, []byte{10, 31, 0, 0})
	ae.Bytes(5, []byte{10, 77, 0, 1})
	attrs, _ := ae.Encode()
	dump(24, 12, netlink.Request|netlink.Acknowledge|netlink.Create|netlink.Excl, append(rt, attrs...))

	write := func(target string, b []byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("real-%x", sha256.Sum256(b))[:21]
		data := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for target, list := range bodies {
		// Up to 16 per kind, spread over the dump.
		step := max(1, len(list)/16)
		for i := 0; i < len(list); i += step {
			write(target, list[i])
		}
	}
	for _, d := range datagrams {
		write("FuzzMessages", d)
	}
	// Attribute lists: the attributes of a few routes and links.
	for _, target := range []string{"FuzzRoute", "FuzzLink"} {
		fixed := map[string]int{"FuzzRoute": 12, "FuzzLink": 16}[target]
		for i, b := range bodies[target] {
			if i%8 == 0 {
				write("FuzzAttributes", b[fixed:])
			}
		}
	}
	var r route.Route
	for _, b := range bodies["FuzzRoute"] {
		if err := r.UnmarshalBinary(b); err != nil {
			t.Errorf("captured route does not decode: %v", err)
		}
	}
	t.Logf("captured %d links, %d addresses, %d routes, %d neighbours, %d datagrams",
		len(bodies["FuzzLink"]), len(bodies["FuzzAddress"]), len(bodies["FuzzRoute"]), len(bodies["FuzzNeighbor"]), len(datagrams))
}
