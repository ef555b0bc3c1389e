package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anysock/anysock/internal/leakcheck"
	"github.com/anysock/anysock/internal/vmtest/kmod"
	"github.com/anysock/anysock/internal/vmtest/proto"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		r    Result
		want int
	}{
		{Result{Outcome: Passed}, 0},
		{Result{Outcome: TestsFailed, Status: proto.Status{Exit: 2}}, 2},
		{Result{Outcome: HarnessFailed}, proto.ExitHarness},
		{Result{Outcome: Panicked}, proto.ExitPanic},
		{Result{Outcome: TimedOut}, proto.ExitTimeout},
	} {
		if got := tc.r.ExitCode(); got != tc.want {
			t.Errorf("%v: ExitCode() = %d, want %d", tc.r.Outcome, got, tc.want)
		}
	}
}

func TestReport(t *testing.T) {
	var b bytes.Buffer
	r := &Result{Outcome: Panicked, Err: errors.New("the guest kernel panicked"), Console: []string{"one", "Kernel panic - not syncing: x"}}
	r.Report(&b)
	want := "vmtest: guest panicked: the guest kernel panicked\nvmtest: last 2 lines of the guest console:\nvmtest: | one\nvmtest: | Kernel panic - not syncing: x\n"
	if b.String() != want {
		t.Errorf("Report:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	(&Result{Outcome: TestsFailed}).Report(&b)
	if b.Len() != 0 {
		t.Errorf("a test failure is reported by the tests, not the harness: %q", b.String())
	}
}

func TestLineTail(t *testing.T) {
	var echo bytes.Buffer
	lt := &lineTail{max: 3, echo: &echo}
	in := "a\r\nb\n[ 1.0] alg: ecdh-nist-p256: test failed on vector 2, err=-14\nc\nd"
	lt.consume(strings.NewReader(in))
	if got := strings.Join(lt.lines(), "|"); got != "[ 1.0] alg: ecdh-nist-p256: test failed on vector 2, err=-14|c|d" {
		t.Errorf("lines = %q", got)
	}
	if lt.panicked() {
		t.Error("panic seen in a console without one")
	}
	if echo.String() != in {
		t.Errorf("echo = %q", echo.String())
	}
	lt.consume(strings.NewReader("[ 2.0] Kernel panic - not syncing: sysrq triggered crash\nx\ny\nz\nw\n"))
	if !lt.panicked() {
		t.Error("panic not seen")
	}
	// The panic message stays in view after it scrolls out.
	if got := strings.Join(lt.lines(), "|"); got != "[ 2.0] Kernel panic - not syncing: sysrq triggered crash|...|y|z|w" {
		t.Errorf("lines after a panic = %q", got)
	}
}

func TestCheckStatic(t *testing.T) {
	// /bin/sh is dynamically linked on every Debian system.
	if err := checkStatic("/bin/sh"); err == nil || !strings.Contains(err.Error(), "CGO_ENABLED=0") {
		t.Errorf("checkStatic(/bin/sh) = %v, want a dynamic-linking error", err)
	}
	if err := checkStatic("/nonexistent"); err == nil {
		t.Error("checkStatic of a missing file succeeded")
	}
}

func TestCacheDir(t *testing.T) {
	t.Setenv(CacheEnv, "")
	dir := t.TempDir()
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := CacheDir(sub)
	if err != nil || got != filepath.Join(dir, ".cache", "vmtest") {
		t.Errorf("CacheDir = %q, %v", got, err)
	}
	t.Setenv(CacheEnv, "/some/where")
	if got, _ := CacheDir(sub); got != "/some/where" {
		t.Errorf("CacheDir with %s = %q", CacheEnv, got)
	}
	if _, _, err := FindKernel(dir); err == nil || !strings.Contains(err.Error(), "make deps") {
		t.Errorf("FindKernel in an empty cache: %v", err)
	}
}

func TestRunWithoutQEMU(t *testing.T) {
	res := Run(t.Context(), Config{QEMU: "/nonexistent/qemu"}, proto.Job{})
	if res.Outcome != HarnessFailed || res.ExitCode() != proto.ExitHarness || !strings.Contains(res.Err.Error(), "qemu-system-x86") {
		t.Errorf("Run without QEMU: %v, %v", res.Outcome, res.Err)
	}
}

func TestWritableDirs(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	got := WritableDirs(
		[]string{"-test.gocoverdir=" + a, "-test.coverprofile=" + filepath.Join(b, "c.out"), "-test.v",
			"-test.cpuprofile=rel.out", "-test.outputdir=" + a, "-test.trace=/nonexistent/dir/t.out"},
		[]string{"HOME=/root", "GOCOVERDIR=" + c})
	want := []string{a, b, c}
	if !slices.Equal(got, want) {
		t.Errorf("WritableDirs = %q, want %q", got, want)
	}
}

// TestCancel runs a fake QEMU that never exits on its own: cancelling the
// context must kill it and report a harness failure (not a timeout).
func TestCancel(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "qemu")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	modDir := filepath.Join(dir, "6.1.0-test")
	if err := os.MkdirAll(modDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// An index with the initramfs modules, and a static "init": any
	// static binary will do for writing the initramfs.
	ix := map[string]any{"release": "6.1.0-test", "modules": map[string]any{}, "builtin": map[string]bool{}}
	for _, m := range initramfsModules {
		ix["modules"].(map[string]any)[m] = map[string]string{"name": m, "path": m + ".ko"}
		if err := os.WriteFile(filepath.Join(modDir, m+".ko"), []byte("ko"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := json.Marshal(ix)
	if err := os.WriteFile(filepath.Join(modDir, kmod.IndexFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	init := staticBinary(t)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	res := Run(ctx, Config{QEMU: fake, Init: init, ModuleDir: modDir, Kernel: "/dev/null", Timeout: time.Minute}, proto.Job{Argv: []string{"/bin/true"}})
	if res.Outcome != HarnessFailed || !errors.Is(res.Err, context.Canceled) {
		t.Errorf("outcome %v, %v; want a harness failure for the cancellation", res.Outcome, res.Err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run took %v after cancel", d)
	}
}

// staticBinary returns a statically linked ELF file: glibc's ldconfig
// is one on Debian, and so is the test binary when built without cgo.
func staticBinary(t *testing.T) string {
	self, _ := os.Executable()
	for _, p := range []string{"/sbin/ldconfig", "/usr/sbin/ldconfig", self} {
		if p != "" && checkStatic(p) == nil {
			return p
		}
	}
	t.Skip("no statically linked ELF file at hand")
	return ""
}
