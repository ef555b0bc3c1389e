package guest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/anysock/anysock/internal/vmtest/proto"
)

// Main runs as the guest's PID 1 and never returns: it resets the guest
// when the job is done. Failures are reported to the runner.
func Main() {
	start := time.Now()
	g := &guest{}
	defer func() {
		// A panic here must not kill PID 1 (the runner would report a
		// kernel panic); report it as a harness failure instead.
		if r := recover(); r != nil {
			g.finish(proto.Status{Error: fmt.Sprintf("guest /init panicked: %v", r)})
		}
	}()
	st := g.run(start)
	g.finish(st)
}

type guest struct {
	port *os.File // the virtio-serial port, nil until opened
}

// console prints to the serial console (the runner keeps its last lines).
func console(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "vmtest init: "+format+"\n", args...)
}

func (g *guest) logf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if g.port != nil {
		_ = proto.WriteFrame(g.port, proto.Log, []byte(msg))
	} else {
		console("%s", msg)
	}
}

func (g *guest) run(start time.Time) proto.Status {
	if err := earlyMounts(); err != nil {
		return proto.Status{Error: err.Error()}
	}
	if err := loadInitramfsModules(); err != nil {
		return proto.Status{Error: err.Error()}
	}
	port, err := openPort(5 * time.Second)
	if err != nil {
		return proto.Status{Error: err.Error()}
	}
	g.port = port
	job, err := readJob()
	if err != nil {
		return proto.Status{Error: err.Error()}
	}
	if err := enterHostRoot(job.WritableDirs); err != nil {
		return proto.Status{Error: err.Error()}
	}
	if err := configure(); err != nil {
		return proto.Status{Error: err.Error()}
	}
	env := jobEnv(job)
	if job.Shell {
		return g.shell(job, env)
	}
	if len(job.Argv) == 0 {
		return proto.Status{Error: "job has no program to run"}
	}
	cmd := exec.Command(job.Argv[0], job.Argv[1:]...)
	cmd.Dir = job.Dir
	cmd.Env = env
	cmd.Stdin = nil
	pr, pw, err := os.Pipe()
	if err != nil {
		return proto.Status{Error: err.Error()}
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	boot := uptime()
	t0 := time.Now()
	g.logf("run %s (booted in %v)", shellQuote(job.Argv), boot.Round(time.Millisecond))
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return proto.Status{Error: fmt.Sprintf("starting %s: %v", job.Argv[0], err)}
	}
	pw.Close()
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 32<<10)
		for {
			n, err := pr.Read(buf)
			if n > 0 {
				if werr := proto.WriteFrame(g.port, proto.Output, buf[:n]); werr != nil {
					console("writing output: %v", werr)
				}
			}
			if err != nil {
				return
			}
		}
	}()
	err = cmd.Wait()
	// A process the tests left behind may hold the output pipe open:
	// drain what is there, then stop reading.
	select {
	case <-copied:
	case <-time.After(2 * time.Second):
		pr.Close()
		<-copied
		g.logf("the output pipe was still open after %s exited (a child process left running?)", filepath.Base(job.Argv[0]))
	}
	pr.Close()
	st := proto.Status{BootMillis: boot.Milliseconds(), RunMillis: time.Since(t0).Milliseconds()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		ws := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			st.Exit = 128 + int(ws.Signal())
			g.logf("%s killed by %v", filepath.Base(job.Argv[0]), ws.Signal())
		} else {
			st.Exit = ws.ExitStatus()
		}
	default:
		return proto.Status{Error: fmt.Sprintf("waiting for %s: %v", job.Argv[0], err)}
	}
	return st
}

// finish reports st to the runner (or the console), waits for the ack and
// resets the guest (which ends QEMU).
func (g *guest) finish(st proto.Status) {
	if st.Error != "" {
		console("harness error: %s", st.Error)
	}
	if g.port != nil {
		if err := proto.WriteResult(g.port, st); err != nil {
			console("writing result: %v", err)
		} else {
			ack := make(chan struct{})
			go func() {
				var b [1]byte
				for {
					n, err := g.port.Read(b[:])
					if n == 1 && b[0] == proto.Ack || err != nil && !errors.Is(err, unix.EAGAIN) {
						close(ack)
						return
					}
				}
			}()
			select {
			case <-ack:
			case <-time.After(10 * time.Second):
				console("no acknowledgement from the runner")
			}
		}
	}
	unix.Sync()
	for {
		// A reset ends QEMU (-no-reboot) whether or not the kernel has ACPI.
		_ = unix.Reboot(unix.LINUX_REBOOT_CMD_RESTART)
		time.Sleep(time.Second)
	}
}

func earlyMounts() error {
	for _, m := range []struct{ src, dir, fs string }{
		{"devtmpfs", "/dev", "devtmpfs"},
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
	} {
		if err := os.MkdirAll(m.dir, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(m.src, m.dir, m.fs, 0, ""); err != nil && !errors.Is(err, unix.EBUSY) {
			return fmt.Errorf("mount %s on %s: %w", m.fs, m.dir, err)
		}
	}
	return nil
}

// loadInitramfsModules loads /anysock/modules/*.ko in name order (the
// runner numbered them in dependency order).
func loadInitramfsModules() error {
	names, err := filepath.Glob(filepath.Join(proto.ModuleDir, "*.ko"))
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return err
		}
		err = unix.FinitModule(int(f.Fd()), "", 0)
		f.Close()
		if err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("loading %s: %w", filepath.Base(n), err)
		}
	}
	return nil
}

// openPort finds the virtio-serial port named proto.PortName. The port
// appears asynchronously after virtio_console is loaded.
func openPort(wait time.Duration) (*os.File, error) {
	deadline := time.Now().Add(wait)
	for {
		ports, _ := filepath.Glob("/sys/class/virtio-ports/*/name")
		for _, p := range ports {
			b, err := os.ReadFile(p)
			if err != nil || strings.TrimSpace(string(b)) != proto.PortName {
				continue
			}
			dev := filepath.Join("/dev", filepath.Base(filepath.Dir(p)))
			f, err := os.OpenFile(dev, os.O_RDWR, 0)
			if err == nil {
				return f, nil
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("opening %s: %w", dev, err)
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("virtio-serial port %q did not appear within %v", proto.PortName, wait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readJob() (proto.Job, error) {
	var job proto.Job
	b, err := os.ReadFile(proto.JobPath)
	if err != nil {
		return job, err
	}
	if err := json.Unmarshal(b, &job); err != nil {
		return job, fmt.Errorf("%s: %w", proto.JobPath, err)
	}
	return job, nil
}

// enterHostRoot mounts the host's root over 9p with a tmpfs overlay and
// changes root into it.
func enterHostRoot(writable []string) error {
	for _, d := range []string{"/host", "/rw", "/newroot"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// cache=loose: the host's files do not change under a test run, and
	// caching makes loading big test binaries and python much faster.
	if err := unix.Mount(proto.MountTag, "/host", "9p", unix.MS_RDONLY,
		"trans=virtio,version=9p2000.L,msize=512000,cache=loose"); err != nil {
		return fmt.Errorf("mounting the host root over 9p: %w", err)
	}
	if err := unix.Mount("tmpfs", "/rw", "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("mounting tmpfs: %w", err)
	}
	for _, d := range []string{"/rw/upper", "/rw/work"} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
	}
	if err := unix.Mount("overlay", "/newroot", "overlay", 0,
		"lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work"); err != nil {
		return fmt.Errorf("mounting the overlay: %w", err)
	}
	for _, m := range []struct{ src, dir, fs, opts string }{
		{"proc", "/newroot/proc", "proc", ""},
		{"sysfs", "/newroot/sys", "sysfs", ""},
		{"devtmpfs", "/newroot/dev", "devtmpfs", ""},
		{"devpts", "/newroot/dev/pts", "devpts", "ptmxmode=0666"},
		{"tmpfs", "/newroot/dev/shm", "tmpfs", "mode=1777"},
		{"tmpfs", "/newroot/run", "tmpfs", "mode=0755"},
	} {
		if err := os.MkdirAll(m.dir, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(m.src, m.dir, m.fs, 0, m.opts); err != nil {
			return fmt.Errorf("mount %s on %s: %w", m.fs, m.dir, err)
		}
	}
	// The job's output directories are the host's own, read-write.
	for i, d := range writable {
		dir := filepath.Join("/newroot", d)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(proto.WritableTag(i), dir, "9p", 0, "trans=virtio,version=9p2000.L,msize=512000"); err != nil {
			return fmt.Errorf("mounting the writable host directory %s: %w", d, err)
		}
	}
	if err := unix.Chroot("/newroot"); err != nil {
		return fmt.Errorf("chroot: %w", err)
	}
	return os.Chdir("/")
}

// configure prepares the system the way every test expects it.
func configure() error {
	// Module auto-loading would run the host's modprobe, which knows
	// nothing of this kernel: every module must be declared instead.
	if err := os.WriteFile("/proc/sys/kernel/modprobe", []byte("\n"), 0); err != nil {
		return err
	}
	_ = unix.Sethostname([]byte("vmtest"))
	if err := linkUp("lo"); err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	for _, d := range []string{"/run/netns", "/run/lock"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

func linkUp(name string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// jobEnv is the job's environment plus the harness's variables.
func jobEnv(job proto.Job) []string {
	env := make([]string, 0, len(job.Env)+4)
	path := ""
	for _, kv := range job.Env {
		switch {
		case strings.HasPrefix(kv, "PATH="):
			path = strings.TrimPrefix(kv, "PATH=")
			continue
		case strings.HasPrefix(kv, "ANYSOCK_VMTEST="), strings.HasPrefix(kv, "ANYSOCK_VMTEST_MODULES="),
			strings.HasPrefix(kv, "ANYSOCK_REQUIRE_PEERS="):
			continue
		}
		env = append(env, kv)
	}
	// The peers (ip, tipc, btvirt) live in sbin directories that a
	// user's PATH may lack.
	std := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	if path == "" {
		path = std
	} else {
		path += ":" + std
	}
	return append(env,
		"PATH="+path,
		"ANYSOCK_VMTEST=1",
		"ANYSOCK_REQUIRE_PEERS=1",
		"ANYSOCK_VMTEST_MODULES="+job.ModuleDir,
	)
}

// shell runs an interactive shell on the console for debugging.
func (g *guest) shell(job proto.Job, env []string) proto.Status {
	tty, err := os.OpenFile("/dev/console", os.O_RDWR, 0)
	if err != nil {
		return proto.Status{Error: err.Error()}
	}
	defer tty.Close()
	g.logf("run shell")
	fmt.Fprintf(tty, "\nvmtest: guest shell in %s; the test command is:\n  %s\nvmtest: exit the shell to stop the guest.\n",
		job.Dir, shellQuote(job.Argv))
	cmd := exec.Command("/bin/bash", "-i")
	if _, err := os.Stat("/bin/bash"); err != nil {
		cmd = exec.Command("/bin/sh", "-i")
	}
	cmd.Dir = job.Dir
	cmd.Env = append(env, "PS1=vmtest# ", "TERM=linux")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	err = cmd.Run()
	st := proto.Status{}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		st.Exit = ee.ExitCode()
	} else if err != nil {
		st.Error = err.Error()
	}
	return st
}

func shellQuote(argv []string) string {
	var b bytes.Buffer
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			b.WriteString(a)
			continue
		}
		b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
	}
	return b.String()
}

func uptime() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
