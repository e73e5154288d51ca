//go:build linux

package library

import (
	"os"

	"golang.org/x/sys/unix"
)

// fileSize stats name relative to the open directory d (fstatat), which
// spares the kernel a full path lookup per file.
func fileSize(d *os.File, _ string, name string) (int64, bool) {
	var st unix.Stat_t
	if err := unix.Fstatat(int(d.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return 0, false
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return 0, false
	}
	return st.Size, true
}
