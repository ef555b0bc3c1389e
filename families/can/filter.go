package can

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Flag bits of the kernel's can_id, used in Filter values and in ISO-TP
// identifiers.
const (
	// EFFFlag (CAN_EFF_FLAG) marks a 29-bit identifier. In a Filter's Mask
	// it makes the frame format match the one in ID.
	EFFFlag uint32 = effFlag
	// RTRFlag (CAN_RTR_FLAG) marks a remote request. In a Filter's Mask it
	// makes remote requests match ID (set: requests only; clear: data
	// frames only).
	RTRFlag uint32 = rtrFlag
)

// MaxFilters is the most filters one socket takes (CAN_RAW_FILTER_MAX).
const MaxFilters = rawFilterMax

// A Filter selects received frames on a CAN_RAW socket (CAN_RAW_FILTER). A
// frame whose can_id is rid passes when rid&Mask == ID&Mask, or, with
// Invert, when it does not. A socket with several filters receives a frame
// that passes any of them (or all of them with RawConfig.JoinFilters).
//
// ID and Mask are the kernel's can_id and can_mask: an identifier plus the
// EFFFlag and RTRFlag bits. Bit 29 (0x20000000) is the kernel's
// CAN_INV_FILTER and may not be set; use Invert. Error frames are selected
// with error masks (RawConfig.ErrorMask), not filters.
type Filter struct {
	// ID is the can_id to compare with, flag bits included.
	ID uint32
	// Mask selects the bits of ID that must match.
	Mask uint32
	// Invert passes the frames that do not match (CAN_INV_FILTER).
	Invert bool
}

// MatchID returns a filter passing the data frames with identifier id in
// the given format (standard or extended) and nothing else.
func MatchID(id uint32, extended bool) Filter {
	if extended {
		return Filter{ID: id&effMask | effFlag, Mask: effMask | effFlag | rtrFlag}
	}
	return Filter{ID: id & sffMask, Mask: sffMask | effFlag | rtrFlag}
}

// Match reports whether a frame with identifier id and flags fl passes f
// (as the kernel decides for one filter).
func (f Filter) Match(id uint32, fl Flags) bool {
	raw, err := canID("match", id, fl&^ErrorFrame)
	if err != nil {
		return false
	}
	m := raw&f.Mask == f.ID&f.Mask
	return m != f.Invert
}

// String returns "ID:MASK", or "ID~MASK" for an inverted filter, in
// hexadecimal (flag bits included). ParseFilter accepts the same text.
func (f Filter) String() string {
	sep := ":"
	if f.Invert {
		sep = "~"
	}
	return fmt.Sprintf("%03X%s%03X", f.ID, sep, f.Mask)
}

// ParseFilter parses "ID:MASK" or "ID~MASK" (inverted), both hexadecimal
// can_id and can_mask values with flag bits (0x80000000 extended, 0x40000000
// remote request), as Filter.String prints. Unlike candump, an 8-digit ID
// does not imply the extended flag: write it (e.g. 80000123:9FFFFFFF).
func ParseFilter(s string) (Filter, error) {
	var f Filter
	i := strings.IndexAny(s, ":~")
	if i < 0 {
		return f, fmt.Errorf("can: filter %q: want ID:MASK or ID~MASK in hexadecimal, e.g. 123:7FF", s)
	}
	f.Invert = s[i] == '~'
	id, err1 := strconv.ParseUint(s[:i], 16, 32)
	mask, err2 := strconv.ParseUint(s[i+1:], 16, 32)
	if err1 != nil || err2 != nil {
		return Filter{}, fmt.Errorf("can: filter %q: ID and MASK must be hexadecimal 32-bit values, e.g. 123:7FF", s)
	}
	f.ID, f.Mask = uint32(id), uint32(mask)
	if err := f.check(); err != nil {
		return Filter{}, err
	}
	return f, nil
}

func (f Filter) check() error {
	if f.ID&invFilt != 0 {
		return fmt.Errorf("can: filter %s: bit 29 (0x20000000) of ID is CAN_INV_FILTER; use Filter.Invert", f)
	}
	return nil
}

// AppendFilters appends the CAN_RAW_FILTER option value for fs (an array of
// struct can_filter) to b.
func AppendFilters(b []byte, fs []Filter) ([]byte, error) {
	if len(fs) > MaxFilters {
		return b, fmt.Errorf("can: %d filters; a socket takes at most %d", len(fs), MaxFilters)
	}
	for _, f := range fs {
		if err := f.check(); err != nil {
			return b, err
		}
		id := f.ID
		if f.Invert {
			id |= invFilt
		}
		b = binary.NativeEndian.AppendUint32(b, id)
		b = binary.NativeEndian.AppendUint32(b, f.Mask)
	}
	return b, nil
}

// DecodeFilters decodes a CAN_RAW_FILTER option value, as getsockopt
// returns it.
func DecodeFilters(b []byte) ([]Filter, error) {
	if len(b)%sizeofCANFilter != 0 {
		return nil, fmt.Errorf("can: filter list of %d bytes is not a multiple of %d", len(b), sizeofCANFilter)
	}
	if len(b)/sizeofCANFilter > MaxFilters {
		return nil, fmt.Errorf("can: %d filters exceed the kernel's maximum of %d", len(b)/sizeofCANFilter, MaxFilters)
	}
	fs := make([]Filter, 0, len(b)/sizeofCANFilter)
	for ; len(b) >= sizeofCANFilter; b = b[sizeofCANFilter:] {
		id := binary.NativeEndian.Uint32(b)
		fs = append(fs, Filter{ID: id &^ invFilt, Mask: binary.NativeEndian.Uint32(b[4:]), Invert: id&invFilt != 0})
	}
	return fs, nil
}
