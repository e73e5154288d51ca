package nfo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// WriteFile writes data to path atomically: a temp file in the same folder,
// fsync, rename, then fsync of the folder. On failure no file is left behind.
func WriteFile(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", filepath.Base(path), err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(path), err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s: %w", filepath.Base(path), err)
	}
	SyncDir(dir)
	return nil
}

// SyncDir fsyncs a directory so a rename in it is durable; errors are
// ignored (some filesystems refuse to sync directories).
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
