package download

import (
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// directIO writes the block-aligned middle of streamed HLS segments to
// .part through a second descriptor opened with O_DIRECT: the bytes go from
// the worker's buffer to the device (DMA) instead of being copied into the
// page cache first, which on a small machine is the largest CPU cost of a
// download. Unaligned heads and tails of segments still go through the
// normal descriptor. Each segment's range is preallocated (fallocate) when
// its offset is assigned, so the direct writes are overwrites of allocated
// blocks that the file system lets run in parallel, and a full disk is
// reported before any byte is written.
//
// Durability is unchanged: fsync of the normal descriptor flushes the
// inode, the journal and the device cache whichever descriptor wrote.
type directIO struct {
	f   *os.File // .part opened again with O_DIRECT
	fd  int      // the normal descriptor, for fallocate
	off atomic.Bool
}

// directAlign is the file offset, length and memory alignment direct
// writes use (the usual file system block and page size).
const directAlign = 4096

// openDirect opens path for direct writes beside f. It returns nil (use
// buffered writes only) when f is not an *os.File (tests, wrappers) or
// the file system refuses O_DIRECT.
func openDirect(f File, path string) *directIO {
	of, ok := f.(*os.File)
	if !ok {
		return nil
	}
	df, err := os.OpenFile(path, os.O_WRONLY|syscall.O_DIRECT, 0)
	if err != nil {
		return nil
	}
	return &directIO{f: df, fd: int(of.Fd())}
}

// close releases the direct descriptor.
func (d *directIO) close() {
	if d != nil {
		d.f.Close()
	}
}

// enabled reports whether direct writes are still in use.
func (d *directIO) enabled() bool { return d != nil && !d.off.Load() }

// reserve preallocates [off, off+n). A full disk or quota is an error;
// a file system without fallocate is not (the writes then allocate).
func (d *directIO) reserve(off, n int64) error {
	if !d.enabled() || n <= 0 {
		return nil
	}
	err := unix.Fallocate(d.fd, 0, off, n)
	if errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EDQUOT) || errors.Is(err, unix.EFBIG) {
		return err
	}
	return nil
}

// writeAt writes p (aligned in memory, offset and length) at off. It
// reports false without writing when the file system rejects direct I/O
// (EINVAL); direct writes are then switched off for the rest of the job
// and the caller writes p through the normal descriptor.
func (d *directIO) writeAt(p []byte, off int64) (bool, error) {
	if !d.enabled() {
		return false, nil
	}
	if _, err := d.f.WriteAt(p, off); err != nil {
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
			d.off.Store(true)
			return false, nil
		}
		return true, err
	}
	return true, nil
}

// alignedBuffer returns n bytes (a multiple of directAlign) whose first
// byte is directAlign-aligned in memory.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+directAlign)
	skip := int(-uintptr(unsafe.Pointer(&b[0])) & (directAlign - 1))
	return b[skip : skip+n : skip+n]
}
