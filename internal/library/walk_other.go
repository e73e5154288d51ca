//go:build !linux

package library

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// walk lists the series folder abs with os.File.ReadDir (Linux uses raw
// getdents and fstatat instead, see walk_linux.go).
func (w *walker) walk(abs string) error {
	return w.dir(abs, "", 0)
}

func (w *walker) dir(abs, rel string, depth int) error {
	d, err := os.Open(abs)
	if err != nil {
		return err
	}
	defer d.Close()
	if fi, err := d.Stat(); err == nil {
		w.dirs = append(w.dirs, dirStamp{rel: rel, mtime: fi.ModTime().UnixNano()})
	}
	entries, err := d.ReadDir(-1)
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(abs), err)
	}
	stat := func(name string) (int64, bool) {
		fi, err := os.Lstat(filepath.Join(abs, name))
		if err != nil || !fi.Mode().IsRegular() {
			return 0, false
		}
		return fi.Size(), true
	}
	for _, e := range entries {
		name := e.Name()
		t := e.Type()
		switch {
		case t.IsDir():
			if !descend(name, depth) {
				continue
			}
			r := name
			if rel != "" {
				r = rel + "/" + name
			}
			if err := w.dir(filepath.Join(abs, name), r, depth+1); err != nil {
				return err
			}
		case t&^fs.ModeSymlink != 0: // sockets, devices, pipes
		default:
			w.file(abs, relPath(rel, []byte(name)), len(name), t&fs.ModeSymlink != 0, stat)
		}
	}
	return nil
}
