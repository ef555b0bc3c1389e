package packet_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families"
	"github.com/anysock/anysock/families/packet"
	"github.com/anysock/anysock/internal/testenv"
)

// etherTypeTest is the IEEE "local experimental" EtherType, so no other
// traffic on lo matches.
const etherTypeTest = 0x88b5

// A raw frame written on lo by one packet socket is received, whole, by a
// raw socket and, without its Ethernet header, by a cooked socket.
func TestRawAndCookedOnLoopback(t *testing.T) {
	testenv.RequireRoot(t, "AF_PACKET (CAP_NET_RAW)")
	ctx := context.Background()
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	rawC, err := families.ListenPacket(ctx, packet.Raw, "lo/0x88b5")
	if err != nil {
		t.Fatal(err)
	}
	defer rawC.Close()
	raw := rawC.(*anysock.PacketConn)
	cooked, err := packet.ListenPacket(ctx, &packet.Addr{Net: packet.Cooked, Index: lo.Index, EtherType: etherTypeTest}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cooked.Close()
	// A bound raw Conn sends through its binding.
	txc, err := families.Dial(ctx, packet.Raw, "lo/0x88b5")
	if err != nil {
		t.Fatal(err)
	}
	defer txc.Close()
	payload := []byte("anysock packet test payload")
	frame := make([]byte, 14, 14+len(payload))
	copy(frame[0:6], []byte{2, 0, 0, 0, 0, 1})
	copy(frame[6:12], []byte{2, 0, 0, 0, 0, 2})
	binary.BigEndian.PutUint16(frame[12:], etherTypeTest)
	frame = append(frame, payload...)
	if _, err := txc.Write(frame); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	raw.SetReadDeadline(deadline)
	cooked.SetReadDeadline(deadline)
	buf := make([]byte, 1500)
	n, from, err := raw.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf[:n], frame) {
		t.Fatalf("raw socket got % x, want % x", buf[:n], frame)
	}
	fa := from.(*packet.Addr)
	if fa.Index != lo.Index || fa.EtherType != etherTypeTest {
		t.Fatalf("raw frame from %+v", fa)
	}
	// The printed address parses back.
	if back, err := families.ParseAddr(packet.Raw, fa.String()); err != nil || back.(*packet.Addr).Index != lo.Index {
		t.Fatalf("ParseAddr(%q) = %v, %v", fa, back, err)
	}
	n, _, err = cooked.ReadFrom(buf)
	if err != nil || !bytes.Equal(buf[:n], payload) {
		t.Fatalf("cooked socket got %q, %v; want the payload without the header", buf[:n], err)
	}
}
