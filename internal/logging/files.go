package logging

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Why Files.Open refused a name.
var (
	ErrOutsideDir = errors.New("log file: name leaves the log directory")
	ErrLink       = errors.New("log file: links are not served")
	ErrNoLogFile  = errors.New("log file: not found")
)

// Files are the log files of one directory as they are shown and served:
// regular, not hidden, with ".log" in the name, reached through os.Root,
// so nothing outside the directory (the config, the database, secrets)
// is reachable, even when the log directory is the data directory.
type Files struct {
	Dir    string // the log directory
	Active string // the file being written now (absolute path), or ""
}

// File is one log file.
type File struct {
	Name     string
	Size     int64
	Modified time.Time
	Active   bool // the file being written now
}

// isLogFile says whether a directory entry is a log file.
func isLogFile(name string) bool {
	return !strings.HasPrefix(name, ".") && strings.Contains(strings.ToLower(name), ".log")
}

// forbiddenName is a name that tries to leave the log directory.
func forbiddenName(name string) bool {
	return name == "" || name == "." || strings.ContainsAny(name, "/\\\x00") || strings.Contains(name, "..") ||
		filepath.IsAbs(name) || filepath.VolumeName(name) != ""
}

// root opens the directory; nil without error when it does not exist.
func (f Files) root() (*os.Root, error) {
	root, err := os.OpenRoot(f.Dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("open log dir: %w", err)
	}
	return root, nil
}

// Open opens a log file by name: ErrOutsideDir for a name that leaves
// the directory, ErrLink for a link, ErrNoLogFile for anything missing
// or not a regular log file.
func (f Files) Open(name string) (*os.File, fs.FileInfo, error) {
	if forbiddenName(name) {
		return nil, nil, ErrOutsideDir
	}
	if !isLogFile(name) {
		return nil, nil, ErrNoLogFile
	}
	root, err := f.root()
	if err != nil {
		return nil, nil, err
	}
	if root == nil {
		return nil, nil, ErrNoLogFile
	}
	defer root.Close()
	if fi, err := root.Lstat(name); err != nil || !fi.Mode().IsRegular() {
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, nil, ErrLink
		}
		return nil, nil, ErrNoLogFile
	}
	file, err := root.Open(name)
	if err != nil {
		return nil, nil, ErrNoLogFile
	}
	fi, err := file.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		file.Close()
		return nil, nil, ErrNoLogFile
	}
	return file, fi, nil
}

// List answers the log files, newest first (none when the directory
// does not exist).
func (f Files) List() ([]File, error) {
	root, err := f.root()
	if err != nil || root == nil {
		return []File{}, err
	}
	defer root.Close()
	d, err := root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("list log dir: %w", err)
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("list log dir: %w", err)
	}
	dir, _ := filepath.Abs(f.Dir)
	out := []File{}
	for _, e := range entries {
		if !e.Type().IsRegular() || !isLogFile(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, File{Name: e.Name(), Size: fi.Size(), Modified: fi.ModTime(),
			Active: filepath.Join(dir, e.Name()) == f.Active})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Modified.After(out[j].Modified) })
	return out, nil
}

// RemoveOlder deletes the log files last written before cutoff, never the
// active one, and answers those it removed and the names it could not.
func (f Files) RemoveOlder(cutoff time.Time) (removed []File, failed []string, err error) {
	files, err := f.List()
	if err != nil {
		return nil, nil, err
	}
	root, err := f.root()
	if err != nil || root == nil {
		return nil, nil, err
	}
	defer root.Close()
	for _, file := range files {
		if file.Active || !file.Modified.Before(cutoff) {
			continue
		}
		if err := root.Remove(file.Name); err != nil {
			failed = append(failed, file.Name)
			continue
		}
		removed = append(removed, file)
	}
	return removed, failed, nil
}
