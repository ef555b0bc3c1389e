package resolver

import (
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// HostEntry is one line of a hosts file: an address and its names, the
// first being the canonical (official) name.
type HostEntry struct {
	Addr  netip.Addr
	Names []string
}

// ServiceEntry is one line of a services file.
type ServiceEntry struct {
	Name    string
	Port    int
	Proto   string
	Aliases []string
}

// ProtocolEntry is one line of a protocols file.
type ProtocolEntry struct {
	Name    string
	Number  int
	Aliases []string
}

// lineFields splits text into lines of whitespace-separated fields,
// dropping comments (from '#') and empty lines.
func lineFields(text string, fn func(fields []string)) {
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if f := strings.Fields(line); len(f) > 0 {
			fn(f)
		}
	}
}

// ParseHosts parses hosts-file text (hosts(5)). Lines whose address is not
// valid inet_pton text, or which have no name, are skipped, as glibc does.
func ParseHosts(text string) []HostEntry {
	var out []HostEntry
	lineFields(text, func(f []string) {
		if len(f) < 2 {
			return
		}
		var a netip.Addr
		if b, ok := inetPton6(f[0]); ok {
			a = netip.AddrFrom16(b)
		} else {
			var b4 [4]byte
			if !inetPton4(f[0], b4[:]) {
				return
			}
			a = netip.AddrFrom4(b4)
		}
		out = append(out, HostEntry{Addr: a, Names: f[1:]})
	})
	return out
}

// ParseServices parses services-file text (services(5)): "name port/proto
// aliases...". As in glibc, the port is read with strtoul and kept modulo
// 65536, and a line without "/proto" has an empty protocol; other
// malformed lines are skipped.
func ParseServices(text string) []ServiceEntry {
	var out []ServiceEntry
	lineFields(text, func(f []string) {
		if len(f) < 2 {
			return
		}
		v, rest, ok := cStrtoul10(f[1])
		if !ok {
			return
		}
		proto := ""
		switch {
		case rest == "":
			if len(f) > 2 {
				return // glibc wants '/' or the end of the line
			}
		case rest[0] == '/':
			proto = rest[1:]
		default:
			return
		}
		out = append(out, ServiceEntry{Name: f[0], Port: int(uint16(v)), Proto: proto, Aliases: f[2:]})
	})
	return out
}

// ParseProtocols parses protocols-file text (protocols(5)): "name number
// aliases...". The number is read with strtoul into a C int, as glibc
// does; malformed lines are skipped.
func ParseProtocols(text string) []ProtocolEntry {
	var out []ProtocolEntry
	lineFields(text, func(f []string) {
		if len(f) < 2 {
			return
		}
		v, rest, ok := cStrtoul10(f[1])
		if !ok || rest != "" {
			return
		}
		out = append(out, ProtocolEntry{Name: f[0], Number: int(int32(uint32(v))), Aliases: f[2:]})
	})
	return out
}

// cStrtoul10 is C's strtoul(s, &end, 10): optional white space and sign,
// digits (at least one), saturating at the maximum unsigned long on
// overflow, negated when the sign is '-'. rest is what follows.
func cStrtoul10(s string) (v uint64, rest string, ok bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	j := i
	overflow := false
	for ; j < len(s) && isDigit(s[j]); j++ {
		d := uint64(s[j] - '0')
		if v > (1<<64-1-d)/10 {
			overflow = true
		}
		v = v*10 + d
	}
	if j == i {
		return 0, s, false
	}
	if overflow {
		return 1<<64 - 1, s[j:], true
	}
	if neg {
		v = -v
	}
	return v, s[j:], true
}

// builtinServices is used when the services file is missing: the IANA
// ports most programs ask for.
const builtinServices = `
tcpmux 1/tcp
echo 7/tcp
echo 7/udp
discard 9/tcp sink null
discard 9/udp sink null
daytime 13/tcp
daytime 13/udp
ftp-data 20/tcp
ftp 21/tcp
ssh 22/tcp
telnet 23/tcp
smtp 25/tcp mail
time 37/tcp timserver
time 37/udp timserver
whois 43/tcp nicname
tacacs 49/tcp
tacacs 49/udp
domain 53/tcp
domain 53/udp
bootps 67/udp
bootpc 68/udp
tftp 69/udp
gopher 70/tcp
finger 79/tcp
http 80/tcp www
kerberos 88/tcp kerberos5 krb5 kerberos-sec
kerberos 88/udp kerberos5 krb5 kerberos-sec
pop3 110/tcp pop-3
sunrpc 111/tcp portmapper
sunrpc 111/udp portmapper
auth 113/tcp authentication tap ident
nntp 119/tcp readnews untp
ntp 123/udp
epmap 135/tcp loc-srv
epmap 135/udp loc-srv
netbios-ns 137/udp
netbios-dgm 138/udp
netbios-ssn 139/tcp
imap2 143/tcp imap
snmp 161/tcp
snmp 161/udp
snmp-trap 162/tcp snmptrap
snmp-trap 162/udp snmptrap
bgp 179/tcp
irc 194/tcp
ldap 389/tcp
ldap 389/udp
https 443/tcp
https 443/udp
microsoft-ds 445/tcp
kpasswd 464/tcp
kpasswd 464/udp
submissions 465/tcp ssmtp smtps urd
syslog 514/udp
printer 515/tcp spooler
ipp 631/tcp
ldaps 636/tcp
ldaps 636/udp
rsync 873/tcp
ftps-data 989/tcp
ftps 990/tcp
imaps 993/tcp
pop3s 995/tcp
socks 1080/tcp
openvpn 1194/tcp
openvpn 1194/udp
ms-sql-s 1433/tcp
l2f 1701/udp l2tp
radius 1812/tcp
radius 1812/udp
nfs 2049/tcp
nfs 2049/udp
mysql 3306/tcp
postgresql 5432/tcp postgres
x11 6000/tcp x11-0
http-alt 8080/tcp webcache
`

// builtinProtocols is used when the protocols file is missing.
const builtinProtocols = `
ip 0 IP
hopopt 0 HOPOPT
icmp 1 ICMP
igmp 2 IGMP
ipencap 4 IP-ENCAP
tcp 6 TCP
egp 8 EGP
udp 17 UDP
ipv6 41 IPv6
ipv6-route 43 IPv6-Route
ipv6-frag 44 IPv6-Frag
rsvp 46 RSVP
gre 47 GRE
esp 50 IPSEC-ESP
ah 51 IPSEC-AH
ipv6-icmp 58 IPv6-ICMP
ipv6-nonxt 59 IPv6-NoNxt
ipv6-opts 60 IPv6-Opts
ospf 89 OSPFIGP
ipip 94 IPIP
pim 103 PIM
vrrp 112 VRRP
l2tp 115 L2TP
sctp 132 SCTP
udplite 136 UDPLite
mpls-in-ip 137 MPLS-in-IP
`

// readDB returns the text of path, or fallback when the file does not
// exist.
func readDB(path, fallback string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fallback, nil
	}
	return string(b), err
}

func (r *Resolver) hosts() []HostEntry {
	path := "/etc/hosts"
	if r != nil && r.HostsFile != "" {
		path = r.HostsFile
	}
	text, err := readDB(path, "")
	if err != nil {
		return nil // unreadable: like glibc, fall through to DNS
	}
	return ParseHosts(text)
}

func (r *Resolver) services() ([]ServiceEntry, error) {
	path := "/etc/services"
	if r != nil && r.ServicesFile != "" {
		path = r.ServicesFile
	}
	text, err := readDB(path, builtinServices)
	if err != nil {
		return nil, err
	}
	return ParseServices(text), nil
}

func (r *Resolver) protocols() ([]ProtocolEntry, error) {
	path := "/etc/protocols"
	if r != nil && r.ProtocolsFile != "" {
		path = r.ProtocolsFile
	}
	text, err := readDB(path, builtinProtocols)
	if err != nil {
		return nil, err
	}
	return ParseProtocols(text), nil
}

// GetServByName returns the port of service name for protocol proto ("tcp",
// "udp"; "" matches any), looking at names and aliases (case-sensitive, as
// glibc).
func (r *Resolver) GetServByName(name, proto string) (int, error) {
	svcs, err := r.services()
	if err != nil {
		return 0, &NotFoundError{Func: "getservbyname", Name: name, Err: err}
	}
	for _, s := range svcs {
		if proto != "" && s.Proto != proto {
			continue
		}
		if s.Name == name || contains(s.Aliases, name) {
			return s.Port, nil
		}
	}
	return 0, &NotFoundError{Func: "getservbyname", Name: name + "/" + proto, Err: ErrServiceNotFound}
}

// GetServByPort returns the name of the service on port for protocol proto
// ("" matches any). port must be 0-65535.
func (r *Resolver) GetServByPort(port int, proto string) (string, error) {
	key := strconv.Itoa(port) + "/" + proto
	if port < 0 || port > 65535 {
		return "", &NotFoundError{Func: "getservbyport", Name: key, Err: errPortRange}
	}
	svcs, err := r.services()
	if err != nil {
		return "", &NotFoundError{Func: "getservbyport", Name: key, Err: err}
	}
	for _, s := range svcs {
		if s.Port == port && (proto == "" || s.Proto == proto) {
			return s.Name, nil
		}
	}
	return "", &NotFoundError{Func: "getservbyport", Name: key, Err: ErrServiceNotFound}
}

var errPortRange = errors.New("port must be 0-65535")

// GetProtoByName returns the number of protocol name (names and aliases,
// case-sensitive).
func (r *Resolver) GetProtoByName(name string) (int, error) {
	ps, err := r.protocols()
	if err != nil {
		return 0, &NotFoundError{Func: "getprotobyname", Name: name, Err: err}
	}
	for _, p := range ps {
		if p.Name == name || contains(p.Aliases, name) {
			return p.Number, nil
		}
	}
	return 0, &NotFoundError{Func: "getprotobyname", Name: name, Err: ErrProtocolNotFound}
}

// GetProtoByNumber returns the name of protocol number n.
func (r *Resolver) GetProtoByNumber(n int) (string, error) {
	ps, err := r.protocols()
	if err != nil {
		return "", &NotFoundError{Func: "getprotobynumber", Name: strconv.Itoa(n), Err: err}
	}
	for _, p := range ps {
		if p.Number == n {
			return p.Name, nil
		}
	}
	return "", &NotFoundError{Func: "getprotobynumber", Name: strconv.Itoa(n), Err: ErrProtocolNotFound}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
