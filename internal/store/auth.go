package store

import (
	"context"
	"fmt"
	"time"
)

// RevokeToken records a revoked JWT id until expiresAt. Revoking the same
// id again keeps the later expiry.
func (db *DB) RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error {
	_, err := db.ExecContext(ctx, `INSERT INTO revoked_tokens(jti, expires_at) VALUES(?, ?)
		ON CONFLICT(jti) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)`,
		jti, expiresAt.Unix())
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// RevokedTokens returns every revoked JWT id whose expiry is after now,
// with that expiry.
func (db *DB) RevokedTokens(ctx context.Context, now time.Time) (map[string]time.Time, error) {
	rows, err := db.QueryContext(ctx, `SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > ?`, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("list revoked tokens: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var jti string
		var exp int64
		if err := rows.Scan(&jti, &exp); err != nil {
			return nil, fmt.Errorf("list revoked tokens: %w", err)
		}
		out[jti] = time.Unix(exp, 0).UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list revoked tokens: %w", err)
	}
	return out, nil
}

// PruneRevokedTokens deletes revocations whose expiry is at or before now
// and reports how many it removed.
func (db *DB) PruneRevokedTokens(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM revoked_tokens WHERE expires_at <= ?`, now.Unix())
	if err != nil {
		return 0, fmt.Errorf("prune revoked tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune revoked tokens: %w", err)
	}
	return n, nil
}
