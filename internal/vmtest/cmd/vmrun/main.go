// Command vmrun runs a program, usually a Go test binary, inside a QEMU
// guest booting the Debian kernel that .ci/setup fetched, with the host's
// root file system visible read-only. It follows the protocol of
// `go test -exec`:
//
//	go test -exec "$PWD/.cache/vmtest/bin/vmrun" ./families/can
//	vmrun [flags] program [args...]
//
// The program's output is copied to standard output and its exit status
// becomes vmrun's. Other outcomes have their own status: 124 the guest
// timed out (and was killed), 125 the harness failed, 126 the guest kernel
// panicked; the last console lines are printed for each.
//
// vmrun must be built with CGO_ENABLED=0: the same binary is the guest's
// /init (it acts as such when it runs as process 1).
//
// Flags (environment variables in brackets):
//
//	-timeout d   kill the guest after d [ANYSOCK_VMTEST_TIMEOUT]; the
//	             default is the test binary's -test.timeout plus 30s, or 10m
//	-shell       open a shell in the guest instead of running the program
//	             (the console is the terminal; the shell prints the command)
//	-v           show the guest console and /init's log on stderr
//	             [ANYSOCK_VMTEST_VERBOSE=1]
//	-timing      print boot and run times on stderr [ANYSOCK_VMTEST_TIMING=1;
//	             ANYSOCK_VMTEST_TIMING=/abs/file appends them to that file]
//	-m, -smp     guest memory in MiB and number of CPUs
//	-cmdline s   extra kernel command-line arguments
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/anysock/anysock/internal/vmtest/guest"
	"github.com/anysock/anysock/internal/vmtest/proto"
	"github.com/anysock/anysock/internal/vmtest/runner"
)

func main() {
	if os.Getpid() == 1 {
		guest.Main()
		return
	}
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("vmrun", flag.ContinueOnError)
	timeout := fs.Duration("timeout", 0, "kill the guest after this long")
	shell := fs.Bool("shell", false, "open a shell in the guest instead of running the program")
	verbose := fs.Bool("v", os.Getenv("ANYSOCK_VMTEST_VERBOSE") == "1", "show the guest console and /init's log")
	timingEnv := os.Getenv("ANYSOCK_VMTEST_TIMING")
	timing := fs.Bool("timing", timingEnv == "1", "print boot and run times")
	mem := fs.Int("m", 1024, "guest memory in MiB")
	smp := fs.Int("smp", 2, "guest CPUs")
	cmdline := fs.String("cmdline", "", "extra kernel command-line arguments")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: vmrun [flags] program [args...]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	argv := fs.Args()
	if len(argv) == 0 && !*shell {
		fs.Usage()
		return 2
	}
	harness := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "vmtest: harness failed: "+format+"\n", args...)
		return proto.ExitHarness
	}
	if *timeout == 0 {
		if s := os.Getenv("ANYSOCK_VMTEST_TIMEOUT"); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil {
				return harness("ANYSOCK_VMTEST_TIMEOUT: %v", err)
			}
			*timeout = d
		} else if d := testTimeout(argv); d > 0 {
			// Let the test binary's own timeout fire first: its
			// goroutine dump says more than a killed guest.
			*timeout = d + 30*time.Second
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return harness("%v", err)
	}
	cache, err := runner.CacheDir(wd)
	if err != nil {
		return harness("%v", err)
	}
	kernel, modules, err := runner.FindKernel(cache)
	if err != nil {
		return harness("%v", err)
	}
	self, err := os.Executable()
	if err != nil {
		return harness("%v", err)
	}
	for i, a := range argv[:min(1, len(argv))] {
		if argv[i], err = filepath.Abs(a); err != nil {
			return harness("%v", err)
		}
	}
	cfg := runner.Config{
		Kernel: kernel, ModuleDir: modules, Init: self,
		Memory: *mem, CPUs: *smp, Timeout: *timeout, Cmdline: *cmdline,
		Stdout: os.Stdout, Interactive: *shell,
	}
	if *verbose {
		cfg.Console, cfg.Log = os.Stderr, os.Stderr
		os.Setenv("ANYSOCK_VMTEST_VERBOSE", "1") // vmtest.Setup times its steps
	}
	job := proto.Job{Argv: argv, Dir: wd, Env: os.Environ(), ModuleDir: modules, Shell: *shell}
	if len(argv) > 0 {
		// Coverage and profiles are written in the guest straight to
		// the host.
		job.WritableDirs = runner.WritableDirs(argv[1:], job.Env)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res := runner.Run(ctx, cfg, job)
	res.Report(os.Stderr)
	name := "shell"
	if len(argv) > 0 {
		name = filepath.Base(argv[0])
	}
	line := fmt.Sprintf("vmtest: %s: %s; boot %.1fs, total %.1fs\n", name, res.Outcome, res.Boot.Seconds(), res.Total.Seconds())
	if *timing {
		fmt.Fprint(os.Stderr, line)
	}
	if strings.HasPrefix(timingEnv, "/") {
		// go test hides a passing package's output: collect the
		// figures in a file instead (.ci/test-vm prints it).
		if f, err := os.OpenFile(timingEnv, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
			fmt.Fprint(f, line)
			f.Close()
		}
	}
	return res.ExitCode()
}

// testTimeout finds -test.timeout in a test binary's arguments.
func testTimeout(args []string) time.Duration {
	for i, a := range args {
		v, ok := strings.CutPrefix(a, "-test.timeout=")
		if !ok && a == "-test.timeout" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok {
			d, _ := time.ParseDuration(v)
			return d
		}
	}
	return 0
}
