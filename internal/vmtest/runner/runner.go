package runner

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/anysock/anysock/internal/vmtest/cpio"
	"github.com/anysock/anysock/internal/vmtest/kmod"
	"github.com/anysock/anysock/internal/vmtest/proto"
)

// Outcome says how a guest run ended.
type Outcome int

// The outcomes of a run.
const (
	// Passed: the program exited with status 0.
	Passed Outcome = iota + 1
	// TestsFailed: the program exited with a non-zero status.
	TestsFailed
	// HarnessFailed: the guest could not be prepared, or the run ended
	// without a result for another reason than a panic or a timeout.
	HarnessFailed
	// Panicked: the guest kernel panicked.
	Panicked
	// TimedOut: the guest was killed after Config.Timeout.
	TimedOut
)

// String describes the outcome as the runner reports it.
func (o Outcome) String() string {
	switch o {
	case Passed:
		return "passed"
	case TestsFailed:
		return "tests failed"
	case HarnessFailed:
		return "harness failed"
	case Panicked:
		return "guest panicked"
	case TimedOut:
		return "guest timed out"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Config describes the guest and where its output goes. The zero value of
// every field but Kernel, ModuleDir and Init has a usable default.
type Config struct {
	// Kernel is the guest kernel image (vmlinuz).
	Kernel string
	// ModuleDir is the kernel's lib/modules/<release> directory.
	ModuleDir string
	// Init is the guest's /init program, a statically linked binary
	// that calls guest.Main (the vmrun command is one).
	Init string
	// QEMU is the emulator; default qemu-system-x86_64 from PATH.
	QEMU string
	// Memory in MiB (default 1024) and CPUs (default 2).
	Memory, CPUs int
	// Timeout kills the guest after this long (default 10 minutes).
	Timeout time.Duration
	// Cmdline is appended to the kernel command line.
	Cmdline string
	// Stdout receives the program's combined output (default os.Stdout).
	Stdout io.Writer
	// Console, when set, receives the serial console live, and Log
	// receives the guest /init's messages. Both are for debugging.
	Console, Log io.Writer
	// ConsoleLines is how many last console lines Result keeps
	// (default 40).
	ConsoleLines int
	// Interactive connects the console to the terminal (os.Stdin and
	// os.Stdout) for Job.Shell.
	Interactive bool
}

// Result is what a run produced.
type Result struct {
	Outcome Outcome
	// Status is the guest's report (zero unless a Result frame came).
	Status proto.Status
	// Err explains a harness failure, panic or timeout.
	Err error
	// Console holds the last lines of the serial console.
	Console []string
	// Boot is the time from starting QEMU until the program started in
	// the guest; Total until QEMU exited.
	Boot, Total time.Duration
}

// ExitCode maps the result to the runner's exit status: the program's own
// status when it ran, otherwise proto.ExitHarness, proto.ExitPanic or
// proto.ExitTimeout. A program exiting with proto.ExitHarness (vmtest.Setup
// failed) counts as a harness failure.
func (r *Result) ExitCode() int {
	switch r.Outcome {
	case Passed:
		return 0
	case TestsFailed:
		return r.Status.Exit
	case Panicked:
		return proto.ExitPanic
	case TimedOut:
		return proto.ExitTimeout
	}
	return proto.ExitHarness
}

// Report writes a human-readable account of a run that did not pass or
// fail normally (harness failure, panic, timeout), with the last console
// lines. It writes nothing for Passed and TestsFailed.
func (r *Result) Report(w io.Writer) {
	switch r.Outcome {
	case Passed, TestsFailed:
		return
	}
	fmt.Fprintf(w, "vmtest: %s: %v\n", r.Outcome, r.Err)
	if len(r.Console) > 0 {
		fmt.Fprintf(w, "vmtest: last %d lines of the guest console:\n", len(r.Console))
		for _, l := range r.Console {
			fmt.Fprintf(w, "vmtest: | %s\n", l)
		}
	}
}

// initramfsModules are what the guest loads from the initramfs to reach
// the host (dependencies are added by the index).
var initramfsModules = []string{"virtio_pci", "virtio_console", "9pnet_virtio", "9p", "overlay"}

// Run boots the guest, runs job and returns the outcome.
//
// A guest that panics or stops before the program starts (under a heavily
// loaded host the emulated kernel can miss its early timer checks) is
// booted once more, with a note on Config.Log or standard error: that is
// the harness's trouble, not the tests'.
func Run(ctx context.Context, cfg Config, job proto.Job) *Result {
	res := runOnce(ctx, cfg, job)
	if res.Boot == 0 && res.Status == (proto.Status{}) && !cfg.Interactive && ctx.Err() == nil &&
		(res.Outcome == Panicked || res.Outcome == HarnessFailed) && res.Err != nil && !errors.Is(res.Err, errNoStart) {
		w := cfg.Log
		if w == nil {
			w = os.Stderr
		}
		fmt.Fprintf(w, "vmtest: the guest failed before the program started (%s: %v); booting it again\n", res.Outcome, res.Err)
		for _, l := range res.Console[max(0, len(res.Console)-5):] {
			fmt.Fprintf(w, "vmtest: | %s\n", l)
		}
		total := res.Total
		res = runOnce(ctx, cfg, job)
		res.Total += total
	}
	return res
}

// errNoStart marks failures before QEMU runs, which a retry cannot fix.
var errNoStart = errors.New("QEMU was not started")

func runOnce(ctx context.Context, cfg Config, job proto.Job) *Result {
	start := time.Now()
	res := &Result{Outcome: HarnessFailed}
	fail := func(err error) *Result {
		res.Err = fmt.Errorf("%w (%w)", err, errNoStart)
		res.Total = time.Since(start)
		return res
	}
	if cfg.Memory == 0 {
		cfg.Memory = 1024
	}
	if cfg.CPUs == 0 {
		cfg.CPUs = 2
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.ConsoleLines == 0 {
		cfg.ConsoleLines = 40
	}
	if cfg.QEMU == "" {
		cfg.QEMU = "qemu-system-x86_64"
	}
	qemu, err := exec.LookPath(cfg.QEMU)
	if err != nil {
		return fail(fmt.Errorf("%w (install the Debian package qemu-system-x86, or run make deps)", err))
	}
	if job.ModuleDir == "" {
		job.ModuleDir = cfg.ModuleDir
	}
	dir, err := os.MkdirTemp("", "vmtest-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	initrd := filepath.Join(dir, "initrd")
	if err := writeInitramfs(initrd, cfg, job); err != nil {
		return fail(err)
	}
	sock := filepath.Join(dir, "port")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		return fail(err)
	}
	defer ln.Close()

	// no_timer_check: under emulation on a busy host the kernel's check
	// that the IO-APIC timer ticks can fail and panic the boot.
	// cryptomgr.notests: the crypto self-tests take about 2s of the boot
	// under emulation (and one of them fails under TCG anyway).
	cmdline := "console=ttyS0 quiet panic=-1 oops=panic no_timer_check cryptomgr.notests " + proto.CmdlineFlag
	if cfg.Cmdline != "" {
		cmdline += " " + cfg.Cmdline
	}
	serial := "stdio"
	if cfg.Interactive {
		serial = "mon:stdio"
	}
	args := []string{
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-accel", "tcg,thread=multi", "-cpu", "max",
		"-m", fmt.Sprint(cfg.Memory), "-smp", fmt.Sprint(cfg.CPUs),
		"-kernel", cfg.Kernel, "-initrd", initrd, "-append", cmdline,
		"-serial", serial,
		"-fsdev", "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap",
		"-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=" + proto.MountTag,
		"-device", "virtio-serial-pci,id=vser",
		"-chardev", "socket,id=port,path=" + sock,
		"-device", "virtserialport,bus=vser.0,chardev=port,name=" + proto.PortName,
	}
	for i, d := range job.WritableDirs {
		tag := proto.WritableTag(i)
		args = append(args,
			"-fsdev", "local,id="+tag+",path="+d+",security_model=none,multidevs=remap",
			"-device", "virtio-9p-pci,fsdev="+tag+",mount_tag="+tag)
	}
	cmd := exec.Command(qemu, args...)
	var qemuErr bytes.Buffer
	cmd.Stderr = &limitedBuffer{buf: &qemuErr, max: 8 << 10}
	cmd.SysProcAttr = qemuProcAttr()
	var console io.ReadCloser
	if cfg.Interactive {
		cmd.Stdin, cmd.Stdout = os.Stdin, os.Stdout
	} else {
		if console, err = cmd.StdoutPipe(); err != nil {
			return fail(err)
		}
	}
	tail := &lineTail{max: cfg.ConsoleLines, echo: cfg.Console}
	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("starting QEMU: %w", err))
	}
	var wg sync.WaitGroup
	if console != nil {
		wg.Go(func() { tail.consume(console) })
	}
	exited := make(chan error, 1)
	go func() {
		wg.Wait() // the console pipe must be drained before Wait
		exited <- cmd.Wait()
	}()

	frames := make(chan frameEvent, 8) // never blocks readFrames: few events per run
	go readFrames(ln, frames, cfg, start)

	timer := time.NewTimer(cfg.Timeout)
	defer timer.Stop()
	var gotResult bool
	var qemuExit error
	killed := ""
	done := ctx.Done()
loop:
	for {
		select {
		case ev := <-frames:
			if ev.err != nil {
				res.Err = ev.err
				continue
			}
			if ev.boot {
				res.Boot = ev.at
				continue
			}
			res.Status, gotResult = ev.status, true
			// The guest resets after the ack; give it a moment.
			timer.Reset(15 * time.Second)
			killed = "after its result"
		case qemuExit = <-exited:
			break loop
		case <-timer.C:
			if killed == "" {
				killed = "timeout"
			}
			_ = cmd.Process.Kill()
		case <-done:
			done = nil // once: then wait for QEMU to exit
			killed = "cancelled"
			_ = cmd.Process.Kill()
		}
	}
	ln.Close()
	res.Total = time.Since(start)
	res.Console = tail.lines()
	// A result may still be on its way when QEMU exits on its own.
	if !gotResult && killed == "" {
		select {
		case ev := <-frames:
			if ev.err == nil && !ev.boot {
				res.Status, gotResult = ev.status, true
			}
		case <-time.After(200 * time.Millisecond):
		}
	}
	switch {
	case gotResult && res.Status.Error != "":
		res.Outcome, res.Err = HarnessFailed, fmt.Errorf("in the guest: %s", res.Status.Error)
	case gotResult && res.Status.Exit == proto.ExitHarness:
		res.Outcome, res.Err = HarnessFailed, errors.New("the test program's set-up failed in the guest (vmtest.Setup; its message is above)")
	case gotResult && res.Status.Exit == 0:
		res.Outcome, res.Err = Passed, nil
	case gotResult:
		res.Outcome, res.Err = TestsFailed, nil
	case tail.panicked():
		res.Outcome, res.Err = Panicked, errors.New("the guest kernel panicked")
	case killed == "timeout":
		res.Outcome, res.Err = TimedOut, fmt.Errorf("no result after %v; the guest was killed", cfg.Timeout)
	case killed == "cancelled":
		res.Outcome, res.Err = HarnessFailed, ctx.Err()
	default:
		msg := "the guest stopped without reporting a result"
		if qemuExit != nil {
			msg += fmt.Sprintf(" (QEMU: %v)", qemuExit)
		}
		if s := strings.TrimSpace(qemuErr.String()); s != "" {
			msg += "; QEMU said: " + s
		}
		if res.Err != nil {
			msg += "; " + res.Err.Error()
		}
		res.Err = errors.New(msg)
	}
	return res
}

type frameEvent struct {
	boot   bool
	at     time.Duration
	status proto.Status
	err    error
}

// readFrames accepts QEMU's connection to the port socket and handles the
// frames: output to cfg.Stdout, logs to cfg.Log, the first log line marks
// the end of the boot, the Result is acknowledged and passed on.
func readFrames(ln *net.UnixListener, events chan<- frameEvent, cfg Config, start time.Time) {
	c, err := ln.Accept()
	if err != nil {
		return // QEMU never connected; the run ends without a result
	}
	defer c.Close()
	r := proto.NewReader(c)
	booted := false
	for {
		typ, b, err := r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				events <- frameEvent{err: fmt.Errorf("reading the guest's port: %w", err)}
			}
			return
		}
		switch typ {
		case proto.Output:
			_, _ = cfg.Stdout.Write(b)
		case proto.Log:
			if cfg.Log != nil {
				fmt.Fprintf(cfg.Log, "vmtest guest: %s\n", b)
			}
			if !booted && bytes.HasPrefix(b, []byte("run ")) {
				booted = true
				events <- frameEvent{boot: true, at: time.Since(start)}
			}
		case proto.Result:
			st, err := proto.ParseStatus(b)
			if err != nil {
				events <- frameEvent{err: err}
				return
			}
			_, _ = c.Write([]byte{proto.Ack})
			events <- frameEvent{status: st}
		}
	}
}

// WritableDirs returns the directories a test binary's arguments and
// environment name for its output (coverage data, profiles, -test.outputdir),
// which the guest must be able to write on the host.
func WritableDirs(args, env []string) []string {
	var dirs []string
	add := func(path string, isDir bool) {
		if !filepath.IsAbs(path) {
			return
		}
		if !isDir {
			path = filepath.Dir(path)
		}
		if fi, err := os.Stat(path); err == nil && fi.IsDir() && !slices.Contains(dirs, path) {
			dirs = append(dirs, path)
		}
	}
	for _, a := range args {
		name, val, ok := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !ok {
			continue
		}
		switch name {
		case "test.gocoverdir", "test.outputdir":
			add(val, true)
		case "test.coverprofile", "test.cpuprofile", "test.memprofile", "test.blockprofile",
			"test.mutexprofile", "test.trace":
			add(val, false)
		}
	}
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOCOVERDIR="); ok {
			add(v, true)
		}
	}
	return dirs
}

// writeInitramfs writes the guest's initramfs: /init, /dev/console, the
// modules to reach the host (numbered in load order) and the job.
func writeInitramfs(path string, cfg Config, job proto.Job) error {
	if err := checkStatic(cfg.Init); err != nil {
		return err
	}
	init, err := os.ReadFile(cfg.Init)
	if err != nil {
		return err
	}
	ix, err := LoadIndex(cfg.ModuleDir)
	if err != nil {
		return err
	}
	mods, err := ix.Order(initramfsModules...)
	if err != nil {
		return err
	}
	jb, err := json.Marshal(job)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := cpio.NewWriter(bw)
	for _, d := range []string{"dev", "proc", "sys", "anysock", proto.ModuleDir} {
		if err := w.Dir(d, 0o755); err != nil {
			f.Close()
			return err
		}
	}
	err = errors.Join(
		w.CharDev("dev/console", 0o600, 5, 1),
		w.File("init", 0o755, init),
		w.File(proto.JobPath, 0o644, jb),
	)
	for i, m := range mods {
		b, rerr := os.ReadFile(filepath.Join(cfg.ModuleDir, m.Path))
		if rerr != nil {
			err = errors.Join(err, rerr)
			break
		}
		err = errors.Join(err, w.File(fmt.Sprintf("%s/%02d-%s.ko", proto.ModuleDir, i, m.Name), 0o644, b))
	}
	err = errors.Join(err, w.Close(), bw.Flush(), f.Close())
	if err != nil {
		return fmt.Errorf("writing the initramfs: %w", err)
	}
	return nil
}

// checkStatic makes sure path can run as /init in an initramfs that has no
// dynamic loader or libc.
func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("guest /init %s: %w", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("guest /init %s is dynamically linked; build it with CGO_ENABLED=0", path)
		}
	}
	return nil
}

// LoadIndex returns the module index of moduleDir, building and saving it
// (kmod.IndexFile) the first time.
func LoadIndex(moduleDir string) (*kmod.Index, error) {
	path := filepath.Join(moduleDir, kmod.IndexFile)
	if ix, err := kmod.ReadFile(path); err == nil {
		return ix, nil
	}
	ix, err := kmod.BuildIndex(moduleDir)
	if err != nil {
		return nil, err
	}
	if err := ix.WriteFile(path); err != nil {
		return nil, fmt.Errorf("saving the module index: %w", err)
	}
	return ix, nil
}

// lineTail keeps the last lines of the console and watches for a panic.
type lineTail struct {
	mu        sync.Mutex
	max       int
	buf       []string
	panic     bool
	panicLine string // the "Kernel panic" line, kept when it scrolls out
	dropped   bool   // panicLine is no longer in buf
	echo      io.Writer
}

func (t *lineTail) consume(r io.Reader) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			if t.echo != nil {
				_, _ = io.WriteString(t.echo, line)
			}
			t.add(strings.TrimRight(line, "\r\n"))
		}
		if err != nil {
			return
		}
	}
}

func (t *lineTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.panic && strings.Contains(line, "Kernel panic - not syncing") {
		t.panic, t.panicLine = true, line
	}
	t.buf = append(t.buf, line)
	if len(t.buf) > t.max {
		if t.panic && !t.dropped && !slices.Contains(t.buf[len(t.buf)-t.max:], t.panicLine) {
			t.dropped = true
		}
		t.buf = t.buf[len(t.buf)-t.max:]
	}
}

// lines returns the last lines, preceded by the panic message when it has
// scrolled out of them.
func (t *lineTail) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	if t.dropped {
		out = append(out, t.panicLine, "...")
	}
	return append(out, t.buf...)
}

func (t *lineTail) panicked() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.panic
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

// Write keeps what fits and reports everything written.
func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
