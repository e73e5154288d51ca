package download

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aniworld/aniworld/internal/anime"
)

// File is an open file as the engine uses it; *os.File satisfies it.
type File interface {
	io.Reader
	io.Writer
	io.WriterAt
	io.Seeker
	io.Closer
	Truncate(size int64) error
	Sync() error
	Stat() (fs.FileInfo, error)
}

// FS is the file system the engine writes to. OSFS is the real one; tests
// wrap it to inject failures such as a full disk.
type FS interface {
	OpenFile(name string, flag int, perm fs.FileMode) (File, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	MkdirAll(path string, perm fs.FileMode) error
	// SyncDir fsyncs a directory so a rename in it is durable.
	SyncDir(dir string) error
}

// OSFS is the operating system's file system.
type OSFS struct{}

// OpenFile opens a file with os.OpenFile.
func (OSFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	return os.OpenFile(name, flag, perm)
}

// Rename renames with os.Rename.
func (OSFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove removes with os.Remove.
func (OSFS) Remove(name string) error { return os.Remove(name) }

// MkdirAll creates directories with os.MkdirAll.
func (OSFS) MkdirAll(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }

// SyncDir opens the directory and fsyncs it.
func (OSFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	serr := d.Sync()
	cerr := d.Close()
	if serr != nil {
		return serr
	}
	return cerr
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// writeError marks a local disk failure: never retried.
type writeError struct{ err error }

func (w *writeError) Error() string { return w.err.Error() }
func (w *writeError) Unwrap() error { return w.err }

func wrapWrite(what string, err error) error {
	return &writeError{fmt.Errorf("write %s: %w", what, err)}
}

// state is the JSON file beside a .part that makes a download resumable.
type state struct {
	Version  int              `json:"version"`
	Kind     anime.StreamKind `json:"kind"`
	Complete bool             `json:"complete"` // all bytes are in .part; only finishing is left

	// MP4: the expected size and validators of the remote file.
	Size         int64  `json:"size,omitempty"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`

	// HLS: the playlist fingerprint, how many segments are written as a
	// contiguous prefix and how many bytes of .part they fill.
	Fingerprint string `json:"fingerprint,omitempty"`
	Segments    int    `json:"segments,omitempty"`
	Done        int    `json:"done,omitempty"`
	Offset      int64  `json:"offset,omitempty"`
	FMP4        bool   `json:"fmp4,omitempty"` // segments are fragmented MP4, not MPEG-TS
}

const stateVersion = 1

// loadState reads the state file; a missing or unreadable one is nil
// (start over), never an error.
func (j *job) loadState() *state {
	f, err := j.e.fs.OpenFile(j.state, os.O_RDONLY, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	var st state
	if err := json.NewDecoder(io.LimitReader(f, 1<<20)).Decode(&st); err != nil || st.Version != stateVersion {
		return nil
	}
	return &st
}

// saveState writes the state file atomically (temp file, fsync, rename).
func (j *job) saveState(st *state) error {
	st.Version = stateVersion
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	tmp := j.state + ".tmp"
	f, err := j.e.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return wrapWrite("state", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return wrapWrite("state", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return wrapWrite("state", err)
	}
	if err := f.Close(); err != nil {
		return wrapWrite("state", err)
	}
	if err := j.e.fs.Rename(tmp, j.state); err != nil {
		return wrapWrite("state", err)
	}
	return nil
}

// openPart opens (creating) the .part file for reading and writing and
// reports its current size.
func (j *job) openPart() (File, int64, error) {
	f, err := j.e.fs.OpenFile(j.part, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, wrapWrite(filepath.Base(j.part), err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, wrapWrite(filepath.Base(j.part), err)
	}
	return f, fi.Size(), nil
}

// resetPart truncates f to size and positions writes there.
func resetPart(f File, size int64, name string) error {
	if err := f.Truncate(size); err != nil {
		return wrapWrite(name, err)
	}
	if _, err := f.Seek(size, io.SeekStart); err != nil {
		return wrapWrite(name, err)
	}
	return nil
}
