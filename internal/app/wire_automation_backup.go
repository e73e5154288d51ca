package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/monitor"
)

// monitoringBackupPart makes configuration backups carry the per-series
// monitoring settings (SQLite) and a restore put them back. The calendar
// feed token is deliberately not part of it: rotating it is a security
// action a restore must not undo.
func monitoringBackupPart(mon *monitor.Service, log *slog.Logger) config.BackupPart {
	const name = "series_monitoring"
	decode := func(raw json.RawMessage) (monitor.Snapshot, error) {
		var snap monitor.Snapshot
		if err := json.Unmarshal(raw, &snap); err != nil {
			return nil, err
		}
		return snap, snap.Check()
	}
	return config.BackupPart{
		Name: name,
		Export: func() (json.RawMessage, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			snap, err := mon.Snapshot(ctx)
			if err != nil {
				return nil, err
			}
			return json.Marshal(snap)
		},
		Check: func(raw json.RawMessage) error {
			_, err := decode(raw)
			return err
		},
		Import: func(raw json.RawMessage) error {
			snap, err := decode(raw)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			n, skipped, err := mon.Restore(ctx, snap)
			if len(skipped) > 0 {
				log.Info("restore: monitoring of series no longer in the library skipped", "series", skipped)
			}
			log.Info("restore: monitoring settings restored", "series", n)
			return err
		},
	}
}
