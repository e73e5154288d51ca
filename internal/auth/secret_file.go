package auth

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// secretFileMode is the only mode a secret file may have.
const secretFileMode fs.FileMode = 0o600

// maxSecretFileSize caps how much of a secret file is read.
const maxSecretFileSize = 64 << 10

// errFileExists is returned by createSecretFile when the target exists.
var errFileExists = errors.New("file already exists")

// writeTemp writes data to a new 0600 temporary file in dir, fsyncs and
// closes it, and returns its path. The caller removes it.
func writeTemp(dir, base string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(tmp)
		return "", err
	}
	if err := f.Chmod(secretFileMode); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// syncDir fsyncs a directory so a rename or link in it is durable. Some
// platforms cannot sync directories; that is not an error worth failing on.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

// createSecretFile atomically creates path with data and mode 0600, and
// fails with errFileExists if path already exists: the content goes to a
// synced temp file which is then hard-linked to path (link never replaces),
// so concurrent creators, even in different processes, see exactly one win
// and nobody ever reads a partial file. Where hard links are unsupported
// it falls back to an existence check plus rename, which is atomic for
// readers but only race-free within one process (the caller holds a lock).
func createSecretFile(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := writeTemp(dir, base, data)
	if err != nil {
		return fmt.Errorf("write %s: %w", base, err)
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrExist):
		return errFileExists
	default:
		if _, serr := os.Lstat(path); serr == nil {
			return errFileExists
		}
		if rerr := os.Rename(tmp, path); rerr != nil {
			return fmt.Errorf("install %s: %w", base, rerr)
		}
	}
	syncDir(dir)
	return nil
}

// readSecretFile reads a secret file. It must be a regular file; if its
// mode grants anything to group or others it is first tightened to 0600.
// A missing file is reported with fs.ErrNotExist.
func readSecretFile(path string) ([]byte, error) {
	base := filepath.Base(path)
	st, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read %s: %w", base, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("read %s: %w", base, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file", base)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, secretFileMode); err != nil {
			return nil, fmt.Errorf("secure %s: %w", base, err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", base, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", base, err)
	}
	if len(data) > maxSecretFileSize {
		return nil, fmt.Errorf("read %s: file too large", base)
	}
	return data, nil
}

// replaceSecretFile atomically replaces path with data (mode 0600): temp
// file, fsync, rename, fsync dir.
func replaceSecretFile(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := writeTemp(dir, base, data)
	if err != nil {
		return fmt.Errorf("write %s: %w", base, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("install %s: %w", base, err)
	}
	syncDir(dir)
	return nil
}
