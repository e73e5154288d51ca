package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestOpenAppliesMigrationsAndPragmas(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
	var bt int
	if err := db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&bt); err != nil || bt < 1000 {
		t.Fatalf("busy_timeout = %d, %v", bt, err)
	}
	var v int
	if err := db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("version = %d, %v; want %d", v, err, SchemaVersion())
	}
	st, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("db file mode = %v, %v", st.Mode().Perm(), err)
	}
}

func TestOpenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		db, err := Open(ctx, dir)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := db.SetSetting(ctx, "k", "v"); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations(version, name) VALUES(99999, 'future')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, dir)
	if !errors.Is(err, ErrTooNew) {
		t.Fatalf("err = %v; want ErrTooNew", err)
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Setting(ctx, "missing"); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("missing setting err = %v", err)
	}
	for _, v := range []string{"a", "b"} {
		if err := db.SetSetting(ctx, "k", v); err != nil {
			t.Fatal(err)
		}
		got, err := db.Setting(ctx, "k")
		if err != nil || got != v {
			t.Fatalf("got %q, %v; want %q", got, err, v)
		}
	}
}

// TestOpenPathWithURICharacters: a data directory whose path holds '?', '#'
// or '%' opens its own database file, not a truncated name elsewhere.
func TestOpenPathWithURICharacters(t *testing.T) {
	for _, name := range []string{"a?b=1", "c#d", "e%41f", "g?h#i%j"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			db, err := Open(context.Background(), dir)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
				t.Fatalf("database not inside %q: %v", dir, err)
			}
		})
	}
}
