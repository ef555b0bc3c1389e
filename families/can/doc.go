// Package can provides Linux SocketCAN sockets as anysock connections:
// raw classic and CAN FD frames, the broadcast manager (BCM), ISO-TP
// (ISO 15765-2) and SAE J1939, all driven by the Go runtime poller, so
// deadlines, Close and contexts interrupt blocked reads and writes.
//
// # Raw frames
//
// Dial binds a CAN_RAW socket to an interface and returns a *RawConn: an
// *anysock.Conn (net.Conn; each Read and Write is one frame in its kernel
// wire form, batch I/O with ReadBatch/WriteBatch) with typed helpers:
// ReadFrame/WriteFrame for classic frames, ReadFDFrame/WriteFDFrame for CAN
// FD, ReadFrames/WriteFrames for many frames per system call, and
// ReadFrameInfo for kernel timestamps and the origin of a frame. These
// helpers do not allocate. RawConfig sets filters (Filter, CAN_RAW_FILTER,
// inverted filters, join), error-frame masks (ErrorClass), loopback and
// own-message reception, FD frames and timestamps before the socket is
// bound. ListenPacket returns a *RawPacketConn (net.PacketConn) whose
// ReadFrom reports the interface of each frame, for sockets bound to all
// interfaces.
//
// Frame and FDFrame encode to and decode from the kernel's struct can_frame
// (16 bytes, the layout Python packs with "=IB3x8s") and struct
// canfd_frame (72 bytes) into caller buffers, and parse and print cansend's
// text syntax ("123#DEADBEEF", "12345678##1AABB").
//
// # Protocols
//
// DialBCM connects a broadcast-manager socket: cyclic transmission
// (BCMConn.StartCyclic) and content-filtered reception with timeouts
// (BCMConn.Subscribe: RX_CHANGED and RX_TIMEOUT events from ReadEvent).
// DialISOTP opens an ISO-TP connection for a pair of CAN identifiers that
// carries messages of up to 4095 bytes (up to 66000 on recent kernels) as
// one Read or Write each, over classic CAN or CAN FD frames; ISOTPConfig sets padding, flow control and
// timing. ListenJ1939 opens a J1939 socket (a net.PacketConn addressed by
// NAME, PGN and address); ClaimAddress runs J1939-81 address claiming.
//
// # Addresses
//
// Addresses name interfaces ("vcan0"; "" or "any" for all). ParseAddr,
// ParseISOTPAddr ("vcan0:7E0:7E8") and ParseJ1939Addr ("vcan0:80,12300")
// accept what the String methods print. Interface names are resolved in the
// socket's network namespace (anysock.Config.NetNS); a missing one gives an
// *UnknownInterfaceError. Codec is the anysock.Codec of struct sockaddr_can
// for every protocol, and RawProto, BCMProto, ISOTPProto and J1939Proto are
// ready-made anysock.Protos naming the kernel modules (can, can_raw,
// can_bcm, can_isotp, can_j1939) that a kernel without CAN support lacks.
//
// Only Linux has SocketCAN; elsewhere the package builds and every
// constructor returns an error naming the operating system.
package can
