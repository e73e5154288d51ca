package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback starts the kernel's writeback of [off, off+n) of f
// without waiting (sync_file_range SYNC_FILE_RANGE_WRITE).
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
