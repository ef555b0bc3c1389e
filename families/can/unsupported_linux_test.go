package can_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/can"
	"github.com/anysock/anysock/internal/testenv"
)

// TestUnsupportedNamesModules runs where the kernel lacks AF_CAN (the
// development machines): every constructor's error matches
// anysock.ErrFamilyNotSupported and names the module to load.
func TestUnsupportedNamesModules(t *testing.T) {
	if c, err := can.Dial(testCtx(t), "vcan0", nil); err == nil || !testenv.IsUnsupported(err) && !errors.Is(err, anysock.ErrFamilyNotSupported) {
		if c != nil {
			c.Close()
		}
		t.Skip("the kernel has AF_CAN")
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
