package route

import (
	"encoding/binary"

	"github.com/mdlayher/netlink"
)

// Message types.
const (
	rtmNewLink  = 16
	rtmDelLink  = 17
	rtmGetLink  = 18
	rtmNewAddr  = 20
	rtmDelAddr  = 21
	rtmGetAddr  = 22
	rtmNewRoute = 24
	rtmDelRoute = 25
	rtmGetRoute = 26
	rtmNewNeigh = 28
	rtmDelNeigh = 29
	rtmGetNeigh = 30
)

const nlmsgHdrLen = 16

// nextMessage splits the first netlink message off a datagram, using
// mdlayher/netlink's Message codec. It returns the message, the rest of the
// datagram, and an error matching ErrMalformed for a truncated or
// inconsistent header.
func nextMessage(b []byte) (netlink.Message, []byte, error) {
	var m netlink.Message
	if len(b) < nlmsgHdrLen {
		return m, nil, malformed("netlink", "%d trailing bytes, shorter than a message header", len(b))
	}
	l := int(binary.NativeEndian.Uint32(b))
	if l < nlmsgHdrLen || l > len(b) {
		return m, nil, malformed("netlink", "message length %d with %d bytes in the datagram", l, len(b))
	}
	al := (l + 3) &^ 3
	if al > len(b) {
		al = len(b)
		if al&3 != 0 { // netlink.Message insists on aligned input
			return m, nil, malformed("netlink", "unaligned final message of length %d", l)
		}
	}
	if err := m.UnmarshalBinary(b[:al]); err != nil {
		return m, nil, malformed("netlink", "%v", err)
	}
	return m, b[al:], nil
}

// ackError decodes the payload of an NLMSG_ERROR, or of an NLMSG_DONE that
// carries an error code: the (negated) errno and, with
// NLM_F_ACK_TLVS, the extended ACK message and offset. The TLVs are read
// with mdlayher/netlink's AttributeDecoder (a cold path).
func ackError(m netlink.Message) (errno int32, msg string, off int, err error) {
	if len(m.Data) < 4 {
		if m.Header.Type == netlink.Done {
			return 0, "", 0, nil // a bare NLMSG_DONE
		}
		return 0, "", 0, malformed("netlink", "error message of %d bytes", len(m.Data))
	}
	errno = -int32(binary.NativeEndian.Uint32(m.Data))
	if m.Header.Flags&netlink.AcknowledgeTLVs == 0 {
		return errno, "", 0, nil
	}
	tlv := m.Data[4:]
	if m.Header.Type == netlink.Error {
		// The request's header (and, without NLM_F_CAPPED, its payload)
		// comes first.
		if len(tlv) < nlmsgHdrLen {
			return errno, "", 0, malformed("netlink", "error message too short for the echoed header")
		}
		skip := nlmsgHdrLen
		if m.Header.Flags&netlink.Capped == 0 {
			skip = int(binary.NativeEndian.Uint32(tlv))
		}
		if skip < nlmsgHdrLen || skip > len(tlv) {
			return errno, "", 0, malformed("netlink", "error message echoes %d bytes of %d", skip, len(tlv))
		}
		tlv = tlv[(skip+3)&^3:]
	}
	if len(tlv) == 0 {
		return errno, "", 0, nil
	}
	ad, derr := netlink.NewAttributeDecoder(tlv)
	if derr != nil {
		return errno, "", 0, malformed("netlink", "extended ACK: %v", derr)
	}
	for ad.Next() {
		switch ad.Type() {
		case 1: // NLMSGERR_ATTR_MSG
			msg = ad.String()
		case 2: // NLMSGERR_ATTR_OFFS
			off = int(ad.Uint32())
		}
	}
	if derr := ad.Err(); derr != nil {
		return errno, msg, off, malformed("netlink", "extended ACK: %v", derr)
	}
	return errno, msg, off, nil
}
