package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// CheckDirectory is the one check of a directory a client names
// (anime_directory in setup, PUT /api/config, POST /api/config/directory):
// it accepts an existing directory, or a missing one, which it creates
// when create is set, and answers its absolute path. Anything else (a
// file, NUL, a place it cannot be created) is an error whose text is safe
// to show.
func CheckDirectory(dir string, create bool) (abs string, err error) {
	if strings.TrimSpace(dir) == "" {
		return "", errors.New("directory path is required")
	}
	if strings.ContainsRune(dir, 0) {
		return "", errors.New("directory path must not contain NUL")
	}
	if abs, err = filepath.Abs(dir); err != nil {
		return "", errors.New("not a valid path")
	}
	fi, err := os.Stat(abs)
	switch {
	case err == nil && fi.IsDir():
		return abs, nil
	case err == nil:
		return "", errors.New("path exists and is not a directory")
	case errors.Is(err, os.ErrNotExist):
		if !create {
			return abs, nil
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return "", errors.New("directory does not exist and cannot be created")
		}
		return abs, nil
	}
	return "", errors.New("directory is not accessible")
}
