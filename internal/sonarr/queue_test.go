package sonarr

import (
	"fmt"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

func TestEpisodeIDRoundTrip(t *testing.T) {
	for _, c := range [][3]int{{1, 0, 1}, {7, 1, 12}, {123, 200, 9999}, {99999, 3, 1}} {
		id := episodeID(int64(c[0]), c[1], c[2])
		s, se, e := splitEpisodeID(id)
		if s != int64(c[0]) || se != c[1] || e != c[2] {
			t.Errorf("%v -> %d -> %d %d %d", c, id, s, se, e)
		}
	}
	if episodeID(1, 200, 9999) >= episodeID(2, 0, 1) {
		t.Error("episode ids of two series overlap")
	}
}

func TestQueueRecord(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	errText := "hoster down"
	for _, tc := range []struct {
		name   string
		it     anime.DownloadItem
		paused bool
		check  func(QueueRecord) bool
	}{
		{"downloading with progress", anime.DownloadItem{ID: "a", SerieName: "Show", Episode: anime.EpisodeRef{Season: 1, Episode: 2},
			Status: anime.StatusDownloading, Language: anime.LangGermanDub,
			Progress: &anime.Progress{TotalMB: 100, DownloadedMB: 25, ETASeconds: 3725}},
			false, func(r QueueRecord) bool {
				return r.Status == "downloading" && r.Size == 100<<20 && r.Sizeleft == 75<<20 && r.Timeleft == "01:02:05" &&
					r.EstimatedCompletionTime == "2026-12-03T13:02:05Z" && r.Title == "Show - S01E02 [German Dub]" &&
					r.EpisodeID == episodeID(7, 1, 2) && r.SeriesID == 7 && r.DownloadID == "a" && r.TrackedDownloadStatus == "ok"
			}},
		{"pending", anime.DownloadItem{ID: "b", SerieName: "Show", Episode: anime.EpisodeRef{Season: 2, Episode: 1}, Status: anime.StatusPending},
			false, func(r QueueRecord) bool {
				return r.Status == "queued" && r.Size == 0 && r.Timeleft == "" && len(r.Languages) == 0
			}},
		{"queue paused", anime.DownloadItem{ID: "c", Status: anime.StatusPending}, true,
			func(r QueueRecord) bool { return r.Status == "paused" }},
		{"retrying after an error", anime.DownloadItem{ID: "d", Status: anime.StatusPending, Error: &errText}, false,
			func(r QueueRecord) bool {
				return r.TrackedDownloadStatus == "warning" && r.ErrorMessage == errText && len(r.StatusMessages) == 1
			}},
	} {
		if r := queueRecord(tc.it, 7, now, tc.paused); !tc.check(r) {
			t.Errorf("%s: %+v", tc.name, r)
		}
	}
	if clock(26*time.Hour+61*time.Second) != "1.02:01:01" {
		t.Errorf("clock = %s", clock(26*time.Hour+61*time.Second))
	}
	if queueRecordID("x") != queueRecordID("x") || queueRecordID("x") == queueRecordID("y") || queueRecordID("x") <= 0 {
		t.Error("queue record ids are not stable and distinct")
	}
}

func TestProfilesAreStable(t *testing.T) {
	// Seerr stores these ids; changing one breaks existing requests.
	want := map[int]string{1: "Default language order", 2: "German Dub → German Sub", 3: "German Dub", 4: "Japanese + German Sub (OmU)"}
	seen := map[int]bool{}
	for _, p := range Profiles {
		if seen[p.ID] {
			t.Fatalf("duplicate profile id %d", p.ID)
		}
		seen[p.ID] = true
	}
	for id, name := range want {
		if p, ok := ProfileByID(id); !ok || p.Name != name {
			t.Errorf("profile %d = %+v, want %q", id, p, name)
		}
	}
	if p, _ := ProfileByID(2); len(p.languageNames()) != 2 || p.languageNames()[1] != "German Sub" {
		t.Errorf("profile 2 languages: %v", p.languageNames())
	}
	if _, ok := ProfileByID(0); ok {
		t.Error("profile 0 exists")
	}
	if Mask("abcdef1234") != "••••••1234" || Mask("ab") != "••" {
		t.Errorf("Mask: %q %q", Mask("abcdef1234"), Mask("ab"))
	}
}

// TestQueueListsEveryWaitingItem: /queue reads every pending item of the
// series Seerr manages (the queue's own lists stop at 50), pages them, and
// leaves other series' items out.
func TestQueueListsEveryWaitingItem(t *testing.T) {
	s := newTestService(t, &sitesLib{}, nil)
	ctx := t.Context()
	for _, k := range []string{"mine", "other"} {
		if _, err := s.o.Store.InsertSeries(ctx, anime.Series{Key: k, Name: k, Site: "aniworld.to", Folder: k}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := s.o.Store.SaveSonarrSeries(ctx, store.SonarrSeries{Key: "mine", TVDBID: 5, Monitored: true})
	if err != nil {
		t.Fatal(err)
	}
	var rows []store.QueueItem
	for i := 1; i <= 60; i++ {
		for _, k := range []string{"mine", "other"} {
			rows = append(rows, store.QueueItem{ID: fmt.Sprintf("%s-%d", k, i), SerieID: k, SerieName: k, Season: 1, Episode: i,
				Priority: anime.PriorityNormal, AddedAt: time.Now()})
		}
	}
	if _, err := s.o.Store.QueueInsert(ctx, rows); err != nil {
		t.Fatal(err)
	}
	all, err := s.Queue(ctx, 1, 0, true, false)
	if err != nil || all.TotalRecords != 60 || len(all.Records) != 60 {
		t.Fatalf("queue: %d records of %d, %v", len(all.Records), all.TotalRecords, err)
	}
	for _, r := range all.Records {
		if r.SeriesID != int(m.ID) || r.Episode == nil || r.Status != "queued" {
			t.Fatalf("record %+v", r)
		}
	}
	page, err := s.Queue(ctx, 3, 25, false, false)
	if err != nil || page.TotalRecords != 60 || len(page.Records) != 10 || page.Records[0].Episode != nil {
		t.Fatalf("page 3 of 25: %d records of %d, %v", len(page.Records), page.TotalRecords, err)
	}
}
