package download

import "golang.org/x/sys/unix"

// startWriteback asks the kernel to begin writing [off, off+n) of f to disk
// without waiting (sync_file_range SYNC_FILE_RANGE_WRITE), so that the
// fsyncs at checkpoints and at the end find little left to flush. Files
// without a descriptor (test fakes) are skipped; errors are ignored because
// the fsync that follows reports real failures.
func startWriteback(f File, off, n int64) {
	fd, ok := f.(interface{ Fd() uintptr })
	if !ok || n <= 0 {
		return
	}
	_ = unix.SyncFileRange(int(fd.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
