package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/anysock/anysock/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, fmt.Sprintf("@anysock-httpunix-%d", os.Getpid())); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "hello from /anysock over unix\n"; got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
}
