package library

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/atomicfile"
)

// MarkerFile is the name of the identity file inside every series folder.
// It lets the library be rebuilt from disk alone and keeps a series' identity
// when its folder is renamed.
const MarkerFile = ".aniworld.json"

// maxMarkerBytes bounds what the scanner reads from a marker.
const maxMarkerBytes = 64 << 10

// Marker is the content of MarkerFile.
type Marker struct {
	Key  string `json:"key"`
	Site string `json:"site"`
	Name string `json:"name"`
	Link string `json:"link,omitempty"`
	Year int    `json:"year,omitempty"`
	// Removed: the series was removed from the library keeping its files;
	// scans report the folder as unmatched instead of adding it back, and
	// adding the series again clears the flag.
	Removed bool `json:"removed,omitempty"`
}

// ReadMarker reads dir's marker. It answers anime.ErrNotFound when there is
// none and anime.ErrInvalid when it is unreadable or names no valid key.
func ReadMarker(dir string) (Marker, error) {
	p := filepath.Join(dir, MarkerFile)
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return Marker{}, markerNotFound(dir)
	}
	if err != nil {
		return Marker{}, fmt.Errorf("marker in %s: %w", filepath.Base(dir), err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Marker{}, fmt.Errorf("marker in %s: %w", filepath.Base(dir), err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxMarkerBytes {
		return Marker{}, fmt.Errorf("%w: marker in %s is not a small regular file", anime.ErrInvalid, filepath.Base(dir))
	}
	b := make([]byte, fi.Size()+1) // +1 sees growth; one read usually suffices
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Marker{}, fmt.Errorf("read marker in %s: %w", filepath.Base(dir), err)
	}
	return decodeMarker(b[:n], dir)
}

func markerNotFound(dir string) error {
	return fmt.Errorf("marker in %s: %w", filepath.Base(dir), anime.ErrNotFound)
}

// decodeMarker parses the content of dir's marker.
func decodeMarker(b []byte, dir string) (Marker, error) {
	var m Marker
	if err := json.Unmarshal(b, &m); err != nil {
		return Marker{}, fmt.Errorf("%w: marker in %s: %v", anime.ErrInvalid, filepath.Base(dir), err)
	}
	m.Key = strings.TrimSpace(m.Key)
	if !ValidKey(m.Key) {
		return Marker{}, fmt.Errorf("%w: marker in %s has invalid key %q", anime.ErrInvalid, filepath.Base(dir), m.Key)
	}
	if m.Site == "" {
		m.Site = SiteAniworld
	}
	return m, nil
}

// WriteMarker writes dir's marker atomically (temporary file in dir, fsync,
// rename, fsync of dir).
func WriteMarker(dir string, m Marker) error {
	if !ValidKey(m.Key) {
		return fmt.Errorf("%w: marker key %q", anime.ErrInvalid, m.Key)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode marker: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, MarkerFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write marker: %w", err)
	}
	return nil
}
