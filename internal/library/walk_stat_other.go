//go:build !unix

package library

import (
	"os"
	"path/filepath"
)

// dirStat answers a function that reads the size of a regular file in the
// open directory d; ok is false when the entry is gone or is not a regular
// file. (Unix systems use fstatat relative to d instead.)
func dirStat(d *os.File) func(name string) (size int64, ok bool) {
	dir := d.Name()
	return func(name string) (int64, bool) {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() {
			return 0, false
		}
		return fi.Size(), true
	}
}
