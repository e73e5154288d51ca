//go:build unix

package library

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// dirStat answers a function that reads the size of a regular file in the
// open directory d with one fstatat relative to d's descriptor, so the
// kernel does not resolve the whole path again for every file (a first scan
// reads every episode file's size). ok is false when the entry is gone or
// is not a regular file. The function is valid while d is open.
func dirStat(d *os.File) func(name string) (size int64, ok bool) {
	fd := int(d.Fd())
	return func(name string) (int64, bool) {
		var st unix.Stat_t
		err := unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
		for errors.Is(err, unix.EINTR) {
			err = unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
		}
		if err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			return 0, false
		}
		return st.Size, true
	}
}
