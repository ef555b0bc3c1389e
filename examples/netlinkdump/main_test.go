//go:build linux

package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/anysock/anysock/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The dump lists the same interfaces as the standard library.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) != len(ifs) {
		t.Fatalf("dump listed %d interfaces, net.Interfaces %d:\n%s", len(got), len(ifs), out.String())
	}
	for _, ifi := range ifs {
		if !strings.Contains(out.String(), ": "+ifi.Name+"\n") {
			t.Errorf("interface %s missing from\n%s", ifi.Name, out.String())
		}
	}
}
