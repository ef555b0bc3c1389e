package vmtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/anysock/anysock/internal/vmtest/kmod"
)

// ModulesEnv names the variable through which the guest's /init passes the
// kernel's module directory (a host path, visible in the guest).
const ModulesEnv = "ANYSOCK_VMTEST_MODULES"

func loadModules(names []string) error {
	if len(names) == 0 {
		return nil
	}
	dir := os.Getenv(ModulesEnv)
	if dir == "" {
		return fmt.Errorf("vmtest: %s is not set (the guest's /init sets it)", ModulesEnv)
	}
	ix, err := kmod.ReadFile(filepath.Join(dir, kmod.IndexFile))
	if err != nil {
		return fmt.Errorf("vmtest: reading the module index (the runner builds it): %w", err)
	}
	mods, err := ix.Order(names...)
	if err != nil {
		return err
	}
	return kmod.Load(dir, mods)
}

// command runs argv and returns its output in the error when it fails.
func command(argv ...string) error {
	_, err := commandOutput(argv...)
	return err
}

func commandOutput(argv ...string) (string, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return "", fmt.Errorf("%w (make deps installs the peer programs)", err)
	}
	out, err := exec.Command(path, argv[1:]...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, bytes.TrimSpace(out))
	}
	return string(out), nil
}

// nsArgs prefixes an ip(8) command with -n ns when ns is set.
func ip(ns string, args ...string) error {
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	return command(append([]string{"ip"}, args...)...)
}

// Set-up steps skip what already exists, so a test binary may run twice
// in one guest (vmrun -shell).

func addVCAN(name string) error {
	if ip("", "link", "show", name) != nil {
		if err := ip("", "link", "add", "name", name, "type", "vcan"); err != nil {
			return err
		}
	}
	return ip("", "link", "set", name, "up")
}

func addNetNS(name string) error {
	if _, err := os.Stat(filepath.Join("/run/netns", name)); err != nil {
		if err := ip("", "netns", "add", name); err != nil {
			return err
		}
	}
	return ip(name, "link", "set", "lo", "up")
}

func addVeth(v Veth) error {
	if ip(v.NetNS, "link", "show", v.Name) == nil {
		return nil
	}
	args := []string{"link", "add", v.Name}
	if v.NetNS != "" {
		args = append(args, "netns", v.NetNS)
	}
	args = append(args, "type", "veth", "peer", "name", v.Peer)
	if v.PeerNetNS != "" {
		args = append(args, "netns", v.PeerNetNS)
	}
	if err := ip("", args...); err != nil {
		return err
	}
	for _, e := range []struct{ ns, name, addr string }{{v.NetNS, v.Name, v.Addr}, {v.PeerNetNS, v.Peer, v.PeerAddr}} {
		if e.addr != "" {
			if err := ip(e.ns, "addr", "add", e.addr, "dev", e.name); err != nil {
				return err
			}
		}
		if err := ip(e.ns, "link", "set", e.name, "up"); err != nil {
			return err
		}
	}
	return nil
}

func configureTIPC(n TIPCNode) error {
	tipcOut := func(args ...string) (string, error) {
		if n.NetNS != "" {
			return commandOutput(append([]string{"ip", "netns", "exec", n.NetNS, "tipc"}, args...)...)
		}
		return commandOutput(append([]string{"tipc"}, args...)...)
	}
	tipc := func(args ...string) error {
		_, err := tipcOut(args...)
		return err
	}
	if out, err := tipcOut("bearer", "list"); err == nil && strings.TrimSpace(out) != "" && len(n.Bearers) > 0 {
		return nil // configured by an earlier run in this guest
	}
	if n.Identity != "" {
		if err := tipc("node", "set", "identity", n.Identity); err != nil {
			return err
		}
	}
	for i, b := range n.Bearers {
		var err error
		switch b.Media {
		case "eth":
			err = tipc("bearer", "enable", "media", "eth", "device", b.Device)
		case "udp":
			args := []string{"bearer", "enable", "media", "udp", "name", fmt.Sprintf("udp%d", i), "localip", b.LocalIP}
			if b.RemoteIP != "" {
				args = append(args, "remoteip", b.RemoteIP)
			}
			err = tipc(args...)
		default:
			err = fmt.Errorf("unknown TIPC bearer media %q (want eth or udp)", b.Media)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Bluetooth HCI ioctls (include/net/bluetooth/hci_sock.h); x/sys lacks them.
const (
	hciDevUp      = 0x400448c9 // _IOW('H', 201, int)
	hciGetDevList = 0x800448d2 // _IOR('H', 210, int)
	hciGetDevInfo = 0x800448d3 // _IOR('H', 211, int)
	hciSetScan    = 0x400448dd // _IOW('H', 221, int)
	scanInquiry   = 0x01
	scanPage      = 0x02
	hciMaxDev     = 16
)

// BTController is a Bluetooth controller as the kernel lists it.
type BTController struct {
	// Index is the N of hciN.
	Index uint16
	// Name is e.g. "hci0".
	Name string
	// Addr is the controller's address, e.g. "00:AA:01:00:00:23".
	Addr string
}

// BTControllers lists the Bluetooth controllers (in the guest: those
// BTVirt created), in index order.
func BTControllers() ([]BTController, error) {
	fd, err := unix.Socket(unix.AF_BLUETOOTH, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.BTPROTO_HCI)
	if err != nil {
		return nil, os.NewSyscallError("socket(AF_BLUETOOTH)", err)
	}
	defer unix.Close(fd)
	// struct hci_dev_list_req { u16 dev_num; struct hci_dev_req { u16 dev_id; u32 dev_opt; } dev_req[]; }
	var list [4 + 8*hciMaxDev]byte
	*(*uint16)(unsafe.Pointer(&list[0])) = hciMaxDev
	if err := ioctlRetry(fd, hciGetDevList, unsafe.Pointer(&list[0])); err != nil {
		return nil, os.NewSyscallError("ioctl(HCIGETDEVLIST)", err)
	}
	n := int(*(*uint16)(unsafe.Pointer(&list[0])))
	var out []BTController
	for i := range min(n, hciMaxDev) {
		id := *(*uint16)(unsafe.Pointer(&list[4+8*i]))
		// struct hci_dev_info: u16 dev_id; char name[8]; bdaddr_t bdaddr; ... (92 bytes)
		var info [128]byte
		*(*uint16)(unsafe.Pointer(&info[0])) = id
		if err := ioctlRetry(fd, hciGetDevInfo, unsafe.Pointer(&info[0])); err != nil {
			return nil, os.NewSyscallError("ioctl(HCIGETDEVINFO)", err)
		}
		name := string(bytes.TrimRight(info[2:10], "\x00"))
		a := info[10:16]
		out = append(out, BTController{Index: id, Name: name,
			Addr: fmt.Sprintf("%02X:%02X:%02X:%02X:%02X:%02X", a[5], a[4], a[3], a[2], a[1], a[0])})
	}
	return out, nil
}

// ioctlRetry calls ioctl(fd, req, arg), retrying on EINTR (Bluetooth
// ioctls return it).
func ioctlRetry(fd int, req uintptr, arg unsafe.Pointer) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}

// ioctlValue is ioctlRetry for requests taking an integer argument.
func ioctlValue(fd int, req, arg uintptr) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, arg)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}

func btvirt(n int) error {
	path, err := exec.LookPath("btvirt")
	if err != nil {
		return fmt.Errorf("%w (Debian package bluez-test-tools; make deps installs it)", err)
	}
	before, err := BTControllers()
	if err != nil {
		return err
	}
	logPath := filepath.Join(os.TempDir(), "vmtest-btvirt.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(path, fmt.Sprintf("-l%d", n))
	cmd.Stdout, cmd.Stderr = logf, logf
	err = cmd.Start()
	logf.Close()
	if err != nil {
		return err
	}
	// btvirt runs until the guest stops; nobody waits for it.
	_ = cmd.Process.Release()
	var ctrls []BTController
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctrls, err = BTControllers()
		if err != nil {
			return err
		}
		if len(ctrls) >= len(before)+n {
			break
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("btvirt made %d of %d controllers in 15s; its output: %s", len(ctrls)-len(before), n, bytes.TrimSpace(out))
		}
		time.Sleep(20 * time.Millisecond)
	}
	fd, err := unix.Socket(unix.AF_BLUETOOTH, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.BTPROTO_HCI)
	if err != nil {
		return os.NewSyscallError("socket(AF_BLUETOOTH)", err)
	}
	defer unix.Close(fd)
	for _, c := range ctrls {
		if err := ioctlValue(fd, hciDevUp, uintptr(c.Index)); err != nil && !errors.Is(err, unix.EALREADY) {
			return fmt.Errorf("%s: ioctl(HCIDEVUP): %w", c.Name, err)
		}
		// struct hci_dev_req { u16 dev_id; u32 dev_opt; }
		var req [8]byte
		*(*uint16)(unsafe.Pointer(&req[0])) = c.Index
		*(*uint32)(unsafe.Pointer(&req[4])) = scanPage | scanInquiry
		if err := ioctlRetry(fd, hciSetScan, unsafe.Pointer(&req[0])); err != nil {
			return fmt.Errorf("%s: ioctl(HCISETSCAN): %w", c.Name, err)
		}
	}
	return nil
}
