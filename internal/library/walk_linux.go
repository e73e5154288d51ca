//go:build linux

package library

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/aniworld/aniworld/internal/anime"
	"golang.org/x/sys/unix"
)

// walk lists the series folder abs with raw system calls: each sub-folder
// opened relative to its parent, one fstat per folder, getdents into a
// reused buffer and, when sizes are wanted, one fstatat per episode file
// relative to its folder. An os.File would cost four fcntl and an epoll_ctl
// per folder and a full path lookup per file; find(1) does what this does.
func (w *walker) walk(abs string) error {
	fd, err := openDirAt(unix.AT_FDCWD, abs)
	if err != nil {
		return &fs.PathError{Op: "open", Path: abs, Err: err}
	}
	if w.buf == nil {
		w.buf = make([]byte, 16<<10)
	}
	if err := w.dir(fd, abs, "", 0); err != nil {
		return err
	}
	if w.sizes && !w.markerRead { // no marker among the entries
		w.markerRead, w.markerErr = true, markerNotFound(abs)
	}
	return nil
}

// readMarkerAt is ReadMarker for the series folder dir open as dirfd.
func readMarkerAt(dirfd int, dir string) (Marker, error) {
	base := filepath.Base(dir)
	var fd int
	var err error
	for {
		// O_NONBLOCK: a FIFO in the marker's place must not hang the scan.
		fd, err = unix.Openat(dirfd, MarkerFile, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != unix.EINTR {
			break
		}
	}
	if errors.Is(err, unix.ENOENT) {
		return Marker{}, markerNotFound(dir)
	}
	if err != nil {
		return Marker{}, fmt.Errorf("marker in %s: %w", base, &fs.PathError{Op: "open", Path: filepath.Join(dir, MarkerFile), Err: err})
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return Marker{}, fmt.Errorf("marker in %s: %w", base, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size > maxMarkerBytes {
		return Marker{}, fmt.Errorf("%w: marker in %s is not a small regular file", anime.ErrInvalid, base)
	}
	// Exactly the size fstat gave: one read, no second one to see EOF.
	b := make([]byte, st.Size)
	n := 0
	for n < len(b) {
		m, err := unix.Read(fd, b[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return Marker{}, fmt.Errorf("read marker in %s: %w", base, err)
		}
		if m == 0 {
			break
		}
		n += m
	}
	return decodeMarker(b[:n], dir)
}

// openDirAt opens the folder name below dirfd, refusing a symbolic link.
func openDirAt(dirfd int, name string) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// lstatAt is fstatat(dirfd, name) without following a final symbolic link.
func lstatAt(dirfd int, name string, st *unix.Stat_t) error {
	for {
		if err := unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW); err != unix.EINTR {
			return err
		}
	}
}

// dir reads the open folder fd (abs, rel below the series folder) and
// closes it. Its files are handled first, then its sub-folders, so the one
// entries buffer is never needed twice at once.
func (w *walker) dir(fd int, abs, rel string, depth int) error {
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err == nil {
		w.dirs = append(w.dirs, dirStamp{rel: rel, mtime: st.Mtim.Nano()})
	}
	stat := func(name string) (int64, bool) {
		var st unix.Stat_t
		if lstatAt(fd, name, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			return 0, false
		}
		return st.Size, true
	}
	var sub []string
	for {
		n, err := unix.Getdents(fd, w.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", filepath.Base(abs), err)
		}
		if n <= 0 {
			break
		}
		// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
		for b := w.buf[:n]; len(b) > 0; {
			reclen := 0
			if len(b) >= 19 {
				reclen = int(binary.NativeEndian.Uint16(b[16:18]))
			}
			if reclen < 19 || reclen > len(b) {
				return fmt.Errorf("read %s: malformed directory entry", filepath.Base(abs))
			}
			typ, nb := b[18], b[19:reclen]
			b = b[reclen:]
			if i := bytes.IndexByte(nb, 0); i >= 0 {
				nb = nb[:i]
			}
			if len(nb) == 0 || string(nb) == "." || string(nb) == ".." {
				continue
			}
			if depth == 0 && w.sizes && string(nb) == MarkerFile {
				w.markerRead = true
				w.marker, w.markerErr = readMarkerAt(fd, abs)
				continue
			}
			if typ == unix.DT_UNKNOWN { // file systems without d_type
				typ = typeAt(fd, string(nb))
			}
			switch typ {
			case unix.DT_DIR:
				if name := string(nb); descend(name, depth) {
					sub = append(sub, name)
				}
			case unix.DT_REG, unix.DT_LNK:
				w.file(abs, relPath(rel, nb), len(nb), typ == unix.DT_LNK, stat)
			}
		}
	}
	for _, name := range sub {
		cfd, err := openDirAt(fd, name)
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP) {
			continue // gone or replaced (by a symbolic link, too) since it was listed
		}
		if err != nil {
			return &fs.PathError{Op: "open", Path: filepath.Join(abs, name), Err: err}
		}
		r := name
		if rel != "" {
			r = rel + "/" + name
		}
		if err := w.dir(cfd, filepath.Join(abs, name), r, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// typeAt answers the d_type of name below dirfd from an lstat, DT_UNKNOWN
// when it is gone.
func typeAt(dirfd int, name string) byte {
	var st unix.Stat_t
	if lstatAt(dirfd, name, &st) != nil {
		return unix.DT_UNKNOWN
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return unix.DT_DIR
	case unix.S_IFREG:
		return unix.DT_REG
	case unix.S_IFLNK:
		return unix.DT_LNK
	}
	return unix.DT_UNKNOWN
}
