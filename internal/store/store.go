// Package store owns the embedded SQLite database: opening it with the
// right pragmas, applying the embedded forward-only migrations, and every
// query. SQL types never leave this package.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// FileName is the database file's name inside the data directory.
const FileName = "aniworld.db"

// ErrTooNew is returned by Open when the database was written by a newer
// version of the program (it has migrations this binary does not know).
var ErrTooNew = errors.New("database schema is newer than this program")

// DB is the application's database handle.
type DB struct {
	*sql.DB
	path string
}

// Open opens (creating if needed) the database in dataDir, sets WAL mode, a
// busy timeout and foreign keys on every connection, and applies pending
// migrations. A database from a newer program is refused with ErrTooNew.
func Open(ctx context.Context, dataDir string) (*DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	return OpenPath(ctx, path)
}

// uriPath escapes the characters that end or change an SQLite URI file name
// ('?' starts the query, '#' a fragment, '%' an escape), so a data directory
// may hold any of them.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// OpenPath is Open for an explicit database file path.
func OpenPath(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + uriPath(path) + "?" + q.Encode()
	sqlDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB.SetMaxOpenConns(8)
	sqlDB.SetMaxIdleConns(8)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{DB: sqlDB, path: path}
	if err := db.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", filepath.Base(path), err)
	}
	if err := os.Chmod(path, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
		sqlDB.Close()
		return nil, fmt.Errorf("secure database file: %w", err)
	}
	if err := migrate(ctx, sqlDB); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Ping checks the database answers a real query and reports how long it took.
func (db *DB) Ping(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	var one int
	err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
	return time.Since(start), err
}

// Close checkpoints the WAL into the main file and closes every connection.
func (db *DB) Close() error {
	_, _ = db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
	return db.DB.Close()
}

// InTx runs fn inside one transaction, committing when fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
