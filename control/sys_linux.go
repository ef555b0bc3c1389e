package control

import "golang.org/x/sys/unix"

// Option levels and names, taken from x/sys so that they are right on every
// Linux architecture (several differ on mips, ppc and sparc).
const (
	sysSOL_SOCKET = unix.SOL_SOCKET
	sysSOL_IP     = unix.SOL_IP
	sysSOL_IPV6   = unix.SOL_IPV6
	sysSOL_TCP    = unix.SOL_TCP
	sysSOL_CANRAW = unix.SOL_CAN_RAW
	sysSOL_NL     = unix.SOL_NETLINK
	sysSOL_TIPC   = unix.SOL_TIPC

	sysSO_REUSEADDR        = unix.SO_REUSEADDR
	sysSO_REUSEPORT        = unix.SO_REUSEPORT
	sysSO_KEEPALIVE        = unix.SO_KEEPALIVE
	sysSO_BROADCAST        = unix.SO_BROADCAST
	sysSO_RCVBUF           = unix.SO_RCVBUF
	sysSO_SNDBUF           = unix.SO_SNDBUF
	sysSO_RCVBUFFORCE      = unix.SO_RCVBUFFORCE
	sysSO_SNDBUFFORCE      = unix.SO_SNDBUFFORCE
	sysSO_MARK             = unix.SO_MARK
	sysSO_PRIORITY         = unix.SO_PRIORITY
	sysSO_BINDTODEVICE     = unix.SO_BINDTODEVICE
	sysSO_LINGER           = unix.SO_LINGER
	sysSO_RCVTIMEO         = unix.SO_RCVTIMEO
	sysSO_SNDTIMEO         = unix.SO_SNDTIMEO
	sysSO_TYPE             = unix.SO_TYPE
	sysSO_DOMAIN           = unix.SO_DOMAIN
	sysSO_PROTOCOL         = unix.SO_PROTOCOL
	sysSO_ERROR            = unix.SO_ERROR
	sysSO_ACCEPTCONN       = unix.SO_ACCEPTCONN
	sysSO_PASSCRED         = unix.SO_PASSCRED
	sysSO_TIMESTAMP        = unix.SO_TIMESTAMP
	sysSO_TIMESTAMPNS      = unix.SO_TIMESTAMPNS
	sysSO_TIMESTAMPING     = unix.SO_TIMESTAMPING
	sysSO_RCVLOWAT         = unix.SO_RCVLOWAT
	sysSO_OOBINLINE        = unix.SO_OOBINLINE
	sysSO_DONTROUTE        = unix.SO_DONTROUTE
	sysSO_TIMESTAMP_NEW    = unix.SO_TIMESTAMP_NEW
	sysSO_TIMESTAMPNS_NEW  = unix.SO_TIMESTAMPNS_NEW
	sysSO_TIMESTAMPING_NEW = unix.SO_TIMESTAMPING_NEW
	sysSCM_RIGHTS          = unix.SCM_RIGHTS
	sysSCM_CREDENTIALS     = unix.SCM_CREDENTIALS

	sysIP_TOS            = unix.IP_TOS
	sysIP_TTL            = unix.IP_TTL
	sysIP_TRANSPARENT    = unix.IP_TRANSPARENT
	sysIP_FREEBIND       = unix.IP_FREEBIND
	sysIP_PKTINFO        = unix.IP_PKTINFO
	sysIP_RECVTTL        = unix.IP_RECVTTL
	sysIP_RECVTOS        = unix.IP_RECVTOS
	sysIP_MULTICAST_TTL  = unix.IP_MULTICAST_TTL
	sysIP_MULTICAST_LOOP = unix.IP_MULTICAST_LOOP
	sysIPV6_V6ONLY       = unix.IPV6_V6ONLY
	sysIPV6_TRANSPARENT  = unix.IPV6_TRANSPARENT
	sysIPV6_RECVPKTINFO  = unix.IPV6_RECVPKTINFO
	sysIPV6_PKTINFO      = unix.IPV6_PKTINFO
	sysIPV6_UNICAST_HOPS = unix.IPV6_UNICAST_HOPS
	sysIPV6_TCLASS       = unix.IPV6_TCLASS

	sysTCP_NODELAY          = unix.TCP_NODELAY
	sysTCP_KEEPIDLE         = unix.TCP_KEEPIDLE
	sysTCP_KEEPINTVL        = unix.TCP_KEEPINTVL
	sysTCP_KEEPCNT          = unix.TCP_KEEPCNT
	sysTCP_USER_TIMEOUT     = unix.TCP_USER_TIMEOUT
	sysTCP_FASTOPEN         = unix.TCP_FASTOPEN
	sysTCP_FASTOPEN_CONNECT = unix.TCP_FASTOPEN_CONNECT
	sysTCP_MAXSEG           = unix.TCP_MAXSEG
	sysTCP_CORK             = unix.TCP_CORK
	sysTCP_QUICKACK         = unix.TCP_QUICKACK
	sysTCP_DEFER_ACCEPT     = unix.TCP_DEFER_ACCEPT
	sysTCP_NOTSENT_LOWAT    = unix.TCP_NOTSENT_LOWAT

	sysCAN_RAW_FILTER        = unix.CAN_RAW_FILTER
	sysCAN_RAW_ERR_FILTER    = unix.CAN_RAW_ERR_FILTER
	sysCAN_RAW_LOOPBACK      = unix.CAN_RAW_LOOPBACK
	sysCAN_RAW_RECV_OWN_MSGS = unix.CAN_RAW_RECV_OWN_MSGS
	sysCAN_RAW_FD_FRAMES     = unix.CAN_RAW_FD_FRAMES
	sysCAN_RAW_JOIN_FILTERS  = unix.CAN_RAW_JOIN_FILTERS

	sysNETLINK_ADD_MEMBERSHIP   = unix.NETLINK_ADD_MEMBERSHIP
	sysNETLINK_DROP_MEMBERSHIP  = unix.NETLINK_DROP_MEMBERSHIP
	sysNETLINK_LIST_MEMBERSHIPS = unix.NETLINK_LIST_MEMBERSHIPS
	sysNETLINK_PKTINFO          = unix.NETLINK_PKTINFO
	sysNETLINK_NO_ENOBUFS       = unix.NETLINK_NO_ENOBUFS
	sysNETLINK_EXT_ACK          = unix.NETLINK_EXT_ACK
	sysNETLINK_GET_STRICT_CHK   = unix.NETLINK_GET_STRICT_CHK

	sysTIPC_IMPORTANCE     = unix.TIPC_IMPORTANCE
	sysTIPC_SRC_DROPPABLE  = unix.TIPC_SRC_DROPPABLE
	sysTIPC_DEST_DROPPABLE = unix.TIPC_DEST_DROPPABLE
	sysTIPC_CONN_TIMEOUT   = unix.TIPC_CONN_TIMEOUT

	sysAF_INET  = unix.AF_INET
	sysAF_INET6 = unix.AF_INET6
)
