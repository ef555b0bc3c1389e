package control

import (
	"fmt"
	"net/netip"
	"syscall"
	"time"
)

// Credentials is the payload of SCM_CREDENTIALS (struct ucred). A process
// may send its own PID, UID and GID; root may send others.
type Credentials struct {
	PID int
	UID uint32
	GID uint32
}

// PktInfo is the payload of IP_PKTINFO or IPV6_PKTINFO.
//
// On receive, Addr is the packet's destination address and IfIndex the
// interface it arrived on; for IPv4, Local (ipi_spec_dst) is the local
// address a reply would come from. On send, Local (IPv4) or Addr (IPv6)
// chooses the source address and IfIndex the outgoing interface; zero
// values leave the choice to the kernel.
type PktInfo struct {
	IfIndex int
	Local   netip.Addr // IPv4 only: ipi_spec_dst
	Addr    netip.Addr // ipi_addr or ipi6_addr
}

// Timestamps is the payload of SCM_TIMESTAMPING: a software timestamp, a
// slot the kernel no longer fills, and a raw hardware timestamp. Timestamps
// the kernel did not take are the zero time.Time.
type Timestamps struct {
	Software time.Time
	Legacy   time.Time
	Hardware time.Time
}

// CmsgError reports a malformed control message, or one whose payload does
// not suit the getter used. It wraps syscall.EINVAL.
type CmsgError struct {
	Level, Type int
	Msg         string
}

func (e *CmsgError) Error() string {
	return fmt.Sprintf("control: control message (level %d, type %d): %s", e.Level, e.Type, e.Msg)
}

// Unwrap returns syscall.EINVAL.
func (e *CmsgError) Unwrap() error { return syscall.EINVAL }

// A Decoder walks the control messages of a received message, in the style
// of a bufio.Scanner:
//
//	d := control.NewDecoder(oob[:oobn])
//	for d.Next() {
//		if d.Level() == unix.SOL_SOCKET && d.Type() == unix.SCM_RIGHTS {
//			fds = append(fds, d.Rights()...)
//		}
//	}
//	if err := d.Err(); err != nil { ... }
//
// The typed getters decode the current message; calling one that does not
// match the message's level and type, or whose payload is too short, records
// an error in Err and returns a zero value. After the first error Next
// returns false. A Decoder does not allocate except where a getter returns a
// slice.
type Decoder struct {
	rest  []byte
	level int
	typ   int
	data  []byte
	err   error
}

// NewDecoder returns a Decoder for the control messages in b.
func NewDecoder(b []byte) *Decoder {
	d := new(Decoder)
	d.Reset(b)
	return d
}

// Reset makes d decode b from the start, clearing any error.
func (d *Decoder) Reset(b []byte) { *d = Decoder{rest: b, level: -1, typ: -1} }

// Next moves to the next control message and reports whether there is one.
// Trailing bytes too short to hold a message header are ignored, as the
// kernel's CMSG_NXTHDR does.
func (d *Decoder) Next() bool {
	if d.err != nil || len(d.rest) < CmsgLen(0) {
		d.level, d.typ, d.data = -1, -1, nil
		return false
	}
	level, typ, data, rest, err := parseOne(d.rest)
	if err != nil {
		d.err = err
		d.level, d.typ, d.data = -1, -1, nil
		return false
	}
	d.level, d.typ, d.data, d.rest = level, typ, data, rest
	return true
}

// Level returns the current message's cmsg_level (SOL_SOCKET, SOL_IP...).
func (d *Decoder) Level() int { return d.level }

// Type returns the current message's cmsg_type (SCM_RIGHTS, IP_PKTINFO...).
func (d *Decoder) Type() int { return d.typ }

// Data returns the current message's payload. It aliases the decoded bytes.
func (d *Decoder) Data() []byte { return d.data }

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

func (d *Decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// Rights decodes an SCM_RIGHTS message into the file descriptors it
// carries. The caller owns them and must close them. A truncated trailing
// descriptor (MSG_CTRUNC) is dropped.
func (d *Decoder) Rights() []int {
	fds, err := decodeRights(d.level, d.typ, d.data)
	d.fail(err)
	return fds
}

// Credentials decodes an SCM_CREDENTIALS message (sent when SO_PASSCRED is
// on).
func (d *Decoder) Credentials() Credentials {
	c, err := decodeCredentials(d.level, d.typ, d.data)
	d.fail(err)
	return c
}

// Timestamp decodes an SO_TIMESTAMP or SO_TIMESTAMPNS message, in either
// the old (native time_t) or the new (64-bit, *_NEW) layout.
func (d *Decoder) Timestamp() time.Time {
	t, err := decodeTimestamp(d.level, d.typ, d.data)
	d.fail(err)
	return t
}

// Timestamping decodes an SO_TIMESTAMPING message, old or new layout.
func (d *Decoder) Timestamping() Timestamps {
	ts, err := decodeTimestamping(d.level, d.typ, d.data)
	d.fail(err)
	return ts
}

// PktInfo decodes an IP_PKTINFO or IPV6_PKTINFO message.
func (d *Decoder) PktInfo() PktInfo {
	p, err := decodePktInfo(d.level, d.typ, d.data)
	d.fail(err)
	return p
}

// Int decodes a message carrying one integer, such as IP_TTL, IP_TOS (one
// byte), IPV6_HOPLIMIT or IPV6_TCLASS.
func (d *Decoder) Int() int {
	switch len(d.data) {
	case 1:
		return int(d.data[0])
	case 4:
		return int(int32(nativeUint32(d.data)))
	}
	d.fail(&CmsgError{Level: d.level, Type: d.typ, Msg: fmt.Sprintf("payload of %d bytes is not an integer", len(d.data))})
	return 0
}

// An Encoder builds control messages for sendmsg. Each method appends one
// message; the first error is kept and reported by Encode, so calls can be
// chained without checks:
//
//	var e control.Encoder
//	e.Rights(fd)
//	e.Credentials(control.Credentials{PID: os.Getpid(), UID: uid, GID: gid})
//	oob, err := e.Encode()
//
// The zero Encoder is ready to use; Reset reuses a buffer.
type Encoder struct {
	b   []byte
	err error
}

// Reset empties e and makes it append to buf[:0], clearing any error.
func (e *Encoder) Reset(buf []byte) { *e = Encoder{b: buf[:0]} }

func (e *Encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// Raw appends a message with the given level, type and payload.
func (e *Encoder) Raw(level, typ int, data []byte) {
	if e.err != nil {
		return
	}
	var err error
	e.b, err = appendCmsg(e.b, level, typ, data)
	e.fail(err)
}

// Rights appends an SCM_RIGHTS message passing fds. The descriptors must
// stay open until the message is sent.
func (e *Encoder) Rights(fds ...int) {
	if e.err != nil {
		return
	}
	if len(fds) == 0 {
		e.fail(&CmsgError{Level: sysSOL_SOCKET, Type: sysSCM_RIGHTS, Msg: "no file descriptors"})
		return
	}
	for _, fd := range fds {
		if fd < 0 || int64(fd) > 1<<31-1 {
			e.fail(&CmsgError{Level: sysSOL_SOCKET, Type: sysSCM_RIGHTS, Msg: fmt.Sprintf("invalid file descriptor %d", fd)})
			return
		}
	}
	var err error
	e.b, err = appendRights(e.b, fds)
	e.fail(err)
}

// Credentials appends an SCM_CREDENTIALS message.
func (e *Encoder) Credentials(c Credentials) {
	if e.err != nil {
		return
	}
	if c.PID < 0 || int64(c.PID) > 1<<31-1 {
		e.fail(&CmsgError{Level: sysSOL_SOCKET, Type: sysSCM_CREDENTIALS, Msg: fmt.Sprintf("invalid PID %d", c.PID)})
		return
	}
	var err error
	e.b, err = appendCredentials(e.b, c)
	e.fail(err)
}

// PktInfo appends an IP_PKTINFO message when p.Addr or p.Local is IPv4 and
// an IPV6_PKTINFO message when p.Addr is IPv6. With neither set it appends
// IP_PKTINFO carrying only the interface index.
func (e *Encoder) PktInfo(p PktInfo) {
	if e.err != nil {
		return
	}
	var err error
	e.b, err = appendPktInfo(e.b, p)
	e.fail(err)
}

// Timestamp appends an SCM_TIMESTAMP message (native struct timeval, t
// rounded to the nearest microsecond). The
// kernel never accepts one from user space; this exists for tests and for
// programs that forward received metadata.
func (e *Encoder) Timestamp(t time.Time) {
	if e.err != nil {
		return
	}
	var err error
	e.b, err = appendTimestamp(e.b, t, false)
	e.fail(err)
}

// TimestampNS appends an SCM_TIMESTAMPNS message (native struct timespec),
// for the same uses as Timestamp.
func (e *Encoder) TimestampNS(t time.Time) {
	if e.err != nil {
		return
	}
	var err error
	e.b, err = appendTimestamp(e.b, t, true)
	e.fail(err)
}

// Timestamping appends an SCM_TIMESTAMPING message (three native struct
// timespec), for the same uses as Timestamp.
func (e *Encoder) Timestamping(ts Timestamps) {
	if e.err != nil {
		return
	}
	var err error
	e.b, err = appendTimestamping(e.b, ts)
	e.fail(err)
}

// Encode returns the encoded messages, or the first error met.
func (e *Encoder) Encode() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	return e.b, nil
}
