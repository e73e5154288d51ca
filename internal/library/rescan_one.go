package library

import (
	"context"
	"fmt"

	"github.com/aniworld/aniworld/internal/anime"
)

// RescanSeries rescans one series' folder and asks its site for the
// episode list again (mark ctx with provider.WithFreshData to bypass the
// page cache), so its files and missing episodes are current.
func (s *Service) RescanSeries(ctx context.Context, key string) error {
	rec, err := s.store.SeriesByKey(ctx, key)
	if err != nil {
		return err
	}
	root := s.Directory()
	if root == "" {
		return fmt.Errorf("%w: no anime directory configured", anime.ErrUnavailable)
	}
	_, err = s.scanOne(ctx, root, rec.Series.Folder)
	return err
}
