package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
	"github.com/aniworld/aniworld/internal/fake/site"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
)

// The request of the Seerr tests: TMDB knows the show under its German
// and its original title with its TVDB id; the site lists it under the
// German title with three seasons: season 1 dubbed and subbed, season 2
// only subbed (the profile falls back to German Sub), season 3 dubbed.
const (
	seerrTVDB    = 424536
	seerrTMDB    = 209867
	seerrSlug    = "frieren"
	seerrTitleDE = "Frieren: Nach dem Ende der Reise"
)

func seerrCatalog() site.Catalog {
	both := []anime.Language{anime.LangGermanDub, anime.LangGermanSub}
	sub := []anime.Language{anime.LangGermanSub}
	dub := []anime.Language{anime.LangGermanDub}
	cat := site.Demo()
	cat.Series = append(cat.Series, site.Series{
		Slug: seerrSlug, Title: seerrTitleDE, AltTitles: []string{"Sousou no Frieren", "葬送のフリーレン"},
		Description: "Nach dem Sieg über den Dämonenkönig.", StartYear: 2023, Genres: []string{"Fantasy", "Ger", "GerSub"},
		Seasons: [][]site.Episode{
			{{TitleDE: "Das Ende der Reise", Links: site.LinksFor(both, "Doodstream")}, {TitleDE: "Es hätte nicht magisch sein müssen", Links: site.LinksFor(both, "Doodstream")}},
			{{TitleDE: "Die Prüfung", Links: site.LinksFor(sub, "Doodstream")}, {TitleDE: "Die Prüferin", Links: site.LinksFor(sub, "Doodstream")}},
			{{TitleDE: "Der Norden", Links: site.LinksFor(dub, "Doodstream")}},
		},
	})
	return cat
}

// seerrFakes starts the site, the hosters and TMDB and writes the config.
func seerrFakes(t *testing.T, dataDir, animeDir string) (env map[string]string, tm *faketmdb.Server) {
	t.Helper()
	farm := fakehoster.Start(fakehoster.TestMedia(64<<10, 2, 32<<10))
	t.Cleanup(farm.Close)
	st := httptest.NewServer(site.New(site.Options{Catalog: seerrCatalog(), EmbedURL: farm.EmbedURL}))
	t.Cleanup(st.Close)
	ss := httptest.NewServer(fakess.New(fakess.Options{EmbedURL: farm.EmbedURL})) // the second site, searched beside
	t.Cleanup(ss.Close)
	show := faketmdb.DefaultShow()
	show.ID, show.Name, show.OriginalName, show.FirstAirDate, show.TVDBID = seerrTMDB, seerrTitleDE, "葬送のフリーレン", "2023-09-29", seerrTVDB
	tm = faketmdb.New(faketmdb.Options{APIKey: "tmdb-key"}, faketmdb.DefaultShow(), show)
	ts := httptest.NewServer(tm)
	t.Cleanup(ts.Close)
	cfg := map[string]any{"download": map[string]any{"hoster_order": []string{"Doodstream"}, "max_retries": 1,
		"language_order": []string{"English Sub"}}}
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(dataDir, "config.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"ANIWORLD_PROVIDER_URL": st.URL, "ANIWORLD_STO_URL": ss.URL, "ANIWORLD_ANIME_DIR": animeDir,
		"ANIWORLD_TMDB_API_URL": ts.URL + "/3", "ANIWORLD_TMDB_API_KEY": "tmdb-key"}, tm
}

// seerr is a test client that talks to the server the way Seerr's
// SonarrAPI does: base <url>/api/v3, the key as ?apikey=.
type seerr struct {
	t    *testing.T
	base string
	key  string
}

func (c seerr) call(method, path string, query url.Values, body any) (int, []byte) {
	c.t.Helper()
	if query == nil {
		query = url.Values{}
	}
	query.Set("apikey", c.key)
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+"/api/v3"+path+"?"+query.Encode(), rd)
	req.Header.Set("Accept", "application/json, text/plain, */*")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

// get calls and decodes, failing unless the status is want.
func (c seerr) get(method, path string, query url.Values, body any, want int, out any) {
	c.t.Helper()
	code, raw := c.call(method, path, query, body)
	if code != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, code, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}

type seerrSeason struct {
	SeasonNumber int  `json:"seasonNumber"`
	Monitored    bool `json:"monitored"`
	Statistics   *struct {
		EpisodeFileCount  int     `json:"episodeFileCount"`
		EpisodeCount      int     `json:"episodeCount"`
		TotalEpisodeCount int     `json:"totalEpisodeCount"`
		SizeOnDisk        int64   `json:"sizeOnDisk"`
		PercentOfEpisodes float64 `json:"percentOfEpisodes"`
	} `json:"statistics"`
}

type seerrSeries struct {
	ID               int            `json:"id"`
	Title            string         `json:"title"`
	TVDBID           int            `json:"tvdbId"`
	TitleSlug        string         `json:"titleSlug"`
	SeriesType       string         `json:"seriesType"`
	QualityProfileID int            `json:"qualityProfileId"`
	Monitored        bool           `json:"monitored"`
	Tags             []int          `json:"tags"`
	Seasons          []seerrSeason  `json:"seasons"`
	Statistics       map[string]any `json:"statistics"`
}

type seerrQueue struct {
	Page         int `json:"page"`
	TotalRecords int `json:"totalRecords"`
	Records      []struct {
		ID                    int64   `json:"id"`
		SeriesID              int     `json:"seriesId"`
		EpisodeID             int64   `json:"episodeId"`
		Size                  float64 `json:"size"`
		Sizeleft              float64 `json:"sizeleft"`
		Status                string  `json:"status"`
		TrackedDownloadStatus string  `json:"trackedDownloadStatus"`
		TrackedDownloadState  string  `json:"trackedDownloadState"`
		DownloadID            string  `json:"downloadId"`
		Protocol              string  `json:"protocol"`
		DownloadClient        string  `json:"downloadClient"`
		Episode               *struct {
			SeasonNumber  int `json:"seasonNumber"`
			EpisodeNumber int `json:"episodeNumber"`
		} `json:"episode"`
	} `json:"records"`
}

// TestSeerrEndToEnd makes Seerr's calls in Seerr's order against the real
// server with the fake site, hosters and TMDB: the settings test, a
// request (lookup by TVDB id, add with two of three seasons and "search
// now"), the availability sync; then Seerr's path for a series it knows
// (PUT with one more season, MissingEpisodeSearch) while the queue is
// paused, so /queue shows the waiting download.
func TestSeerrEndToEnd(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	env, tm := seerrFakes(t, dataDir, animeDir)
	ta := startApp(t, dataDir, env)
	tok := ta.setupAndLogin(testPassword)
	code, _, kb := ta.do("GET", "/api/seerr/key", tok, nil)
	if code != 200 || len(kb["api_key"].(string)) < 32 {
		t.Fatalf("key: %d %v", code, kb)
	}
	if fi, err := os.Stat(filepath.Join(dataDir, "seerr_api_key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	c := seerr{t: t, base: ta.URL, key: kb["api_key"].(string)}

	// Settings test: status, profiles, root folders, language profiles, tags.
	var status map[string]any
	c.get("GET", "/system/status", nil, nil, 200, &status)
	if v, _ := status["version"].(string); v == "" || v[0] != '3' {
		t.Fatalf("status: %v", status)
	}
	var profiles, langProfiles []struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	c.get("GET", "/qualityProfile", nil, nil, 200, &profiles)
	var profile int
	for _, p := range profiles {
		if p.Name == "German Dub → German Sub" {
			profile = p.ID
		}
	}
	if profile == 0 {
		t.Fatalf("no German Dub → German Sub profile in %v", profiles)
	}
	var roots []map[string]any
	c.get("GET", "/rootfolder", nil, nil, 200, &roots)
	if len(roots) != 1 || roots[0]["path"] != animeDir || roots[0]["freeSpace"].(float64) <= 0 {
		t.Fatalf("root folders: %v", roots)
	}
	c.get("GET", "/languageprofile", nil, nil, 200, &langProfiles)
	if len(langProfiles) != len(profiles) {
		t.Fatalf("language profiles %v vs %v", langProfiles, profiles)
	}
	var tags []map[string]any
	c.get("GET", "/tag", nil, nil, 200, &tags)
	var tag struct {
		ID    int    `json:"id"`
		Label string `json:"label"`
	}
	c.get("POST", "/tag", nil, map[string]any{"label": "1 - anna"}, 201, &tag)

	// The request: lookup by TVDB id, then add seasons 1 and 2 of 3.
	var found []seerrSeries
	c.get("GET", "/series/lookup", url.Values{"term": {fmt.Sprintf("tvdb:%d", seerrTVDB)}}, nil, 200, &found)
	if len(found) != 1 || found[0].ID != 0 || found[0].TVDBID != seerrTVDB || found[0].TitleSlug != seerrSlug || len(found[0].Seasons) != 3 {
		t.Fatalf("lookup: %+v", found)
	}
	if tm.Count("/3/find/") == 0 {
		t.Fatal("TMDB /find was not asked")
	}
	seasons := []map[string]any{}
	for _, s := range found[0].Seasons {
		seasons = append(seasons, map[string]any{"seasonNumber": s.SeasonNumber, "monitored": s.SeasonNumber == 1 || s.SeasonNumber == 2})
	}
	var added seerrSeries
	c.get("POST", "/series", nil, map[string]any{"tvdbId": seerrTVDB, "title": found[0].Title, "qualityProfileId": profile,
		"languageProfileId": profile, "seasons": seasons, "tags": []int{tag.ID}, "seasonFolder": true, "monitored": true,
		"rootFolderPath": animeDir, "seriesType": "anime",
		"addOptions": map[string]any{"ignoreEpisodesWithFiles": true, "searchForMissingEpisodes": true}}, 201, &added)
	if added.ID <= 0 || added.SeriesType != "anime" || added.QualityProfileID != profile || fmt.Sprint(added.Tags) != fmt.Sprint([]int{tag.ID}) {
		t.Fatalf("added: %+v", added)
	}
	code, _, lib := ta.do("GET", "/api/anime/"+seerrSlug, tok, nil)
	if code != 200 {
		t.Fatalf("the series is not in the library: %d %v", code, lib)
	}
	code, _, mon := ta.do("GET", "/api/anime/"+seerrSlug+"/monitor", tok, nil)
	if code != 200 || mon["mode"] != "all" || fmt.Sprint(mon["languages"]) != "[German Dub German Sub]" {
		t.Fatalf("monitoring: %d %v", code, mon)
	}

	// The queue runs by itself; wait for the four episodes.
	done := waitCompleted(t, ta, tok, 4)
	want := map[string]string{"1-1": "German Dub", "1-2": "German Dub", "2-1": "German Sub", "2-2": "German Sub"}
	for ep, lang := range want {
		if done[ep] != lang {
			t.Fatalf("episode %s downloaded in %q, want %q (all: %v)", ep, done[ep], lang, done)
		}
	}
	if len(done) != 4 {
		t.Fatalf("downloaded %v, want only seasons 1 and 2", done)
	}

	// Availability sync: series, queue.
	var list []seerrSeries
	c.get("GET", "/series", nil, nil, 200, &list)
	if len(list) != 1 || list[0].ID != added.ID || list[0].TVDBID != seerrTVDB {
		t.Fatalf("series: %+v", list)
	}
	checkSeasons(t, list[0], map[int][4]int{1: {2, 2, 2, 100}, 2: {2, 2, 2, 100}, 3: {0, 0, 1, 0}}, map[int]bool{1: true, 2: true})
	if list[0].Statistics["episodeFileCount"].(float64) != 4 || list[0].Statistics["sizeOnDisk"].(float64) <= 0 {
		t.Fatalf("statistics: %v", list[0].Statistics)
	}
	var q seerrQueue
	c.get("GET", "/queue", url.Values{"includeEpisode": {"true"}, "pageSize": {"1000"}}, nil, 200, &q)
	if q.TotalRecords != 0 || len(q.Records) != 0 {
		t.Fatalf("queue after the downloads: %+v", q)
	}

	// Seerr's path for a known series: lookup (now with its id), PUT with
	// season 3 monitored, MissingEpisodeSearch; the queue is paused, so
	// /queue shows the waiting episode.
	if code, _, b := ta.do("POST", "/api/queue/pause", tok, nil); code != 200 {
		t.Fatalf("pause: %d %v", code, b)
	}
	c.get("GET", "/series/lookup", url.Values{"term": {fmt.Sprintf("tvdb:%d", seerrTVDB)}}, nil, 200, &found)
	if len(found) != 1 || found[0].ID != added.ID {
		t.Fatalf("lookup of a known series: %+v", found)
	}
	upd := map[string]any{"id": added.ID, "tvdbId": seerrTVDB, "title": found[0].Title, "qualityProfileId": profile,
		"monitored": true, "tags": []int{tag.ID}, "seriesType": "anime",
		"seasons": []map[string]any{{"seasonNumber": 1, "monitored": true}, {"seasonNumber": 2, "monitored": true}, {"seasonNumber": 3, "monitored": true}}}
	var updated seerrSeries
	c.get("PUT", "/series", nil, upd, 202, &updated)
	if updated.ID != added.ID || !updated.Seasons[len(updated.Seasons)-1].Monitored {
		t.Fatalf("updated: %+v", updated)
	}
	c.get("POST", "/command", nil, map[string]any{"name": "MissingEpisodeSearch", "seriesId": added.ID}, 201, nil)
	deadline := time.Now().Add(60 * time.Second)
	for {
		c.get("GET", "/queue", url.Values{"includeEpisode": {"true"}, "pageSize": {"1000"}}, nil, 200, &q)
		if len(q.Records) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(q.Records) != 1 {
		t.Fatalf("queue while paused: %+v", q)
	}
	r := q.Records[0]
	if r.SeriesID != added.ID || r.Episode == nil || r.Episode.SeasonNumber != 3 || r.Episode.EpisodeNumber != 1 ||
		r.Status != "paused" || r.TrackedDownloadState != "downloading" || r.DownloadID == "" || r.DownloadClient == "" || r.ID <= 0 {
		t.Fatalf("queue record: %+v", r)
	}
	c.get("POST", "/command", nil, map[string]any{"name": "RefreshMonitoredDownloads"}, 201, nil)
	if code, _, b := ta.do("POST", "/api/queue/resume", tok, nil); code != 200 {
		t.Fatalf("resume: %d %v", code, b)
	}
	if done := waitCompleted(t, ta, tok, 5); done["3-1"] != "German Dub" {
		t.Fatalf("season 3: %v", done)
	}
	c.get("GET", "/series/"+fmt.Sprint(added.ID), nil, nil, 200, &updated)
	checkSeasons(t, updated, map[int][4]int{1: {2, 2, 2, 100}, 2: {2, 2, 2, 100}, 3: {1, 1, 1, 100}}, map[int]bool{1: true, 2: true, 3: true})

	// Seerr removes the request with deleteFiles while a download of the
	// series waits: the download, the folder and the library entry go.
	if code, _, b := ta.do("POST", "/api/queue/pause", tok, nil); code != 200 {
		t.Fatalf("pause: %d %v", code, b)
	}
	if code, _, b := ta.do("POST", "/api/queue/add", tok, map[string]any{"serie_id": seerrSlug, "serie_name": seerrTitleDE,
		"episodes": []string{"S01E01"}}); code != 201 && code != 200 {
		t.Fatalf("queue add: %d %v", code, b)
	}
	folder := lib["folder"].(string)
	if _, err := os.Stat(filepath.Join(animeDir, folder)); err != nil {
		t.Fatal(err)
	}
	c.get("DELETE", fmt.Sprintf("/series/%d", added.ID), url.Values{"deleteFiles": {"true"}, "addImportExclusion": {"false"}}, nil, 200, nil)
	if _, err := os.Stat(filepath.Join(animeDir, folder)); !os.IsNotExist(err) {
		t.Fatalf("series folder after delete: %v", err)
	}
	if code, _, _ := ta.do("GET", "/api/anime/"+seerrSlug, tok, nil); code != 404 {
		t.Fatalf("series still in the library: %d", code)
	}
	_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
	if pending := st["status"].(map[string]any)["pending_queue"].([]any); len(pending) != 0 {
		t.Fatalf("downloads of the deleted series still queued: %v", pending)
	}
	c.get("GET", "/series", nil, nil, 200, &list)
	if len(list) != 0 {
		t.Fatalf("series after delete: %+v", list)
	}
}

// waitCompleted waits until n downloads completed and answers them by
// "season-episode" with their language; a failed download fails the test.
func waitCompleted(t *testing.T, ta *testApp, tok string, n int) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
		s := st["status"].(map[string]any)
		if failed, _ := s["failed_downloads"].([]any); len(failed) > 0 {
			t.Fatalf("download failed: %v", failed)
		}
		done := map[string]string{}
		for _, it := range s["completed_downloads"].([]any) {
			m := it.(map[string]any)
			ep := m["episode"].(map[string]any)
			lang, _ := m["language"].(string)
			done[fmt.Sprintf("%v-%v", ep["season"], ep["episode"])] = lang
		}
		if len(done) >= n {
			return done
		}
		select {
		case <-ctx.Done():
			t.Fatalf("only %d of %d downloads completed: %v", len(done), n, s)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// checkSeasons compares each season's {episodeFileCount, episodeCount,
// totalEpisodeCount, percentOfEpisodes} and monitored flag.
func checkSeasons(t *testing.T, s seerrSeries, want map[int][4]int, monitored map[int]bool) {
	t.Helper()
	if len(s.Seasons) != len(want) {
		t.Fatalf("seasons %+v, want %v", s.Seasons, want)
	}
	for _, se := range s.Seasons {
		w, ok := want[se.SeasonNumber]
		st := se.Statistics
		if !ok || st == nil || st.EpisodeFileCount != w[0] || st.EpisodeCount != w[1] || st.TotalEpisodeCount != w[2] ||
			int(st.PercentOfEpisodes) != w[3] || se.Monitored != monitored[se.SeasonNumber] {
			t.Fatalf("season %d: %+v %+v, want %v monitored=%v", se.SeasonNumber, se, st, w, monitored[se.SeasonNumber])
		}
		if w[0] > 0 && st.SizeOnDisk <= 0 {
			t.Fatalf("season %d has files but no size", se.SeasonNumber)
		}
	}
}
