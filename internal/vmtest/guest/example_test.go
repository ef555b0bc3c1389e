package guest_test

import (
	"os"

	"github.com/anysock/anysock/internal/vmtest/guest"
)

// A static binary becomes the guest's /init by calling Main when it runs
// as process 1 (internal/vmtest/cmd/vmrun does this).
func ExampleMain() {
	if os.Getpid() == 1 {
		guest.Main() // never returns: resets the guest
	}
}
