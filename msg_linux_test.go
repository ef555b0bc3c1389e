package anysock_test

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/anysock/anysock"
	"github.com/anysock/anysock/families/unix"
	"github.com/anysock/anysock/internal/leakcheck"
	xunix "golang.org/x/sys/unix"
)

func TestSCMRights(t *testing.T) {
	for _, network := range []string{"unix", "unixpacket", "unixgram"} {
		t.Run(network, func(t *testing.T) {
			a, b := pair(t, network)
			defer a.Close()
			defer b.Close()
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			n, oobn, err := a.WriteMsg([]byte("fd"), xunix.UnixRights(int(w.Fd())))
			if err != nil || n != 2 || oobn == 0 {
				t.Fatalf("WriteMsg = %d, %d, %v", n, oobn, err)
			}
			buf, oob := make([]byte, 8), make([]byte, xunix.CmsgSpace(4))
			n, oobn, flags, err := b.ReadMsg(buf, oob)
			if err != nil || string(buf[:n]) != "fd" || flags&xunix.MSG_CTRUNC != 0 {
				t.Fatalf("ReadMsg = %q, %d, %#x, %v", buf[:n], oobn, flags, err)
			}
			msgs, err := xunix.ParseSocketControlMessage(oob[:oobn])
			if err != nil || len(msgs) != 1 {
				t.Fatalf("parse: %v, %d messages", err, len(msgs))
			}
			fds, err := xunix.ParseUnixRights(&msgs[0])
			if err != nil || len(fds) != 1 {
				t.Fatalf("rights: %v %v", fds, err)
			}
			// The received descriptor is the pipe's write end.
			f := os.NewFile(uintptr(fds[0]), "received")
			defer f.Close()
			if _, err := f.Write([]byte("via passed fd")); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, 32)
			k, _ := r.Read(got)
			if string(got[:k]) != "via passed fd" {
				t.Fatalf("pipe got %q", got[:k])
			}
		})
	}
}

func TestSCMCredentials(t *testing.T) {
	for _, network := range []string{"unix", "unixgram"} {
		t.Run(network, func(t *testing.T) {
			a, b := pair(t, network)
			defer a.Close()
			defer b.Close()
			rc, _ := b.SyscallConn()
			rc.Control(func(fd uintptr) { xunix.SetsockoptInt(int(fd), xunix.SOL_SOCKET, xunix.SO_PASSCRED, 1) })
			ucred := &xunix.Ucred{Pid: int32(os.Getpid()), Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid())}
			if _, _, err := a.WriteMsg([]byte("cred"), xunix.UnixCredentials(ucred)); err != nil {
				t.Fatal(err)
			}
			buf, oob := make([]byte, 8), make([]byte, xunix.CmsgSpace(xunix.SizeofUcred))
			n, oobn, _, err := b.ReadMsg(buf, oob)
			if err != nil || string(buf[:n]) != "cred" {
				t.Fatalf("ReadMsg: %q %v", buf[:n], err)
			}
			msgs, err := xunix.ParseSocketControlMessage(oob[:oobn])
			if err != nil || len(msgs) != 1 {
				t.Fatalf("parse: %v", err)
			}
			got, err := xunix.ParseUnixCredentials(&msgs[0])
			if err != nil || *got != *ucred {
				t.Fatalf("credentials = %+v, %v; want %+v", got, err, ucred)
			}
		})
	}
}

// When the control buffer is too small every received descriptor must be
// closed: none may leak into the process.
func TestControlTruncatedClosesFDs(t *testing.T) {
	for _, network := range []string{"unix", "unixpacket", "unixgram"} {
		t.Run(network, func(t *testing.T) {
			a, b := pair(t, network)
			defer a.Close()
			defer b.Close()
			files := make([]*os.File, 0, 6)
			fds := make([]int, 0, 6)
			for i := 0; i < 3; i++ {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				defer w.Close()
				files = append(files, r, w)
				fds = append(fds, int(r.Fd()), int(w.Fd()))
			}
			before := leakcheck.OpenFDs()
			if _, _, err := a.WriteMsg([]byte("six fds"), xunix.UnixRights(fds...)); err != nil {
				t.Fatal(err)
			}
			// Room for two descriptors only.
			buf, oob := make([]byte, 16), make([]byte, xunix.CmsgSpace(8))
			n, oobn, flags, err := b.ReadMsg(buf, oob)
			if !errors.Is(err, anysock.ErrControlTruncated) {
				t.Fatalf("ReadMsg err = %v, want ErrControlTruncated", err)
			}
			if string(buf[:n]) != "six fds" || flags&xunix.MSG_CTRUNC == 0 {
				t.Fatalf("data %q flags %#x: payload must survive a control truncation", buf[:n], flags)
			}
			if after := leakcheck.OpenFDs(); len(after) != len(before) {
				t.Fatalf("descriptors leaked: %d open before, %d after", len(before), len(after))
			}
			// The numbers left in the buffer are -1, not stale descriptors.
			msgs, _ := xunix.ParseSocketControlMessage(oob[:oobn])
			for _, m := range msgs {
				got, _ := xunix.ParseUnixRights(&m)
				for _, fd := range got {
					if fd != -1 {
						t.Fatalf("descriptor %d left in truncated control buffer", fd)
					}
				}
			}
		})
	}
}

func TestWriteMsgStreamWritesAll(t *testing.T) {
	a, b := pair(t, "unix")
	defer a.Close()
	defer b.Close()
	big := make([]byte, 4<<20)
	for i := range big {
		big[i] = byte(i)
	}
	done := make(chan error, 1)
	go func() {
		n, _, err := a.WriteMsg(big, xunix.UnixRights(0))
		if err == nil && n != len(big) {
			err = errors.New("short write")
		}
		done <- err
		a.CloseWrite()
	}()
	got := make([]byte, 0, len(big))
	buf, oob := make([]byte, 64<<10), make([]byte, 64)
	for {
		n, oobn, _, err := b.ReadMsgContext(context.Background(), buf, oob, 0)
		if oobn > 0 {
			closeReceived(t, oob[:oobn])
		}
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(got) != len(big) {
		t.Fatalf("received %d bytes, want %d", len(got), len(big))
	}
}

func closeReceived(t *testing.T, oob []byte) {
	msgs, err := xunix.ParseSocketControlMessage(oob)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		fds, _ := xunix.ParseUnixRights(&m)
		for _, fd := range fds {
			xunix.Close(fd)
		}
	}
}

func TestFileRoundTrip(t *testing.T) {
	a, b := pair(t, "unixpacket")
	defer a.Close()
	defer b.Close()
	f, err := a.File()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := unix.Proto("unixpacket")
	c, err := p.FileConn(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("dup"))
	buf := make([]byte, 8)
	n, err := b.Read(buf)
	if err != nil || string(buf[:n]) != "dup" {
		t.Fatalf("read via dup: %q %v", buf[:n], err)
	}
	// A descriptor of another family is refused.
	np, _ := unix.Proto("unix")
	np.Codec = fakeCodec(16)
	f2, _ := b.File()
	defer f2.Close()
	if _, err := np.FileConn(f2); err == nil {
		t.Fatal("FileConn accepted a socket of the wrong family")
	}
}

// Without a control buffer the caller asked for no control messages: the
// kernel's MSG_CTRUNC is not an error, and no descriptor leaks.
func TestNoControlBufferIgnoresControlData(t *testing.T) {
	a, b := pair(t, "unixgram")
	defer a.Close()
	defer b.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	before := leakcheck.OpenFDs()
	if _, _, err := a.WriteMsg([]byte("x"), xunix.UnixRights(int(w.Fd()))); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	n, err := b.Read(buf)
	if err != nil || string(buf[:n]) != "x" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	a.WriteMsg([]byte("y"), xunix.UnixRights(int(w.Fd())))
	n, _, flags, err := b.ReadMsg(buf, nil)
	if err != nil || string(buf[:n]) != "y" || flags&xunix.MSG_CTRUNC == 0 {
		t.Fatalf("ReadMsg without oob = %q, flags %#x, %v; want data, MSG_CTRUNC reported, no error", buf[:n], flags, err)
	}
	if after := leakcheck.OpenFDs(); len(after) != len(before) {
		t.Fatalf("descriptors leaked: %d before, %d after", len(before), len(after))
	}
}

// A write to a peer that has gone returns EPIPE; it does not kill the
// process with SIGPIPE (no MSG_NOSIGNAL is needed).
func TestWriteToClosedPeerIsEPIPE(t *testing.T) {
	for _, network := range []string{"unix", "unixpacket"} {
		a, b := pair(t, network)
		b.Close()
		_, err := a.Write([]byte("x"))
		if err == nil {
			_, err = a.Write([]byte("x"))
		}
		if !errors.Is(err, xunix.EPIPE) {
			t.Errorf("%s: write to closed peer: %v, want EPIPE", network, err)
		}
		_, _, err = a.WriteMsg([]byte("x"), nil)
		if !errors.Is(err, xunix.EPIPE) {
			t.Errorf("%s: WriteMsg to closed peer: %v, want EPIPE", network, err)
		}
		a.Close()
	}
}
