package resolver_test

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsServer is a small authoritative DNS server on loopback UDP, built
// with x/net/dns/dnsmessage, answering from a fixed table.
type dnsServer struct {
	pc   net.PacketConn
	wg   sync.WaitGroup
	mu   sync.Mutex
	seen []string // questions asked, "name TYPE"
}

type dnsRecord struct {
	cname string
	a     []netip.Addr
	aaaa  []netip.Addr
	ptr   []string
	rcode dnsmessage.RCode
	drop  bool // never answer (timeout)
}

// testZone is the data the server answers from. Names not in it get
// NXDOMAIN.
func testZone() map[string]dnsRecord {
	ip := netip.MustParseAddr
	return map[string]dnsRecord{
		"www.example.test.":        {a: []netip.Addr{ip("192.0.2.10"), ip("192.0.2.11")}, aaaa: []netip.Addr{ip("2001:db8::10")}},
		"alias.example.test.":      {cname: "www.example.test."},
		"v4only.example.test.":     {a: []netip.Addr{ip("198.51.100.4")}},
		"v6only.example.test.":     {aaaa: []netip.Addr{ip("2001:db8::6")}},
		"servfail.example.test.":   {rcode: dnsmessage.RCodeServerFailure},
		"timeout.example.test.":    {drop: true},
		"empty.example.test.":      {},
		"10.2.0.192.in-addr.arpa.": {ptr: []string{"www.example.test.", "web.example.test."}},
		"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.": {ptr: []string{"www.example.test."}},
		"55.2.0.192.in-addr.arpa.": {rcode: dnsmessage.RCodeServerFailure},
		"99.2.0.192.in-addr.arpa.": {drop: true},
	}
}

func startDNS(t *testing.T) *dnsServer {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveDNS(t, pc)
}

func serveDNS(t *testing.T, pc net.PacketConn) *dnsServer {
	s := &dnsServer{pc: pc}
	zone := testZone()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := s.answer(zone, buf[:n]); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		s.wg.Wait()
	})
	return s
}

func (s *dnsServer) answer(zone map[string]dnsRecord, req []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(req)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	name := strings.ToLower(q.Name.String())
	s.mu.Lock()
	s.seen = append(s.seen, name+" "+q.Type.String())
	s.mu.Unlock()
	rec, ok := zone[name]
	if rec.drop {
		return nil
	}
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	switch {
	case !ok:
		rh.RCode = dnsmessage.RCodeNameError
	default:
		rh.RCode = rec.rcode
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	target := q.Name
	rr := func(n dnsmessage.Name, typ dnsmessage.Type) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: n, Type: typ, Class: dnsmessage.ClassINET, TTL: 60}
	}
	if ok && rec.rcode == dnsmessage.RCodeSuccess {
		if rec.cname != "" {
			cn := dnsmessage.MustNewName(rec.cname)
			b.CNAMEResource(rr(q.Name, dnsmessage.TypeCNAME), dnsmessage.CNAMEResource{CNAME: cn})
			target = cn
			rec = zone[rec.cname]
		}
		switch q.Type {
		case dnsmessage.TypeA:
			for _, a := range rec.a {
				b.AResource(rr(target, dnsmessage.TypeA), dnsmessage.AResource{A: a.As4()})
			}
		case dnsmessage.TypeAAAA:
			for _, a := range rec.aaaa {
				b.AAAAResource(rr(target, dnsmessage.TypeAAAA), dnsmessage.AAAAResource{AAAA: a.As16()})
			}
		case dnsmessage.TypePTR:
			for _, n := range rec.ptr {
				b.PTRResource(rr(target, dnsmessage.TypePTR), dnsmessage.PTRResource{PTR: dnsmessage.MustNewName(n)})
			}
		}
		// NOERROR with no records of the type: add an SOA so that the
		// answer is a proper NODATA response.
		if len(rec.a) == 0 && len(rec.aaaa) == 0 && len(rec.ptr) == 0 || (q.Type == dnsmessage.TypeA && len(rec.a) == 0) || (q.Type == dnsmessage.TypeAAAA && len(rec.aaaa) == 0) {
			b.StartAuthorities()
			b.SOAResource(rr(dnsmessage.MustNewName("example.test."), dnsmessage.TypeSOA), dnsmessage.SOAResource{
				NS: dnsmessage.MustNewName("ns.example.test."), MBox: dnsmessage.MustNewName("admin.example.test."),
				Serial: 1, Refresh: 60, Retry: 60, Expire: 60, MinTTL: 60,
			})
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}

// resolver returns a *net.Resolver that sends every query to s.
func (s *dnsServer) resolver() *net.Resolver {
	addr := s.pc.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, "udp", addr)
			if err != nil {
				return nil, err
			}
			// The Go resolver does not interrupt a pending UDP read when
			// its context is cancelled (it waits for the resolv.conf
			// timeout); close the socket so that nothing outlives a test.
			context.AfterFunc(ctx, func() { c.Close() })
			return c, nil
		},
	}
}

func (s *dnsServer) questions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}
