package can

import "strings"

// ErrorClass is a set of CAN error classes: the bits of an error frame's
// identifier (CAN_ERR_* of <linux/can/error.h>) and the mask given to
// RawConn.SetErrorMask and RawConfig.ErrorMask to choose which error frames
// a socket receives.
type ErrorClass uint32

// Error classes.
const (
	ErrTxTimeout  ErrorClass = 0x001 // TX timeout (by netdevice driver)
	ErrLostArb    ErrorClass = 0x002 // lost arbitration; data[0] holds the bit
	ErrController ErrorClass = 0x004 // controller problems; data[1]
	ErrProtocol   ErrorClass = 0x008 // protocol violations; data[2], data[3]
	ErrTrx        ErrorClass = 0x010 // transceiver status; data[4]
	ErrAck        ErrorClass = 0x020 // no acknowledgement on transmission
	ErrBusOff     ErrorClass = 0x040 // bus off
	ErrBusError   ErrorClass = 0x080 // bus error (may flood)
	ErrRestarted  ErrorClass = 0x100 // controller restarted
	ErrCounters   ErrorClass = 0x200 // TX and RX error counters in data[6], data[7]

	// ErrAll selects every error class.
	ErrAll ErrorClass = errMask
)

var errorClassNames = [...]string{"tx-timeout", "lost-arbitration", "controller", "protocol",
	"transceiver", "no-ack", "bus-off", "bus-error", "restarted", "counters"}

// String returns the set classes joined by "|".
func (c ErrorClass) String() string {
	if c == 0 {
		return "0"
	}
	if c == ErrAll {
		return "all"
	}
	var parts []string
	for i, n := range errorClassNames {
		if c&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if rest := c &^ (1<<len(errorClassNames) - 1); rest != 0 {
		parts = append(parts, "0x"+string(appendHexN(nil, uint32(rest), 8)))
	}
	return strings.Join(parts, "|")
}

// ErrorInfo is the content of an error frame, decoded from its identifier
// and data bytes following <linux/can/error.h>.
type ErrorInfo struct {
	// Class is the set of error classes reported.
	Class ErrorClass
	// LostArbitrationBit is the bit in which arbitration was lost (0 if
	// unknown); with ErrLostArb.
	LostArbitrationBit uint8
	// Controller holds CAN_ERR_CRTL_* bits (RX/TX overflow, warning,
	// passive, active); with ErrController.
	Controller uint8
	// ProtocolType holds CAN_ERR_PROT_* bits (bit, form, stuff, bit0,
	// bit1, overload, active, tx); with ErrProtocol.
	ProtocolType uint8
	// ProtocolLocation is a CAN_ERR_PROT_LOC_* value; with ErrProtocol.
	ProtocolLocation uint8
	// Transceiver is a CAN_ERR_TRX_* value; with ErrTrx.
	Transceiver uint8
	// TxErrors and RxErrors are the error counters; with ErrCounters.
	TxErrors, RxErrors uint8
}

// ErrorInfo decodes f as an error frame; ok is false if f does not carry
// the ErrorFrame flag.
func (f *Frame) ErrorInfo() (info ErrorInfo, ok bool) {
	if f.Flags&ErrorFrame == 0 {
		return ErrorInfo{}, false
	}
	d := &f.Data
	return ErrorInfo{
		Class:              ErrorClass(f.ID),
		LostArbitrationBit: d[0],
		Controller:         d[1],
		ProtocolType:       d[2],
		ProtocolLocation:   d[3],
		Transceiver:        d[4],
		TxErrors:           d[6],
		RxErrors:           d[7],
	}, true
}
