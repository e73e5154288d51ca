//go:build !linux

package library

import (
	"os"
	"path/filepath"
)

// fileSize stats dir/name without following a symbolic link.
func fileSize(_ *os.File, dir, name string) (int64, bool) {
	fi, err := os.Lstat(filepath.Join(dir, name))
	if err != nil || !fi.Mode().IsRegular() {
		return 0, false
	}
	return fi.Size(), true
}
