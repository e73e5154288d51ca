package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ReplaceUnmatched swaps the list of unidentified folders for recs.
func (db *DB) ReplaceUnmatched(ctx context.Context, recs []UnmatchedRecord) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM library_unmatched`); err != nil {
			return err
		}
		for _, r := range recs {
			c := r.Candidates
			if len(c) == 0 {
				c = []byte("[]")
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO library_unmatched(folder, reason, candidates_json) VALUES(?, ?, ?)`,
				r.Folder, r.Reason, string(c)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save unmatched folders: %w", err)
	}
	return nil
}

// DeleteUnmatched drops one folder from the unmatched list.
func (db *DB) DeleteUnmatched(ctx context.Context, folder string) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM library_unmatched WHERE folder = ?`, folder); err != nil {
		return fmt.Errorf("delete unmatched %q: %w", folder, err)
	}
	return nil
}

// Unmatched lists the folders the last complete scan could not identify.
func (db *DB) Unmatched(ctx context.Context) ([]UnmatchedRecord, error) {
	rows, err := db.QueryContext(ctx, `SELECT folder, reason, candidates_json, seen_at FROM library_unmatched ORDER BY folder`)
	if err != nil {
		return nil, fmt.Errorf("list unmatched: %w", err)
	}
	defer rows.Close()
	var out []UnmatchedRecord
	for rows.Next() {
		var r UnmatchedRecord
		var c, seen string
		if err := rows.Scan(&r.Folder, &r.Reason, &c, &seen); err != nil {
			return nil, fmt.Errorf("list unmatched: %w", err)
		}
		r.Candidates = []byte(c)
		r.SeenAt, _ = time.Parse(time.RFC3339Nano, seen)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list unmatched: %w", err)
	}
	return out, nil
}
