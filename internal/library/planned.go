package library

import (
	"context"
	"errors"
	"fmt"

	"github.com/aniworld/aniworld/internal/anime"
)

// PlannedFolder answers the folder Add would use for a series named name
// (the sanitised name, or "Name (Year)" / "Name [key]" when another series
// holds it), or the folder it already has when it is in the library.
// Nothing is created.
func (s *Service) PlannedFolder(ctx context.Context, key, name string, year int) (folder string, inLibrary bool, err error) {
	if rec, err := s.store.SeriesByKey(ctx, key); err == nil {
		return rec.Series.Folder, true, nil
	} else if !errors.Is(err, anime.ErrNotFound) {
		return "", false, err
	}
	root := s.Directory()
	if root == "" {
		return "", false, fmt.Errorf("%w: no anime directory configured", anime.ErrInvalid)
	}
	folder, err = s.pickFolder(ctx, root, key, name, year)
	return folder, false, err
}
