package control

import (
	"encoding/binary"
	"fmt"
	"syscall"
)

// CANFilter is one entry of CAN_RAW_FILTER, laid out as the kernel's
// struct can_filter: a frame matches when
// received_id & Mask == ID & Mask. Setting CANInvFilter in ID inverts the
// match.
type CANFilter struct {
	ID   uint32
	Mask uint32
}

// SizeofCANFilter is the size of struct can_filter.
const SizeofCANFilter = 8

// CANInvFilter (CAN_INV_FILTER) in CANFilter.ID inverts the filter.
const CANInvFilter = 0x20000000

// EncodeCANFilters appends fs to dst in the kernel's layout (native byte
// order) and returns the extended slice.
func EncodeCANFilters(dst []byte, fs []CANFilter) []byte {
	for _, f := range fs {
		dst = binary.NativeEndian.AppendUint32(dst, f.ID)
		dst = binary.NativeEndian.AppendUint32(dst, f.Mask)
	}
	return dst
}

// DecodeCANFilters decodes a CAN_RAW_FILTER value. b must hold a whole
// number of filters.
func DecodeCANFilters(b []byte) ([]CANFilter, error) {
	if len(b)%SizeofCANFilter != 0 {
		return nil, fmt.Errorf("control: CAN filter list of %d bytes is not a multiple of %d: %w", len(b), SizeofCANFilter, syscall.EINVAL)
	}
	fs := make([]CANFilter, 0, len(b)/SizeofCANFilter)
	for ; len(b) >= SizeofCANFilter; b = b[SizeofCANFilter:] {
		fs = append(fs, CANFilter{
			ID:   binary.NativeEndian.Uint32(b),
			Mask: binary.NativeEndian.Uint32(b[4:]),
		})
	}
	return fs, nil
}

// DecodeNetlinkGroups decodes a NETLINK_LIST_MEMBERSHIPS value: a bitmap of
// 32-bit words in native byte order where bit n (counting from the least
// significant bit of the first word) stands for group n+1. Trailing bytes
// that do not make a whole word are ignored.
func DecodeNetlinkGroups(b []byte) []uint32 {
	var gs []uint32
	for w := 0; len(b) >= 4; w, b = w+1, b[4:] {
		word := binary.NativeEndian.Uint32(b)
		for bit := 0; bit < 32; bit++ {
			if word&(1<<bit) != 0 {
				gs = append(gs, uint32(w*32+bit+1))
			}
		}
	}
	return gs
}

func nativeUint32(b []byte) uint32 { return binary.NativeEndian.Uint32(b) }
