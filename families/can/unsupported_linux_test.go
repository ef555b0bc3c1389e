package can_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
	"golang.org/x/sys/unix"
)

// TestUnsupportedNamesModules: where the kernel lacks AF_CAN (the
// development machines) every constructor's error matches
// anysock.ErrFamilyNotSupported and names the module to load; where it has
// AF_CAN (the VM) a CAN protocol it lacks is reported the same way.
func TestUnsupportedNamesModules(t *testing.T) {
	if c, err := can.Dial(testCtx(t), "vcan0", nil); err == nil || !testenv.IsUnsupported(err) && !errors.Is(err, anysock.ErrFamilyNotSupported) {
		if c != nil {
			c.Close()
		}
		// The kernel has AF_CAN (as in the VM): a protocol it lacks must
		// still give an error naming the module. CAN_MCNET (5) has a
		// number but no implementation in Linux.
		p := can.RawProto()
		p.Network, p.Protocol, p.Modules = "can-mcnet", 5, []string{"can", "can_mcnet"}
		_, err := p.ListenPacket(testCtx(t), nil, nil)
		if !errors.Is(err, anysock.ErrFamilyNotSupported) || !errors.Is(err, unix.EPROTONOSUPPORT) || !strings.Contains(err.Error(), "can_mcnet") {
			t.Fatalf("CAN protocol 5 on a kernel with AF_CAN: %v; want ErrFamilyNotSupported wrapping EPROTONOSUPPORT naming can_mcnet", err)
		}
		t.Logf("kernel has AF_CAN; missing protocol reported as: %v", err)
		return
	}
	ctx := testCtx(t)
	_, rawErr := can.Dial(ctx, "vcan0", nil)
	_, pktErr := can.ListenPacket(ctx, "any", nil)
	_, bcmErr := can.DialBCM(ctx, "vcan0", nil)
	_, tpErr := can.DialISOTP(ctx, &can.ISOTPAddr{Interface: "vcan0", TxID: 1, RxID: 2}, nil)
	_, jErr := can.ListenJ1939(ctx, can.NewJ1939Addr("vcan0"), nil)
	for _, tc := range []struct {
		err    error
		module string
	}{{rawErr, "can_raw"}, {pktErr, "can_raw"}, {bcmErr, "can_bcm"}, {tpErr, "can_isotp"}, {jErr, "can_j1939"}} {
		if !errors.Is(tc.err, anysock.ErrFamilyNotSupported) || !strings.Contains(tc.err.Error(), tc.module) {
			t.Errorf("error %v: want ErrFamilyNotSupported naming %s", tc.err, tc.module)
		}
	}
	t.Logf("for example: %v", bcmErr)
}
