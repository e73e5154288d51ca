package web_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/calendar"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/monitor"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/sonarr"
	"github.com/aniworld/aniworld/internal/store"
	"github.com/aniworld/aniworld/internal/web"
)

// seerrLibrary is the library behind the Seerr section's tests: the site
// knows one series; adding it puts a real row into the store.
type seerrLibrary struct{ db *store.DB }

var seerrSite = library.Candidate{Key: "kein-film", Name: "Kein Film", Site: "aniworld.to", Link: "https://aniworld.to/anime/stream/kein-film", Year: 2019}

func (l seerrLibrary) Search(_ context.Context, q string) ([]library.Candidate, error) {
	if strings.Contains(strings.ToLower(seerrSite.Name), strings.ToLower(q)) {
		return []library.Candidate{seerrSite}, nil
	}
	return nil, nil
}
func (l seerrLibrary) Episodes(context.Context, string, string) (map[int][]int, error) {
	return map[int][]int{1: {1, 2}}, nil
}
func (l seerrLibrary) Add(ctx context.Context, link, _ string) (library.AddResult, error) {
	if link != seerrSite.Link {
		return library.AddResult{}, fmt.Errorf("%w: unknown link", anime.ErrInvalid)
	}
	_, err := l.db.InsertSeries(ctx, anime.Series{Key: seerrSite.Key, Name: seerrSite.Name, Site: seerrSite.Site, Folder: seerrSite.Name, Link: link})
	return library.AddResult{Key: seerrSite.Key}, err
}
func (l seerrLibrary) SeriesDir(ctx context.Context, key string) (anime.Series, string, error) {
	r, err := l.db.SeriesByKey(ctx, key)
	return r.Series, filepath.Join("/anime", r.Series.Folder), err
}
func (l seerrLibrary) Directory() string                    { return "/anime" }
func (l seerrLibrary) Remove(context.Context, string) error { return nil }

// Search answers the product's /api/anime/search from the same site.
func (l seerrLibrary) searcher() api.Searcher { return seerrSearcher{l} }

type seerrSearcher struct{ l seerrLibrary }

func (s seerrSearcher) Search(ctx context.Context, q string) ([]provider.SearchResult, error) {
	cands, _ := s.l.Search(ctx, q)
	out := []provider.SearchResult{}
	for _, c := range cands {
		out = append(out, provider.SearchResult{Key: c.Key, Name: c.Name, Site: c.Site, Link: c.Link, Year: c.Year})
	}
	return out, nil
}

type seerrMonitor struct{}

func (seerrMonitor) Get(context.Context, string) (monitor.Settings, monitor.RefreshState, error) {
	return monitor.Default(), monitor.RefreshState{}, nil
}
func (seerrMonitor) Set(_ context.Context, _ string, s monitor.Settings) (monitor.Settings, monitor.RefreshState, error) {
	return s, monitor.RefreshState{}, nil
}
func (seerrMonitor) Refresh(context.Context, string) (monitor.RefreshResult, error) {
	return monitor.RefreshResult{}, nil
}

type seerrQueue struct{}

func (seerrQueue) Status(context.Context) (queue.QueueStatus, error) { return queue.QueueStatus{}, nil }
func (seerrQueue) State() (bool, bool)                               { return true, false }
func (seerrQueue) Start(context.Context) error                       { return nil }
func (seerrQueue) Remove(context.Context, string) error              { return nil }

// seerrSurface is a real Sonarr surface over a real store in dir, with
// one request nobody could match waiting.
func seerrSurface(t *testing.T, dir string) (*sonarr.Service, seerrLibrary, *calendar.Tokens) {
	t.Helper()
	db, err := store.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lib := seerrLibrary{db: db}
	keys := calendar.NewTokens(filepath.Join(dir, "seerr_api_key"))
	svc, err := sonarr.New(sonarr.Options{Store: db, Library: lib, Monitor: seerrMonitor{}, Queue: seerrQueue{}, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSonarrRequest(t.Context(), store.SonarrRequest{TVDBID: 777, Title: "Ohne Film", Year: 2019,
		Reason: "no site series matches: not found", RequestedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return svc, lib, keys
}

// TestSeerrSection drives the settings page's Jellyseerr/Overseerr
// section in a real browser against the real Sonarr surface: the key is
// masked until shown, a new key replaces it, the profiles are listed,
// and an unmatched request is assigned by search and disappears.
func TestSeerrSection(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	svc, lib, keys := seerrSurface(t, t.TempDir())
	status := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"configured": true, "authenticated": true})
	})
	srv := apiServer(api.Deps{Services: api.Services{Sonarr: svc, Search: lib.searcher(), Web: web.New(web.Options{})}}, status)
	defer srv.Close()
	b.allow("/api/config") // this server has only the Seerr surface; the other sections stay empty
	b.navigate(srv.URL + "/static/favicon.svg")
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", JSON.stringify({token: "t"}))`))
	b.run("german", evalVoid(`localStorage.setItem("aniworld.lang", "de")`))
	b.navigate(srv.URL + "/settings")
	b.waitJS("section", `document.getElementById("seerr-card").dataset.rendered === "1"`)
	b.run("accept dialogs", evalVoid(`window.confirm = () => true`))

	key, _ := keys.Get()
	shown := b.text("masked", `document.getElementById("seerr-key").textContent`)
	if shown != sonarr.Mask(key) || strings.Contains(b.text("html", `document.documentElement.outerHTML`), key) {
		t.Fatalf("key shown as %q before Show", shown)
	}
	if got := b.text("title", `document.getElementById("seerr-title").textContent`); got != "Jellyseerr / Overseerr" {
		t.Errorf("title %q", got)
	}
	if got := b.text("unmatched heading", `document.querySelector('[data-i18n="seerr.unmatched"]').textContent`); got != "Angefragt, aber auf den Seiten nicht gefunden" {
		t.Errorf("German heading %q", got)
	}
	if got := b.text("profiles", `document.getElementById("seerr-profiles").textContent`); !strings.Contains(got, "German Dub → German Sub") {
		t.Errorf("profiles %q", got)
	}
	b.click("#seerr-key-show")
	b.waitJS("key shown", `document.getElementById("seerr-key").textContent === "`+key+`"`)
	b.click("#seerr-key-rotate")
	b.waitJS("new key", `document.getElementById("seerr-key").textContent !== "`+key+`" && document.getElementById("seerr-key").textContent.length >= 32`)
	if keys.Check(key) {
		t.Error("the old key still works after New key")
	}

	row := `#seerr-unmatched tr`
	if got := b.text("row", `document.querySelector("`+row+`").textContent`); !strings.Contains(got, "Ohne Film (2019)") || !strings.Contains(got, "TVDB 777") {
		t.Fatalf("unmatched row %q", got)
	}
	b.run("query", setValue(row+` input[type=search]`, "Kein"))
	b.click(row + ` button.btn.small:not(.danger):not(.primary)`)
	b.waitJS("result", `document.querySelector("`+row+` button.primary") !== null`)
	b.noHorizontalScroll("seerr section with a search result")
	b.click(row + ` button.primary`)
	b.waitJS("assigned", `document.querySelectorAll("`+row+`").length === 0 && !document.getElementById("seerr-unmatched-empty").hidden`)
	list, err := svc.List(t.Context(), 777)
	if err != nil || len(list) != 1 || list[0].TitleSlug != "kein-film" || list[0].Monitored {
		t.Fatalf("after assigning: %+v, %v", list, err)
	}
	b.screenshots("settings-seerr")
	b.checkClean("seerr section")
}
