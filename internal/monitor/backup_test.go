package monitor

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestSnapshotRestore: a snapshot holds every library series (configured
// or not); after changes, restoring it brings each series' settings back,
// leaves series the snapshot does not know alone and skips keys that left
// the library; an invalid snapshot changes nothing.
func TestSnapshotRestore(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "aot", "demo", "quiet")
	dub := Settings{Mode: ModeFuture, Languages: []string{"German Dub", "German Sub"}, FallbackDays: 14, Movies: true, Upgrade: true}
	if _, _, err := e.svc.Set(ctx, "demo", dub); err != nil {
		t.Fatal(err)
	}
	snap, err := e.svc.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap) != 3 || !reflect.DeepEqual(snap["demo"], dub) || snap["aot"].Mode != ModeNone || snap["quiet"].Mode != ModeNone {
		t.Fatalf("snapshot %+v", snap)
	}
	// Changes after the backup.
	if _, _, err := e.svc.Set(ctx, "demo", Settings{Mode: ModeNone}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Set(ctx, "aot", Settings{Mode: ModeAll, Specials: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.InsertSeries(ctx, anime.Series{Key: "later", Name: "Later", Site: "aniworld.to", Folder: "later"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Set(ctx, "later", Settings{Mode: ModeAll}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.DeleteSeriesKeys(ctx, []string{"quiet"}); err != nil {
		t.Fatal(err)
	}

	bad := Snapshot{"demo": {Mode: "sometimes"}, "aot": dub}
	if _, _, err := e.svc.Restore(ctx, bad); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("invalid snapshot: %v", err)
	}
	if got, _, _ := e.svc.Get(ctx, "aot"); got.Mode != ModeAll {
		t.Fatalf("an invalid snapshot changed aot: %+v", got)
	}
	if err := (Snapshot{"../etc": dub}).Check(); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("hostile key: %v", err)
	}

	n, skipped, err := e.svc.Restore(ctx, snap)
	if err != nil || n != 2 || !reflect.DeepEqual(skipped, []string{"quiet"}) {
		t.Fatalf("restore = %d %v %v", n, skipped, err)
	}
	want := map[string]Settings{"demo": dub, "aot": Default(), "later": {Mode: ModeAll, Languages: []string{}}}
	for k, w := range want {
		got, st, err := e.svc.Get(ctx, k)
		if err != nil || !reflect.DeepEqual(got, w) {
			t.Errorf("%s after restore = %+v %v, want %+v", k, got, err, w)
		}
		if got.Monitored() && st.NextRefresh == nil {
			t.Errorf("%s restored as monitored but has no refresh planned", k)
		}
	}
}
