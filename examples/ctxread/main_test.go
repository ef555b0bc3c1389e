package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/anysock/anysock/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	want := "first read: deadline exceeded = true\nsecond read: still usable\n"
	if out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
}
