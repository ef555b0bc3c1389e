package control_test

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/anysock/anysock/control"
	"github.com/anysock/anysock/internal/testenv"
)

// TestCmsgLenCPython compares CmsgLen and CmsgSpace with CPython's
// socket.CMSG_LEN and socket.CMSG_SPACE (the C macros) in one run.
func TestCmsgLenCPython(t *testing.T) {
	py := testenv.LookPeer(t, "python3")
	const script = `import json, socket
sizes = list(range(0, 130)) + [255, 256, 1000, 4096, 65535]
print(json.dumps([[n, socket.CMSG_LEN(n), socket.CMSG_SPACE(n)] for n in sizes]))`
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][3]int
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if got := control.CmsgLen(r[0]); got != r[1] {
			t.Errorf("CmsgLen(%d) = %d, CPython CMSG_LEN %d", r[0], got, r[1])
		}
		if got := control.CmsgSpace(r[0]); got != r[2] {
			t.Errorf("CmsgSpace(%d) = %d, CPython CMSG_SPACE %d", r[0], got, r[2])
		}
	}
	if len(rows) < 100 {
		t.Fatalf("only %d rows", len(rows))
	}
}
