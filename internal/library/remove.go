package library

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aniworld/aniworld/internal/anime"
)

// removedReason is what scans report for the folder of a series removed
// from the library with its files kept.
const removedReason = "removed from the library (files kept); add the series again to restore it"

// Remove takes a series out of the library. Without deleteFiles its folder
// and files stay and its marker is flagged Removed, so later scans do not
// add it back; with deleteFiles the folder is deleted with everything in
// it. The database rows (episodes, missing list, monitoring) go either way.
func (s *Service) Remove(ctx context.Context, key string, deleteFiles bool) error {
	rec, err := s.store.SeriesByKey(ctx, key)
	if err != nil {
		return err
	}
	root := s.Directory()
	folder := rec.Series.Folder
	if root != "" && folder != "" {
		if !filepath.IsLocal(folder) {
			return fmt.Errorf("%w: series folder %q leaves the anime directory", anime.ErrInvalid, folder)
		}
		dir := filepath.Join(root, folder)
		if deleteFiles {
			if err := os.RemoveAll(dir); err != nil {
				return fmt.Errorf("delete folder of %s: %w", key, err)
			}
		} else if err := flagRemoved(dir, rec.Series); err != nil {
			return err
		}
	}
	return s.store.DeleteSeries(ctx, key)
}

// flagRemoved marks dir's marker Removed (writing one when it is absent);
// a folder that no longer exists needs nothing.
func flagRemoved(dir string, sr anime.Series) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil
	}
	m, err := ReadMarker(dir)
	if errors.Is(err, anime.ErrNotFound) || errors.Is(err, anime.ErrInvalid) {
		m = Marker{Key: sr.Key, Site: sr.Site, Name: sr.Name, Link: sr.Link, Year: sr.Year}
	} else if err != nil {
		return err
	}
	m.Removed = true
	return WriteMarker(dir, m)
}
