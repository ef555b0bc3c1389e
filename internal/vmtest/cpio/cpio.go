package cpio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// Mode bits of the newc header (the same values as in struct stat).
const (
	modeDir     = 0o040000
	modeRegular = 0o100000
	modeSymlink = 0o120000
	modeCharDev = 0o020000
)

// trailer is the name of the entry that ends every archive.
const trailer = "TRAILER!!!"

// Writer writes a newc archive. Entries are written in the order of the
// calls; the kernel creates them in that order, so a directory must be
// written before the entries inside it. Close writes the trailer.
type Writer struct {
	w      io.Writer
	n      int64  // bytes written, for padding
	ino    uint32 // last inode number handed out
	err    error  // sticky write error
	closed bool
}

// NewWriter returns a Writer that writes the archive to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Dir adds a directory with permission bits perm.
func (w *Writer) Dir(name string, perm fs.FileMode) error {
	return w.entry(name, modeDir|uint32(perm.Perm()), 0, 0, nil)
}

// File adds a regular file holding data, with permission bits perm.
func (w *Writer) File(name string, perm fs.FileMode, data []byte) error {
	return w.entry(name, modeRegular|uint32(perm.Perm()), 0, 0, data)
}

// Symlink adds a symbolic link name pointing to target.
func (w *Writer) Symlink(name, target string) error {
	return w.entry(name, modeSymlink|0o777, 0, 0, []byte(target))
}

// CharDev adds a character device node with the given major and minor
// numbers, e.g. CharDev("dev/console", 0o600, 5, 1).
func (w *Writer) CharDev(name string, perm fs.FileMode, major, minor uint32) error {
	return w.entry(name, modeCharDev|uint32(perm.Perm()), major, minor, nil)
}

// Close writes the trailer entry. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	err := w.entry(trailer, 0, 0, 0, nil)
	w.closed = true
	return err
}

func (w *Writer) entry(name string, mode, rmajor, rminor uint32, data []byte) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("cpio: write after Close")
	}
	name = strings.TrimPrefix(name, "/")
	if name == "" || strings.IndexByte(name, 0) >= 0 {
		return fmt.Errorf("cpio: invalid entry name %q", name)
	}
	if uint64(len(data)) > 0xffffffff {
		return fmt.Errorf("cpio: %s: %d bytes is too large for newc", name, len(data))
	}
	nlink := uint32(1)
	if mode&0o170000 == modeDir {
		nlink = 2
	}
	ino := uint32(0)
	if name != trailer {
		w.ino++
		ino = w.ino
	}
	// The header is "070701" followed by 13 eight-digit hex fields:
	// ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
	// rdevmajor, rdevminor, namesize (with the NUL), check.
	hdr := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rmajor, rminor, len(name)+1, 0)
	w.write([]byte(hdr))
	w.write([]byte(name))
	w.write([]byte{0})
	w.pad()
	w.write(data)
	w.pad()
	return w.err
}

func (w *Writer) write(b []byte) {
	if w.err != nil || len(b) == 0 {
		return
	}
	n, err := w.w.Write(b)
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("cpio: %w", err)
	}
}

// pad aligns the output to 4 bytes, as newc requires after the name and
// after the data.
func (w *Writer) pad() {
	if r := w.n % 4; r != 0 {
		w.write(make([]byte, 4-r))
	}
}
