package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/anysock/anysock/internal/leakcheck"
	"github.com/anysock/anysock/internal/testenv"
	"github.com/anysock/anysock/internal/vmtest"
	"github.com/anysock/anysock/internal/vmtest/proto"
	"github.com/anysock/anysock/internal/vmtest/runner"
)

// payloadEnv selects what this test binary does when the harness tests run
// it inside the guest.
const payloadEnv = "VMRUN_TEST_PAYLOAD"

// harnessEnv enables the tests that boot guests.
const harnessEnv = "ANYSOCK_VMTEST_HARNESS"

func TestMain(m *testing.M) {
	if p := os.Getenv(payloadEnv); p != "" {
		os.Exit(payload(p))
	}
	before := leakcheck.OpenFDs()
	code := m.Run()
	if vmrunDir != "" {
		os.RemoveAll(vmrunDir)
	}
	if code == 0 {
		if err := leakcheck.Check(before); err != nil {
			fmt.Fprintln(os.Stderr, "leakcheck:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// payload runs in the guest.
func payload(kind string) int {
	switch kind {
	case "pass":
		wd, _ := os.Getwd()
		fmt.Printf("ANYSOCK_VMTEST=%s ANYSOCK_REQUIRE_PEERS=%s InGuest=%v\n",
			os.Getenv("ANYSOCK_VMTEST"), os.Getenv("ANYSOCK_REQUIRE_PEERS"), vmtest.InGuest())
		fmt.Printf("wd=%s\n", wd)
		fmt.Fprintln(os.Stderr, "stderr line")
		return 0
	case "fail":
		fmt.Println("FAIL-MARKER: a test failed")
		return 1
	case "orphan":
		// A child left running with our output: the guest must not wait
		// for it.
		cmd := exec.Command("sleep", "1000")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			fmt.Println(err)
			return 3
		}
		fmt.Println("left a child behind")
		return 0
	case "setup":
		vmtest.MustSetup(vmtest.Modules("no_such_module_anywhere"))
		return 0
	case "panic":
		fmt.Println("crashing the kernel")
		if err := os.WriteFile("/proc/sysrq-trigger", []byte("c"), 0); err != nil {
			fmt.Println("sysrq:", err)
			return 3
		}
		time.Sleep(time.Minute)
		return 3
	case "hang":
		fmt.Println("hanging")
		time.Sleep(time.Hour)
		return 3
	}
	fmt.Println("unknown payload", kind)
	return 3
}

var (
	buildOnce sync.Once
	vmrunDir  string
	vmrunPath string
	buildErr  error
)

// vmrun builds this command statically (it is the guest's /init too) once.
func vmrun(t *testing.T) string {
	t.Helper()
	if vmtest.InGuest() {
		t.Skip("the harness tests boot guests from the host")
	}
	// Booting guests keeps both cores busy for a while: the tests run in
	// make test-vm's stage, not among the timing-sensitive host suites.
	if os.Getenv(harnessEnv) != "1" {
		t.Skipf("boots guests; make test-vm runs it (%s=1)", harnessEnv)
	}
	wd, _ := os.Getwd()
	cache, err := runner.CacheDir(wd)
	if err == nil {
		_, _, err = runner.FindKernel(cache)
	}
	if err != nil {
		if testenv.PeersRequired() {
			t.Fatalf("no guest kernel: %v", err)
		}
		t.Skipf("no guest kernel (make deps fetches it): %v", err)
	}
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		if testenv.PeersRequired() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	buildOnce.Do(func() {
		if vmrunDir, buildErr = os.MkdirTemp("", "vmrun-test-"); buildErr != nil {
			return
		}
		vmrunPath = filepath.Join(vmrunDir, "vmrun")
		cmd := exec.Command("go", "build", "-o", vmrunPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return vmrunPath
}

type outcome struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

// boot runs the payload kind in a guest with vmrun's flags.
func boot(t *testing.T, kind string, flags ...string) outcome {
	t.Helper()
	return bootArgs(t, kind, flags, "-test.run=^$")
}

// bootArgs runs this test binary in a guest with testArgs, as payload kind
// when kind is not empty.
func bootArgs(t *testing.T, kind string, flags []string, testArgs ...string) outcome {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-smp", "1", "-m", "512"}, flags...)
	args = append(append(args, self), testArgs...)
	cmd := exec.Command(vmrun(t), args...)
	cmd.Env = os.Environ()
	if kind != "" {
		cmd.Env = append(cmd.Env, payloadEnv+"="+kind)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		o.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	t.Logf("vmrun %s: exit %d after %v\nstdout:\n%s\nstderr:\n%s", kind, o.code, o.took.Round(time.Millisecond), o.stdout, o.stderr)
	return o
}

func TestPassed(t *testing.T) {
	t.Parallel()
	o := boot(t, "pass")
	wd, _ := os.Getwd()
	if o.code != 0 {
		t.Fatalf("exit %d, want 0", o.code)
	}
	for _, want := range []string{"ANYSOCK_VMTEST=1 ANYSOCK_REQUIRE_PEERS=1 InGuest=true", "wd=" + wd, "stderr line"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestOrphanHoldsOutput(t *testing.T) {
	t.Parallel()
	o := boot(t, "orphan", "-timeout", "60s")
	if o.code != 0 || !strings.Contains(o.stdout, "left a child behind") {
		t.Errorf("exit %d, want 0 and the program's output", o.code)
	}
}

func TestTestsFailed(t *testing.T) {
	t.Parallel()
	o := boot(t, "fail")
	if o.code != 1 {
		t.Errorf("exit %d, want the program's 1", o.code)
	}
	if !strings.Contains(o.stdout, "FAIL-MARKER") {
		t.Error("the program's output is missing")
	}
	if strings.Contains(o.stderr, "harness failed") {
		t.Error("a test failure was reported as a harness failure")
	}
}

func TestHarnessFailed(t *testing.T) {
	t.Parallel()
	t.Run("setup", func(t *testing.T) {
		t.Parallel()
		o := boot(t, "setup")
		if o.code != proto.ExitHarness {
			t.Errorf("exit %d, want %d", o.code, proto.ExitHarness)
		}
		if !strings.Contains(o.stdout, "no_such_module_anywhere is not in kernel") {
			t.Error("the set-up error is not shown")
		}
		if !strings.Contains(o.stderr, "vmtest: harness failed") {
			t.Error("not reported as a harness failure")
		}
	})
	t.Run("no-program", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(vmrun(t), "-smp", "1", "-m", "512", "/nonexistent/program.test")
		out, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != proto.ExitHarness {
			t.Fatalf("err = %v, want exit %d\n%s", err, proto.ExitHarness, out)
		}
		if !bytes.Contains(out, []byte("harness failed: in the guest: starting /nonexistent/program.test")) {
			t.Errorf("output does not explain the failure:\n%s", out)
		}
	})
}

func TestPanicked(t *testing.T) {
	t.Parallel()
	o := boot(t, "panic")
	if o.code != proto.ExitPanic {
		t.Errorf("exit %d, want %d", o.code, proto.ExitPanic)
	}
	if !strings.Contains(o.stderr, "vmtest: guest panicked") {
		t.Error("not reported as a panic")
	}
	if !strings.Contains(o.stderr, "| ") || !strings.Contains(o.stderr, "Kernel panic - not syncing") {
		t.Error("the last console lines are not printed")
	}
}

func TestTimedOut(t *testing.T) {
	t.Parallel()
	o := boot(t, "hang", "-timeout", "12s")
	if o.code != proto.ExitTimeout {
		t.Errorf("exit %d, want %d", o.code, proto.ExitTimeout)
	}
	if !strings.Contains(o.stderr, "vmtest: guest timed out") {
		t.Error("not reported as a timeout")
	}
	if o.took > 30*time.Second {
		t.Errorf("took %v; the guest was not killed after 12s", o.took)
	}
}

// TestUnsupportedProbe is run in the guest by TestSkipFailsInGuest.
func TestUnsupportedProbe(t *testing.T) {
	if !vmtest.InGuest() {
		t.Skip("probe for TestSkipFailsInGuest; runs in the guest only")
	}
	testenv.SkipUnsupported(t, "AF_PROBE (modprobe nothing)", syscall.EAFNOSUPPORT)
}

// TestSkipFailsInGuest checks that inside the guest a test that would skip
// for missing kernel support fails instead.
func TestSkipFailsInGuest(t *testing.T) {
	t.Parallel()
	o := bootArgs(t, "", nil, "-test.run=^TestUnsupportedProbe$", "-test.v")
	if o.code != 1 {
		t.Errorf("exit %d, want 1 (a test failure)", o.code)
	}
	if !strings.Contains(o.stdout, "--- FAIL: TestUnsupportedProbe") || !strings.Contains(o.stdout, "kernel lacks AF_PROBE (modprobe nothing) inside the VM") {
		t.Error("the skip did not become a failure")
	}
}

func TestTestTimeout(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want time.Duration
	}{
		{[]string{"-test.v", "-test.timeout=3m0s"}, 3 * time.Minute},
		{[]string{"-test.timeout", "90s"}, 90 * time.Second},
		{[]string{"-test.run=X"}, 0},
	} {
		if got := testTimeout(tc.args); got != tc.want {
			t.Errorf("testTimeout(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
