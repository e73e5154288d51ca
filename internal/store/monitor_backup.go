package store

import (
	"context"
	"fmt"
)

// SeriesKeys lists the key of every series in the library.
func (db *DB) SeriesKeys(ctx context.Context) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT key FROM series ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("list series keys: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("list series keys: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list series keys: %w", err)
	}
	return out, nil
}
