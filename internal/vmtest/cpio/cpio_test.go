package cpio_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anysock/anysock/internal/leakcheck"
	"github.com/anysock/anysock/internal/vmtest/cpio"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// TestLayout checks the exact bytes of a one-file archive against the newc
// layout: 110-byte header, name padded to 4, data padded to 4, trailer.
func TestLayout(t *testing.T) {
	var buf bytes.Buffer
	w := cpio.NewWriter(&buf)
	if err := w.File("/ab", 0o755, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if len(b)%4 != 0 {
		t.Fatalf("archive length %d is not a multiple of 4", len(b))
	}
	hdr := string(b[:110])
	if !strings.HasPrefix(hdr, "070701") {
		t.Fatalf("bad magic in %q", hdr)
	}
	field := func(h string, i int) string { return h[6+8*i : 6+8*i+8] }
	if got := field(hdr, 1); got != "000081ed" {
		t.Errorf("mode = %s, want 000081ed", got)
	}
	if got := field(hdr, 6); got != "00000005" {
		t.Errorf("filesize = %s, want 00000005", got)
	}
	if got := field(hdr, 11); got != "00000003" {
		t.Errorf("namesize = %s, want 00000003 (\"ab\" + NUL)", got)
	}
	// 110 + 3 = 113, padded to 116; data 5 bytes padded to 8.
	if got := string(b[110:113]); got != "ab\x00" {
		t.Errorf("name = %q", got)
	}
	if got := string(b[116:121]); got != "hello" {
		t.Errorf("data = %q", got)
	}
	tr := string(b[124 : 124+110])
	if field(tr, 11) != fmt.Sprintf("%08x", len("TRAILER!!!")+1) {
		t.Errorf("trailer header %q", tr)
	}
	if got := string(b[234 : 234+10]); got != "TRAILER!!!" {
		t.Errorf("trailer name = %q", got)
	}
}

// TestExtract unpacks an archive with an independent reader (bsdtar or
// GNU cpio) when one is installed.
func TestExtract(t *testing.T) {
	var tool []string
	if p, err := exec.LookPath("cpio"); err == nil {
		tool = []string{p, "-idm", "--quiet"}
	} else if p, err := exec.LookPath("bsdtar"); err == nil {
		tool = []string{p, "-xf", "-"}
	} else {
		t.Skip("neither cpio nor bsdtar is installed to cross-check the archive")
	}
	var buf bytes.Buffer
	w := cpio.NewWriter(&buf)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Dir("d", 0o755))
	must(w.File("d/f", 0o644, []byte("content\n")))
	must(w.File("d/empty", 0o600, nil))
	must(w.Symlink("d/l", "f"))
	must(w.Close())
	dir := t.TempDir()
	cmd := exec.Command(tool[0], tool[1:]...)
	cmd.Dir = dir
	cmd.Stdin = &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", tool, err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "d", "l")); err != nil || string(b) != "content\n" {
		t.Errorf("d/l -> %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "d", "empty")); err != nil || fi.Size() != 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("d/empty: %v %v", fi, err)
	}
}

func TestInvalidName(t *testing.T) {
	w := cpio.NewWriter(&bytes.Buffer{})
	if err := w.File("/", 0o644, nil); err == nil {
		t.Error("empty name accepted")
	}
	if err := w.File("a\x00b", 0o644, nil); err == nil {
		t.Error("name with NUL accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.File("late", 0o644, nil); err == nil {
		t.Error("write after Close accepted")
	}
}

func ExampleWriter() {
	var buf bytes.Buffer
	w := cpio.NewWriter(&buf)
	_ = w.Dir("dev", 0o755)
	_ = w.CharDev("dev/console", 0o600, 5, 1)
	_ = w.File("init", 0o755, []byte("#!/bin/sh\n"))
	_ = w.Close()
	fmt.Println(buf.Len()%4 == 0, bytes.HasPrefix(buf.Bytes(), []byte("070701")))
	// Output: true true
}
