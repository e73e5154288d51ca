package store

import (
	"context"
	"testing"
	"time"
)

func TestRevokedTokens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	if err := db.RevokeToken(ctx, "past", now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeToken(ctx, "live", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A second revocation with an earlier expiry keeps the later one.
	if err := db.RevokeToken(ctx, "live", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.RevokedTokens(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got["live"].Equal(now.Add(time.Hour)) {
		t.Fatalf("RevokedTokens = %v; want only live at +1h", got)
	}
	n, err := db.PruneRevokedTokens(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("prune = %d, %v; want 1", n, err)
	}
	n, err = db.PruneRevokedTokens(ctx, now.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("second prune = %d, %v; want 1", n, err)
	}
	got, err = db.RevokedTokens(ctx, now)
	if err != nil || len(got) != 0 {
		t.Fatalf("after prune = %v, %v; want empty", got, err)
	}
}
