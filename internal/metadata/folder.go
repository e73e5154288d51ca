package metadata

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/metadata/nfo"
)

const nfoName = "tvshow.nfo"

// Artwork file names, in lookup order (the first is the one we write).
var (
	posterNames = []string{"poster.jpg", "poster.png"}
	logoNames   = []string{"logo.png", "clearlogo.png"}
	fanartNames = []string{"fanart.jpg", "fanart.png"}
)

// ValidKey rejects series keys that could name a path: empty, too long,
// with separators, wildcards, control characters, or a leading dot.
func ValidKey(key string) error {
	if key == "" || len(key) > 200 {
		return fmt.Errorf("%w: series id must be 1..200 characters", anime.ErrInvalid)
	}
	if strings.HasPrefix(key, ".") || strings.ContainsAny(key, `/\:*?"<>|`) {
		return fmt.Errorf("%w: series id %q contains path characters", anime.ErrInvalid, key)
	}
	for _, r := range key {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%w: series id %q contains control characters", anime.ErrInvalid, key)
		}
	}
	return nil
}

// folder is a series folder; every path the service touches goes through it
// and is confined to it.
type folder struct {
	dir  string // as configured, cleaned (used in answers)
	real string // symlinks resolved (used for containment checks)
}

func openFolder(dir string) (*folder, error) {
	if dir == "" || !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("%w: series folder %q is not an absolute path", anime.ErrInvalid, dir)
	}
	dir = filepath.Clean(dir)
	real, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: series folder %s does not exist", anime.ErrNotFound, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("series folder: %w", err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("series folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%w: series folder %s is not a directory", anime.ErrInvalid, dir)
	}
	return &folder{dir: dir, real: real}, nil
}

// path is name inside the folder. name must be a plain file name; an
// existing symlink there must point inside the folder.
func (f *folder) path(name string) (string, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || filepath.Base(name) != name {
		return "", fmt.Errorf("%w: %q is not a plain file name", anime.ErrInvalid, name)
	}
	p := filepath.Join(f.dir, name)
	if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(p)
		if err != nil || !within(f.real, target) {
			return "", fmt.Errorf("%w: %s points outside the series folder", anime.ErrForbidden, name)
		}
	}
	return p, nil
}

// contain checks that an absolute path given by a caller lies inside the
// folder (symlinks in its parent resolved) and returns it cleaned.
func (f *folder) contain(p string) (string, error) {
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("%w: path %q is not absolute", anime.ErrInvalid, p)
	}
	p = filepath.Clean(p)
	parent, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return "", fmt.Errorf("%w: folder of %s: %v", anime.ErrNotFound, filepath.Base(p), err)
	}
	if !within(f.real, filepath.Join(parent, filepath.Base(p))) {
		return "", fmt.Errorf("%w: %s is outside the series folder", anime.ErrForbidden, filepath.Base(p))
	}
	return p, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// existing returns the path of the first name that is a regular file.
func (f *folder) existing(names ...string) (string, bool) {
	for _, n := range names {
		p, err := f.path(n)
		if err != nil {
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

func (f *folder) media() MediaFiles {
	var m MediaFiles
	if p, ok := f.existing(posterNames...); ok {
		m.HasPoster, m.PosterPath = true, &p
	}
	if p, ok := f.existing(logoNames...); ok {
		m.HasLogo, m.LogoPath = true, &p
	}
	if p, ok := f.existing(fanartNames...); ok {
		m.HasFanart, m.FanartPath = true, &p
	}
	return m
}

func (f *folder) readNFO() (*nfo.Info, error) {
	p, ok := f.existing(nfoName)
	if !ok {
		return nil, fmt.Errorf("%w: no tvshow.nfo", anime.ErrNotFound)
	}
	fh, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open tvshow.nfo: %w", err)
	}
	defer fh.Close()
	return nfo.ReadTVShow(fh)
}
