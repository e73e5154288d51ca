package monitor

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestRefreshesSpreadOverInterval: sixty series switched on by one bulk
// edit get their first refresh within five minutes, then settle on their
// own phases so the refreshes spread over the whole interval (not one
// burst every interval), each series one interval apart once on its phase.
func TestRefreshesSpreadOverInterval(t *testing.T) {
	ctx := context.Background()
	const n, interval = 60, time.Hour
	var keys []string
	for i := 0; i < n; i++ {
		site := "aniworld.to"
		if i%2 == 1 {
			site = "s.to"
		}
		keys = append(keys, fmt.Sprintf("%s-series-%02d", strings.TrimSuffix(site, ".to"), i))
	}
	e := newEnv(t)
	for i, k := range keys {
		site := "aniworld.to"
		if i%2 == 1 {
			site = "s.to"
		}
		if _, err := e.db.InsertSeries(ctx, anime.Series{Key: k, Name: k, Site: site, Folder: k}); err != nil {
			t.Fatal(err)
		}
	}
	e.cat.set(info(1, "Eins", anime.LangGermanDub))
	refreshes := map[string][]time.Time{}
	svc, err := New(Options{Store: e.db, Catalog: e.cat, Enqueue: e.q.add, Now: e.clk.Now,
		Interval: func() time.Duration { return interval }, HostGap: func() time.Duration { return time.Second },
		HostOf: func(site string) string { return "host of " + site },
		Sleep:  func(_ context.Context, d time.Duration) error { e.clk.Add(d); return nil },
		OnEvent: func(_ context.Context, ev Event) {
			if ev.Kind == EventRefreshOK {
				refreshes[ev.Series.Key] = append(refreshes[ev.Series.Key], e.clk.Now())
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if changed, _, err := svc.Bulk(ctx, keys, Patch{Mode: ptr(ModeFuture)}); err != nil || len(changed) != n {
		t.Fatalf("bulk: %v %v", changed, err)
	}
	start := e.clk.Now()
	for e.clk.Now().Sub(start) < 4*interval {
		if _, err := svc.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		e.clk.Add(time.Minute)
	}
	const buckets = 6
	var perBucket [buckets]int
	for _, k := range keys {
		ts := refreshes[k]
		if len(ts) < 3 {
			t.Fatalf("%s refreshed %d times in four intervals", k, len(ts))
		}
		if d := ts[0].Sub(start); d > 5*time.Minute+time.Duration(n)*time.Second {
			t.Fatalf("%s: first refresh after %v", k, d)
		}
		if d := ts[1].Sub(ts[0]); d <= interval/2 || d > 3*interval/2+time.Minute {
			t.Fatalf("%s: second refresh %v after the first", k, d)
		}
		if d := ts[2].Sub(ts[1]); d < interval || d > interval+time.Minute+time.Duration(n)*time.Second {
			t.Fatalf("%s: on its phase, refreshes %v apart, want one interval", k, d)
		}
		perBucket[int(ts[2].Sub(ts[2].Truncate(interval))/(interval/buckets))]++
	}
	for i, c := range perBucket {
		if c == 0 || c > n/2 {
			t.Fatalf("refreshes per sixth of the interval %v: not spread (bucket %d)", perBucket, i)
		}
	}
}

// TestHostGapPerHost: in one pass, two due series on one host are kept a
// host gap apart; a series on another host does not wait for them.
func TestHostGapPerHost(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for _, s := range []anime.Series{{Key: "a1", Site: "aniworld.to"}, {Key: "a2", Site: "aniworld.to"}, {Key: "b1", Site: "s.to"}} {
		s.Name, s.Folder = s.Key, s.Key
		if _, err := e.db.InsertSeries(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	e.cat.set(info(1, "Eins", anime.LangGermanDub))
	type refresh struct {
		key   string
		slept time.Duration // slept right before it
	}
	var got []refresh
	var pending time.Duration
	svc, err := New(Options{Store: e.db, Catalog: e.cat, Enqueue: e.q.add, Now: e.clk.Now,
		HostGap: func() time.Duration { return 3 * time.Second },
		Sleep:   func(_ context.Context, d time.Duration) error { pending += d; e.clk.Add(d); return nil },
		OnEvent: func(_ context.Context, ev Event) {
			if ev.Kind == EventRefreshOK {
				got = append(got, refresh{ev.Series.Key, pending})
				pending = 0
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Bulk(ctx, []string{"a1", "a2", "b1"}, Patch{Mode: ptr(ModeAll)}); err != nil {
		t.Fatal(err)
	}
	e.clk.Add(5 * time.Minute)
	if n, err := svc.RunDue(ctx); n != 3 || err != nil {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	waits := map[string]time.Duration{}
	for _, r := range got {
		waits[r.key] = r.slept
	}
	if len(got) != 3 || waits["b1"] != 0 || waits["a1"]+waits["a2"] != 3*time.Second {
		t.Fatalf("refreshes %+v: want one 3 s gap between a1 and a2 and none for b1", got)
	}
}

func ptr[T any](v T) *T { return &v }
