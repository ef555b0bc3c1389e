package control

import (
	"errors"
	"fmt"
	"syscall"
	"time"
)

// Key identifies a socket option by its level (SOL_SOCKET, IPPROTO_TCP...)
// and name (SO_REUSEADDR, TCP_NODELAY...). The level is kept in the high 32
// bits and the name in the low 32 bits, so a Key and every typed option
// built on it can be a constant.
type Key uint64

// MakeKey returns the Key for level and name. Both must fit in 32 bits;
// options outside that range do not exist on Linux.
func MakeKey(level, name int) Key { return Key(uint64(uint32(level))<<32 | uint64(uint32(name))) }

// Level returns the option level, as passed to setsockopt.
func (k Key) Level() int { return int(int32(uint32(k >> 32))) }

// Name returns the option name, as passed to setsockopt.
func (k Key) Name() int { return int(int32(uint32(k))) }

// String returns the option's C name, such as "SO_REUSEADDR", or
// "level 1 option 99" for options the package does not name.
func (k Key) String() string {
	if n := keyName(k); n != "" {
		return n
	}
	return fmt.Sprintf("level %d option %d", k.Level(), k.Name())
}

// Getter is an option whose value can be read as a T.
type Getter[T any] interface {
	Key() Key
	Get(c syscall.RawConn) (T, error)
}

// Setter is an option that can be set to a T.
type Setter[T any] interface {
	Key() Key
	Set(c syscall.RawConn, v T) error
}

// Get reads option o of the socket behind c.
func Get[T any](c syscall.RawConn, o Getter[T]) (T, error) { return o.Get(c) }

// Set sets option o of the socket behind c to v.
func Set[T any](c syscall.RawConn, o Setter[T], v T) error { return o.Set(c, v) }

// OptionError reports a failed getsockopt or setsockopt. Err is an
// *os.SyscallError wrapping the syscall.Errno, or the error of
// syscall.RawConn.Control (net.ErrClosed, for example). errors.Is(err,
// errors.ErrUnsupported) holds when the kernel does not know the option
// (ENOPROTOOPT) or the socket cannot have it (EOPNOTSUPP), and on systems
// other than Linux.
type OptionError struct {
	Op     string // "getsockopt" or "setsockopt"
	Option Key
	Err    error
}

func (e *OptionError) Error() string {
	return "control: " + e.Op + " " + e.Option.String() + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *OptionError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, errors.ErrUnsupported) true for options the
// kernel or the socket does not support.
func (e *OptionError) Is(target error) bool {
	return target == errors.ErrUnsupported && isUnsupported(e.Err)
}

func optErr(op string, k Key, err error) error {
	if err == nil {
		return nil
	}
	return &OptionError{Op: op, Option: k, Err: err}
}

// errValue is returned (wrapped in an OptionError) for values an option
// cannot hold; no syscall is made.
func valueError(k Key, format string, args ...any) error {
	return &OptionError{Op: "setsockopt", Option: k, Err: fmt.Errorf(format+": %w", append(args, syscall.EINVAL)...)}
}

// Int is an option holding a C int.
type Int Key

// Key returns the option's level and name.
func (o Int) Key() Key { return Key(o) }

// Get returns the option's value.
func (o Int) Get(c syscall.RawConn) (int, error) { return getInt(c, Key(o)) }

// Set sets the option to v, which must fit in a C int.
func (o Int) Set(c syscall.RawConn, v int) error {
	if int64(v) != int64(int32(v)) {
		return valueError(Key(o), "value %d does not fit in a C int", v)
	}
	return setInt(c, Key(o), v)
}

// Bool is an option holding a C int used as a flag.
type Bool Key

// Key returns the option's level and name.
func (o Bool) Key() Key { return Key(o) }

// Get reports whether the option is on (non-zero).
func (o Bool) Get(c syscall.RawConn) (bool, error) {
	v, err := getInt(c, Key(o))
	return v != 0, err
}

// Set turns the option on (1) or off (0).
func (o Bool) Set(c syscall.RawConn, v bool) error {
	n := 0
	if v {
		n = 1
	}
	return setInt(c, Key(o), n)
}

// Seconds is an option holding a duration as a C int of seconds, such as
// TCP_KEEPIDLE.
type Seconds Key

// Key returns the option's level and name.
func (o Seconds) Key() Key { return Key(o) }

// Get returns the option's value.
func (o Seconds) Get(c syscall.RawConn) (time.Duration, error) {
	v, err := getInt(c, Key(o))
	return time.Duration(v) * time.Second, err
}

// Set sets the option to d, rounded up to a whole second. d must not be
// negative.
func (o Seconds) Set(c syscall.RawConn, d time.Duration) error {
	return setDuration(c, Key(o), d, time.Second)
}

// setDuration sets an int option to d in whole units, rounded up; d must be
// neither negative nor more units than a C int holds.
func setDuration(c syscall.RawConn, k Key, d, unit time.Duration) error {
	if d < 0 {
		return valueError(k, "negative duration %v", d)
	}
	n := (d + unit - 1) / unit
	if n > 1<<31-1 {
		return valueError(k, "duration %v too long", d)
	}
	return setInt(c, k, int(n))
}

// Milliseconds is an option holding a duration as a C int of milliseconds,
// such as TCP_USER_TIMEOUT.
type Milliseconds Key

// Key returns the option's level and name.
func (o Milliseconds) Key() Key { return Key(o) }

// Get returns the option's value.
func (o Milliseconds) Get(c syscall.RawConn) (time.Duration, error) {
	v, err := getInt(c, Key(o))
	return time.Duration(uint32(v)) * time.Millisecond, err
}

// Set sets the option to d, rounded up to a whole millisecond. d must not be
// negative.
func (o Milliseconds) Set(c syscall.RawConn, d time.Duration) error {
	return setDuration(c, Key(o), d, time.Millisecond)
}

// Timeval is an option holding a struct timeval, such as SO_RCVTIMEO. Zero
// means no timeout.
type Timeval Key

// Key returns the option's level and name.
func (o Timeval) Key() Key { return Key(o) }

// Get returns the option's value.
func (o Timeval) Get(c syscall.RawConn) (time.Duration, error) { return getTimeval(c, Key(o)) }

// Set sets the option to d (microsecond precision, rounded up). d must not
// be negative.
func (o Timeval) Set(c syscall.RawConn, d time.Duration) error {
	if d < 0 {
		return valueError(Key(o), "negative duration %v", d)
	}
	return setTimeval(c, Key(o), d)
}

// String is an option holding a string, such as SO_BINDTODEVICE.
type String Key

// Key returns the option's level and name.
func (o String) Key() Key { return Key(o) }

// Get returns the option's value.
func (o String) Get(c syscall.RawConn) (string, error) { return getString(c, Key(o)) }

// Set sets the option to s.
func (o String) Set(c syscall.RawConn, s string) error { return setString(c, Key(o), s) }

// Bytes is an option holding raw bytes, for options without a typed kind.
type Bytes Key

// Key returns the option's level and name.
func (o Bytes) Key() Key { return Key(o) }

// Get returns the option's value (at most 4096 bytes).
func (o Bytes) Get(c syscall.RawConn) ([]byte, error) { return getBytes(c, Key(o), 4096) }

// Set sets the option to b.
func (o Bytes) Set(c syscall.RawConn, b []byte) error { return setBytes(c, Key(o), b) }

// Linger is the value of SO_LINGER: when Enabled, Close blocks for up to
// Seconds while unsent data drains (0 means reset the connection).
type Linger struct {
	Enabled bool
	Seconds int
}

// LingerOption is an option holding a struct linger.
type LingerOption Key

// Key returns the option's level and name.
func (o LingerOption) Key() Key { return Key(o) }

// Get returns the option's value.
func (o LingerOption) Get(c syscall.RawConn) (Linger, error) { return getLinger(c, Key(o)) }

// Set sets the option to l. l.Seconds must fit in a C int and not be
// negative.
func (o LingerOption) Set(c syscall.RawConn, l Linger) error {
	if l.Seconds < 0 || int64(l.Seconds) > 1<<31-1 {
		return valueError(Key(o), "linger seconds %d out of range", l.Seconds)
	}
	return setLinger(c, Key(o), l)
}

// CANFilterOption is CAN_RAW_FILTER: the list of CAN filters of a raw CAN
// socket.
type CANFilterOption Key

// Key returns the option's level and name.
func (o CANFilterOption) Key() Key { return Key(o) }

// Get returns the socket's filters.
func (o CANFilterOption) Get(c syscall.RawConn) ([]CANFilter, error) {
	b, err := getBytes(c, Key(o), 512*SizeofCANFilter)
	if err != nil {
		return nil, err
	}
	return DecodeCANFilters(b)
}

// Set replaces the socket's filters with fs. An empty list receives no
// frames at all.
func (o CANFilterOption) Set(c syscall.RawConn, fs []CANFilter) error {
	return setCANFilters(c, Key(o), fs)
}

// NetlinkGroupsOption is NETLINK_LIST_MEMBERSHIPS: the multicast groups a
// netlink socket has joined. It can only be read; join and leave groups with
// NetlinkAddMembership and NetlinkDropMembership.
type NetlinkGroupsOption Key

// Key returns the option's level and name.
func (o NetlinkGroupsOption) Key() Key { return Key(o) }

// Get returns the joined groups in increasing order.
func (o NetlinkGroupsOption) Get(c syscall.RawConn) ([]uint32, error) {
	b, err := getBytes(c, Key(o), 0)
	if err != nil {
		return nil, err
	}
	return DecodeNetlinkGroups(b), nil
}

// ImportanceOption is TIPC_IMPORTANCE: the priority of a TIPC socket's
// messages when the link is congested.
type ImportanceOption Key

// Key returns the option's level and name.
func (o ImportanceOption) Key() Key { return Key(o) }

// Get returns the socket's importance.
func (o ImportanceOption) Get(c syscall.RawConn) (Importance, error) {
	v, err := getInt(c, Key(o))
	return Importance(v), err
}

// Set sets the socket's importance; v must be one of the four levels.
func (o ImportanceOption) Set(c syscall.RawConn, v Importance) error {
	if v < LowImportance || v > CriticalImportance {
		return valueError(Key(o), "TIPC importance %d out of range", int(v))
	}
	return setInt(c, Key(o), int(v))
}

// Importance is the value of TIPC_IMPORTANCE.
type Importance int

// The TIPC importance levels (TIPC_LOW_IMPORTANCE...).
const (
	LowImportance      Importance = 0
	MediumImportance   Importance = 1
	HighImportance     Importance = 2
	CriticalImportance Importance = 3
)

func (v Importance) String() string {
	switch v {
	case LowImportance:
		return "low"
	case MediumImportance:
		return "medium"
	case HighImportance:
		return "high"
	case CriticalImportance:
		return "critical"
	}
	return fmt.Sprintf("Importance(%d)", int(v))
}

// Socket options named by the package. The C name of each is in its
// comment where the Go name differs.
const (
	SOReuseAddr     = Bool(sysSOL_SOCKET<<32 | sysSO_REUSEADDR)
	SOReusePort     = Bool(sysSOL_SOCKET<<32 | sysSO_REUSEPORT)
	SOKeepAlive     = Bool(sysSOL_SOCKET<<32 | sysSO_KEEPALIVE)
	SOBroadcast     = Bool(sysSOL_SOCKET<<32 | sysSO_BROADCAST)
	SORcvBuf        = Int(sysSOL_SOCKET<<32 | sysSO_RCVBUF)
	SOSndBuf        = Int(sysSOL_SOCKET<<32 | sysSO_SNDBUF)
	SORcvBufForce   = Int(sysSOL_SOCKET<<32 | sysSO_RCVBUFFORCE) // needs CAP_NET_ADMIN
	SOSndBufForce   = Int(sysSOL_SOCKET<<32 | sysSO_SNDBUFFORCE) // needs CAP_NET_ADMIN
	SOMark          = Int(sysSOL_SOCKET<<32 | sysSO_MARK)        // needs CAP_NET_ADMIN
	SOPriority      = Int(sysSOL_SOCKET<<32 | sysSO_PRIORITY)
	SOBindToDevice  = String(sysSOL_SOCKET<<32 | sysSO_BINDTODEVICE)
	SOLinger        = LingerOption(sysSOL_SOCKET<<32 | sysSO_LINGER)
	SORcvTimeo      = Timeval(sysSOL_SOCKET<<32 | sysSO_RCVTIMEO)
	SOSndTimeo      = Timeval(sysSOL_SOCKET<<32 | sysSO_SNDTIMEO)
	SOType          = Int(sysSOL_SOCKET<<32 | sysSO_TYPE)
	SODomain        = Int(sysSOL_SOCKET<<32 | sysSO_DOMAIN)
	SOProtocol      = Int(sysSOL_SOCKET<<32 | sysSO_PROTOCOL)
	SOError         = Int(sysSOL_SOCKET<<32 | sysSO_ERROR)
	SOAcceptConn    = Bool(sysSOL_SOCKET<<32 | sysSO_ACCEPTCONN)
	SOPassCred      = Bool(sysSOL_SOCKET<<32 | sysSO_PASSCRED)
	SOTimestamp     = Bool(sysSOL_SOCKET<<32 | sysSO_TIMESTAMP)
	SOTimestampNS   = Bool(sysSOL_SOCKET<<32 | sysSO_TIMESTAMPNS)
	SOTimestamping  = Int(sysSOL_SOCKET<<32 | sysSO_TIMESTAMPING) // SOF_TIMESTAMPING_* flags
	SORcvLowat      = Int(sysSOL_SOCKET<<32 | sysSO_RCVLOWAT)
	SOOOBInline     = Bool(sysSOL_SOCKET<<32 | sysSO_OOBINLINE)
	SODontRoute     = Bool(sysSOL_SOCKET<<32 | sysSO_DONTROUTE)
	IPTOS           = Int(sysSOL_IP<<32 | sysIP_TOS)
	IPTTL           = Int(sysSOL_IP<<32 | sysIP_TTL)
	IPTransparent   = Bool(sysSOL_IP<<32 | sysIP_TRANSPARENT) // needs CAP_NET_ADMIN or CAP_NET_RAW
	IPFreebind      = Bool(sysSOL_IP<<32 | sysIP_FREEBIND)
	IPPktInfo       = Bool(sysSOL_IP<<32 | sysIP_PKTINFO)
	IPRecvTTL       = Bool(sysSOL_IP<<32 | sysIP_RECVTTL)
	IPRecvTOS       = Bool(sysSOL_IP<<32 | sysIP_RECVTOS)
	IPMulticastTTL  = Int(sysSOL_IP<<32 | sysIP_MULTICAST_TTL)
	IPMulticastLoop = Bool(sysSOL_IP<<32 | sysIP_MULTICAST_LOOP)
	IPv6V6Only      = Bool(sysSOL_IPV6<<32 | sysIPV6_V6ONLY)
	IPv6Transparent = Bool(sysSOL_IPV6<<32 | sysIPV6_TRANSPARENT) // needs CAP_NET_ADMIN or CAP_NET_RAW
	IPv6RecvPktInfo = Bool(sysSOL_IPV6<<32 | sysIPV6_RECVPKTINFO)
	IPv6UnicastHops = Int(sysSOL_IPV6<<32 | sysIPV6_UNICAST_HOPS)
	IPv6TClass      = Int(sysSOL_IPV6<<32 | sysIPV6_TCLASS)

	TCPNoDelay         = Bool(sysSOL_TCP<<32 | sysTCP_NODELAY)
	TCPKeepIdle        = Seconds(sysSOL_TCP<<32 | sysTCP_KEEPIDLE)
	TCPKeepIntvl       = Seconds(sysSOL_TCP<<32 | sysTCP_KEEPINTVL)
	TCPKeepCnt         = Int(sysSOL_TCP<<32 | sysTCP_KEEPCNT)
	TCPUserTimeout     = Milliseconds(sysSOL_TCP<<32 | sysTCP_USER_TIMEOUT)
	TCPFastOpen        = Int(sysSOL_TCP<<32 | sysTCP_FASTOPEN) // listener: queue length
	TCPFastOpenConnect = Bool(sysSOL_TCP<<32 | sysTCP_FASTOPEN_CONNECT)
	TCPMaxSeg          = Int(sysSOL_TCP<<32 | sysTCP_MAXSEG)
	TCPCork            = Bool(sysSOL_TCP<<32 | sysTCP_CORK)
	TCPQuickAck        = Bool(sysSOL_TCP<<32 | sysTCP_QUICKACK)
	TCPDeferAccept     = Seconds(sysSOL_TCP<<32 | sysTCP_DEFER_ACCEPT)
	TCPNotSentLowat    = Int(sysSOL_TCP<<32 | sysTCP_NOTSENT_LOWAT)

	CANRawFilter      = CANFilterOption(sysSOL_CANRAW<<32 | sysCAN_RAW_FILTER)
	CANRawErrFilter   = Int(sysSOL_CANRAW<<32 | sysCAN_RAW_ERR_FILTER) // CAN_ERR_* mask
	CANRawLoopback    = Bool(sysSOL_CANRAW<<32 | sysCAN_RAW_LOOPBACK)
	CANRawRecvOwnMsgs = Bool(sysSOL_CANRAW<<32 | sysCAN_RAW_RECV_OWN_MSGS)
	CANRawFDFrames    = Bool(sysSOL_CANRAW<<32 | sysCAN_RAW_FD_FRAMES)
	CANRawJoinFilters = Bool(sysSOL_CANRAW<<32 | sysCAN_RAW_JOIN_FILTERS)

	NetlinkAddMembership   = Int(sysSOL_NL<<32 | sysNETLINK_ADD_MEMBERSHIP)  // set only: group number
	NetlinkDropMembership  = Int(sysSOL_NL<<32 | sysNETLINK_DROP_MEMBERSHIP) // set only: group number
	NetlinkListMemberships = NetlinkGroupsOption(sysSOL_NL<<32 | sysNETLINK_LIST_MEMBERSHIPS)
	NetlinkPktInfo         = Bool(sysSOL_NL<<32 | sysNETLINK_PKTINFO)
	NetlinkNoENOBUFS       = Bool(sysSOL_NL<<32 | sysNETLINK_NO_ENOBUFS)
	NetlinkExtAck          = Bool(sysSOL_NL<<32 | sysNETLINK_EXT_ACK)
	NetlinkGetStrictChk    = Bool(sysSOL_NL<<32 | sysNETLINK_GET_STRICT_CHK)

	TIPCImportance    = ImportanceOption(sysSOL_TIPC<<32 | sysTIPC_IMPORTANCE)
	TIPCSrcDroppable  = Bool(sysSOL_TIPC<<32 | sysTIPC_SRC_DROPPABLE)
	TIPCDestDroppable = Bool(sysSOL_TIPC<<32 | sysTIPC_DEST_DROPPABLE)
	TIPCConnTimeout   = Milliseconds(sysSOL_TIPC<<32 | sysTIPC_CONN_TIMEOUT)
)

// keyName returns the C name of a known option, or "".
func keyName(k Key) string {
	for _, e := range [...]struct {
		k    Key
		name string
	}{
		{SOReuseAddr.Key(), "SO_REUSEADDR"}, {SOReusePort.Key(), "SO_REUSEPORT"},
		{SOKeepAlive.Key(), "SO_KEEPALIVE"}, {SOBroadcast.Key(), "SO_BROADCAST"},
		{SORcvBuf.Key(), "SO_RCVBUF"}, {SOSndBuf.Key(), "SO_SNDBUF"},
		{SORcvBufForce.Key(), "SO_RCVBUFFORCE"}, {SOSndBufForce.Key(), "SO_SNDBUFFORCE"},
		{SOMark.Key(), "SO_MARK"}, {SOPriority.Key(), "SO_PRIORITY"},
		{SOBindToDevice.Key(), "SO_BINDTODEVICE"}, {SOLinger.Key(), "SO_LINGER"},
		{SORcvTimeo.Key(), "SO_RCVTIMEO"}, {SOSndTimeo.Key(), "SO_SNDTIMEO"},
		{SOType.Key(), "SO_TYPE"}, {SODomain.Key(), "SO_DOMAIN"},
		{SOProtocol.Key(), "SO_PROTOCOL"}, {SOError.Key(), "SO_ERROR"},
		{SOAcceptConn.Key(), "SO_ACCEPTCONN"}, {SOPassCred.Key(), "SO_PASSCRED"},
		{SOTimestamp.Key(), "SO_TIMESTAMP"}, {SOTimestampNS.Key(), "SO_TIMESTAMPNS"},
		{SOTimestamping.Key(), "SO_TIMESTAMPING"}, {SORcvLowat.Key(), "SO_RCVLOWAT"},
		{SOOOBInline.Key(), "SO_OOBINLINE"}, {SODontRoute.Key(), "SO_DONTROUTE"},
		{IPTOS.Key(), "IP_TOS"}, {IPTTL.Key(), "IP_TTL"},
		{IPTransparent.Key(), "IP_TRANSPARENT"}, {IPFreebind.Key(), "IP_FREEBIND"},
		{IPPktInfo.Key(), "IP_PKTINFO"}, {IPRecvTTL.Key(), "IP_RECVTTL"},
		{IPRecvTOS.Key(), "IP_RECVTOS"}, {IPMulticastTTL.Key(), "IP_MULTICAST_TTL"},
		{IPMulticastLoop.Key(), "IP_MULTICAST_LOOP"}, {IPv6V6Only.Key(), "IPV6_V6ONLY"},
		{IPv6Transparent.Key(), "IPV6_TRANSPARENT"}, {IPv6RecvPktInfo.Key(), "IPV6_RECVPKTINFO"},
		{IPv6UnicastHops.Key(), "IPV6_UNICAST_HOPS"}, {IPv6TClass.Key(), "IPV6_TCLASS"},
		{TCPNoDelay.Key(), "TCP_NODELAY"}, {TCPKeepIdle.Key(), "TCP_KEEPIDLE"},
		{TCPKeepIntvl.Key(), "TCP_KEEPINTVL"}, {TCPKeepCnt.Key(), "TCP_KEEPCNT"},
		{TCPUserTimeout.Key(), "TCP_USER_TIMEOUT"}, {TCPFastOpen.Key(), "TCP_FASTOPEN"},
		{TCPFastOpenConnect.Key(), "TCP_FASTOPEN_CONNECT"}, {TCPMaxSeg.Key(), "TCP_MAXSEG"},
		{TCPCork.Key(), "TCP_CORK"}, {TCPQuickAck.Key(), "TCP_QUICKACK"},
		{TCPDeferAccept.Key(), "TCP_DEFER_ACCEPT"}, {TCPNotSentLowat.Key(), "TCP_NOTSENT_LOWAT"},
		{CANRawFilter.Key(), "CAN_RAW_FILTER"}, {CANRawErrFilter.Key(), "CAN_RAW_ERR_FILTER"},
		{CANRawLoopback.Key(), "CAN_RAW_LOOPBACK"}, {CANRawRecvOwnMsgs.Key(), "CAN_RAW_RECV_OWN_MSGS"},
		{CANRawFDFrames.Key(), "CAN_RAW_FD_FRAMES"}, {CANRawJoinFilters.Key(), "CAN_RAW_JOIN_FILTERS"},
		{NetlinkAddMembership.Key(), "NETLINK_ADD_MEMBERSHIP"}, {NetlinkDropMembership.Key(), "NETLINK_DROP_MEMBERSHIP"},
		{NetlinkListMemberships.Key(), "NETLINK_LIST_MEMBERSHIPS"}, {NetlinkPktInfo.Key(), "NETLINK_PKTINFO"},
		{NetlinkNoENOBUFS.Key(), "NETLINK_NO_ENOBUFS"}, {NetlinkExtAck.Key(), "NETLINK_EXT_ACK"},
		{NetlinkGetStrictChk.Key(), "NETLINK_GET_STRICT_CHK"},
		{TIPCImportance.Key(), "TIPC_IMPORTANCE"}, {TIPCSrcDroppable.Key(), "TIPC_SRC_DROPPABLE"},
		{TIPCDestDroppable.Key(), "TIPC_DEST_DROPPABLE"}, {TIPCConnTimeout.Key(), "TIPC_CONN_TIMEOUT"},
	} {
		if e.k == k {
			return e.name
		}
	}
	return ""
}
