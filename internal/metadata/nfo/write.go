package nfo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aniworld/aniworld/internal/atomicfile"
)

// MarshalTVShow renders a tvshow.nfo: declaration, two-space indent,
// trailing newline.
func MarshalTVShow(t *TVShow) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(t); err != nil {
		return nil, fmt.Errorf("encode tvshow.nfo: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// MarshalEpisodes renders an episode NFO: one <episodedetails> block per
// episode (several for a multi-episode file), one after another.
func MarshalEpisodes(eps ...EpisodeDetails) ([]byte, error) {
	if len(eps) == 0 {
		return nil, fmt.Errorf("encode episode nfo: no episodes")
	}
	var b bytes.Buffer
	b.WriteString(Header)
	for i := range eps {
		enc := xml.NewEncoder(&b)
		enc.Indent("", "  ")
		if err := enc.Encode(&eps[i]); err != nil {
			return nil, fmt.Errorf("encode episode nfo: %w", err)
		}
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// WriteTVShow writes t to path atomically.
func WriteTVShow(path string, t *TVShow) error {
	data, err := MarshalTVShow(t)
	if err != nil {
		return err
	}
	return WriteFile(path, data)
}

// EpisodePath is the NFO path for a video: its basename plus ".nfo", in the
// same folder.
func EpisodePath(videoPath string) string {
	return strings.TrimSuffix(videoPath, filepath.Ext(videoPath)) + ".nfo"
}

// WriteEpisodes writes the NFO for videoPath atomically and returns its path.
func WriteEpisodes(videoPath string, eps ...EpisodeDetails) (string, error) {
	data, err := MarshalEpisodes(eps...)
	if err != nil {
		return "", err
	}
	p := EpisodePath(videoPath)
	return p, WriteFile(p, data)
}

// WriteFile writes data to path atomically (mode 0644): a temp file in the
// same folder, fsync, rename, then fsync of the folder. On failure no file
// is left behind.
func WriteFile(path string, data []byte) error {
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}
