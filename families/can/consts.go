package can

// Linux constants from <linux/can.h>, <linux/can/raw.h>, <linux/can/bcm.h>,
// <linux/can/isotp.h>, <linux/can/j1939.h> and <linux/socket.h>, kept here
// so that the portable part of the package builds on every GOOS.
const (
	afCAN = 29

	sockRaw   = 3
	sockDgram = 2

	protoRaw   = 1
	protoBCM   = 2
	protoISOTP = 6
	protoJ1939 = 7

	solCANBase  = 100
	solCANRaw   = solCANBase + protoRaw
	solCANISOTP = solCANBase + protoISOTP
	solCANJ1939 = solCANBase + protoJ1939

	// CAN_RAW socket options.
	rawFilter       = 1
	rawErrFilter    = 2
	rawLoopback     = 3
	rawRecvOwnMsgs  = 4
	rawFDFrames     = 5
	rawJoinFilters  = 6
	rawFilterMax    = 512 // CAN_RAW_FILTER_MAX
	sizeofCANFilter = 8

	// can_id flag bits and masks.
	effFlag = 0x80000000
	rtrFlag = 0x40000000
	errFlag = 0x20000000
	sffMask = 0x000007ff
	effMask = 0x1fffffff
	errMask = 0x1fffffff
	invFilt = 0x20000000 // CAN_INV_FILTER

	// canfd_frame.flags bits.
	fdBRS = 0x01
	fdESI = 0x02
	fdFDF = 0x04

	// CAN_MTU and CANFD_MTU: the sizes of struct can_frame and canfd_frame.
	mtu   = 16
	fdMTU = 72

	// struct sockaddr_can: family(2) pad(2) ifindex(4) can_addr(16).
	sockaddrSize = 24
)
