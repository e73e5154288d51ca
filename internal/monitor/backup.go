package monitor

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aniworld/aniworld/internal/anime"
)

// Snapshot is the monitoring settings of every series in the library, by
// key: what a configuration backup carries so that the settings survive
// backups and restore. Refresh state and the episodes seen are not part
// of it (they are observations, not settings).
type Snapshot map[string]Settings

// Snapshot answers every library series' settings (Default for those
// never configured, so a restore also turns back monitoring switched on
// after the backup).
func (s *Service) Snapshot(ctx context.Context) (Snapshot, error) {
	keys, err := s.o.Store.SeriesKeys(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.o.Store.MonitorRows(ctx)
	if err != nil {
		return nil, err
	}
	out := make(Snapshot, len(keys))
	for _, k := range keys {
		out[k] = Default()
	}
	for _, r := range rows {
		if _, ok := out[r.Key]; ok {
			out[r.Key], _ = fromRow(r)
		}
	}
	return out, nil
}

// Check validates every entry (keys and settings) without applying any.
func (snap Snapshot) Check() error {
	keys := make([]string, 0, len(snap))
	for k := range snap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		if !anime.ValidKey(k) {
			errs = append(errs, fmt.Errorf("%q is not a series key", k))
			continue
		}
		if _, err := snap[k].Normalize(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k, err))
		}
		if len(errs) >= 5 {
			break
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", anime.ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// Restore applies a snapshot (checked first; nothing changes when any
// entry is invalid): each series still in the library gets its settings
// back, as if set through Set. Series the snapshot does not know (added
// after the backup) keep theirs; keys no longer in the library are
// answered as skipped.
func (s *Service) Restore(ctx context.Context, snap Snapshot) (restored int, skipped []string, err error) {
	if err := snap.Check(); err != nil {
		return 0, nil, err
	}
	keys := make([]string, 0, len(snap))
	for k := range snap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, _, err := s.Set(ctx, k, snap[k]); err != nil {
			if errors.Is(err, anime.ErrNotFound) {
				skipped = append(skipped, k)
				continue
			}
			return restored, skipped, err
		}
		restored++
	}
	return restored, skipped, nil
}
