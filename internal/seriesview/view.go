// Package seriesview builds what the series page shows about one library
// series: the site's details (description, genres, FSK, years) and every
// episode the site lists, with its German and English titles and offered
// languages, joined with its state here — on disk, queued, downloading,
// failed or missing. It only reads: the library, the queue and the
// provider's (cached) pages own the data.
package seriesview

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// Episode states, in the order a row shows them when several apply.
const (
	StateDownloading = "downloading"
	StateQueued      = "queued"
	StateOnDisk      = "on_disk"
	StateFailed      = "failed"
	StateMissing     = "missing"
)

// Store is what the view reads from the database.
type Store interface {
	SeriesByKey(ctx context.Context, key string) (store.SeriesRecord, error)
	SeriesEpisodes(ctx context.Context, key string) ([]store.EpisodeFile, error)
	SetEpisodeLanguage(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, now time.Time) error
	ClearEpisodeLanguage(ctx context.Context, key string, ep anime.EpisodeRef) error
	EpisodeLanguage(ctx context.Context, key string, ep anime.EpisodeRef) (anime.Language, bool, error)
}

// Catalog answers a series' site details and seasons (the provider's
// cached pages; provider.WithFreshData bypasses the cache).
type Catalog interface {
	Details(ctx context.Context, site, key string) (provider.SeriesDetails, error)
	Seasons(ctx context.Context, site, key string) ([]provider.Season, error)
}

// Queue answers the queue items of a series that are not completed.
type Queue interface {
	SeriesItems(ctx context.Context, key string) ([]queue.Item, error)
	Add(ctx context.Context, req queue.AddRequest) (added []string, failed []queue.FailedItem, err error)
	RemoveMany(ctx context.Context, ids []string) error
}

// Options wires a Service. Store and Catalog are required; Queue may be
// nil (no queue states), Root answers the anime directory, Metadata
// whether TMDB is configured (the page offers NFO actions only then).
type Options struct {
	Store    Store
	Catalog  Catalog
	Queue    Queue
	Root     func() string
	Metadata func() bool
	// Cover answers the signed cover address of a series (covers.Service.SeriesURL).
	Cover func(key string) string
	// Rescan re-reads one series from disk and its site (the library's
	// targeted scan); ctx is marked provider.WithFreshData.
	Rescan func(ctx context.Context, key string) error
	// Remove takes a series out of the library (library.Service.Remove).
	Remove func(ctx context.Context, key string, deleteFiles bool) error
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Service builds series views.
type Service struct{ o Options }

// New builds a Service.
func New(o Options) *Service { return &Service{o: o} }

// SetQueue supplies the queue once it is built (it is wired after the
// routes that use this service).
func (s *Service) SetQueue(q Queue) { s.o.Queue = q }

// View is GET /api/anime/{anime_id}/episodes.
type View struct {
	Key         string   `json:"key"`
	Site        string   `json:"site"`
	Link        string   `json:"link"`
	Title       string   `json:"title"`
	Folder      string   `json:"folder"`
	Path        string   `json:"path,omitempty" doc:"Absolute path of the series folder"`
	AltTitles   []string `json:"alt_titles,omitempty"`
	Description string   `json:"description,omitempty"`
	Genres      []string `json:"genres"`
	FSK         *int     `json:"fsk,omitempty" doc:"German age rating when the site names one"`
	StartYear   int      `json:"start_year,omitempty"`
	EndYear     int      `json:"end_year,omitempty"`
	Ongoing     bool     `json:"ongoing"`
	IMDbID      string   `json:"imdb_id,omitempty"`
	TMDBID      int      `json:"tmdb_id,omitempty"`
	// CoverURL is the product's signed address of the series' cover (the
	// folder's poster.jpg, else the site's cover, cached), for an <img>.
	CoverURL string `json:"cover_url,omitempty"`
	// SiteCover is the cover image on the site (absolute, remote).
	SiteCover string `json:"site_cover,omitempty"`
	// HasPoster and HasFanart say whether poster.jpg / fanart.jpg (written
	// by the metadata service) are in the series folder; they are served
	// by GET /api/nfo/{serie_id}/media/{kind}, also without TMDB.
	HasPoster bool `json:"has_poster"`
	HasFanart bool `json:"has_fanart"`
	// MetadataConfigured: TMDB is set up, so NFO routes answer (not 503).
	MetadataConfigured bool `json:"metadata_configured"`
	// ProviderError explains why the site's details are missing; the
	// episodes then come from the library alone.
	ProviderError string       `json:"provider_error,omitempty"`
	Seasons       []SeasonView `json:"seasons"`
	Counts        Counts       `json:"counts"`
}

// Counts sums the episode states.
type Counts struct {
	Total       int `json:"total"`
	OnDisk      int `json:"on_disk"`
	Missing     int `json:"missing"`
	Queued      int `json:"queued"`
	Downloading int `json:"downloading"`
	Failed      int `json:"failed"`
}

// SeasonView is one season (0 = movies and specials).
type SeasonView struct {
	Season   int           `json:"season"`
	Episodes []EpisodeView `json:"episodes"`
}

// EpisodeView is one episode row.
type EpisodeView struct {
	Episode   int              `json:"episode"`
	TitleDE   string           `json:"title_de,omitempty"`
	TitleEN   string           `json:"title_en,omitempty"`
	Languages []anime.Language `json:"languages"`
	State     string           `json:"state" enum:"on_disk,queued,downloading,failed,missing"`
	Files     []FileView       `json:"files,omitempty"`
	Item      *ItemView        `json:"item,omitempty"`
}

// FileView is one file of an episode on disk.
type FileView struct {
	Name     string         `json:"name"`
	Path     string         `json:"path" doc:"Relative to the series folder"`
	Size     int64          `json:"size"`
	Language anime.Language `json:"language,omitempty"`
	Quality  string         `json:"quality,omitempty" doc:"From the file name (1080p, 720p, …) when it says"`
}

// ItemView is the queue item of a queued, running or failed episode.
type ItemView struct {
	ID       string          `json:"id"`
	Status   anime.Status    `json:"status"`
	Progress *anime.Progress `json:"progress,omitempty"`
	Error    string          `json:"error,omitempty"`
	Attempts []queue.Attempt `json:"attempts,omitempty"`
	Language anime.Language  `json:"language,omitempty"`
}

var qualityRe = regexp.MustCompile(`(?i)\b(2160|1440|1080|720|576|480|360)p\b|\b(4k|uhd)\b`)

// View builds the view of a library series; anime.ErrNotFound when the
// key is not in the library. A site that cannot be reached leaves the
// details empty and says why in ProviderError.
func (s *Service) View(ctx context.Context, key string) (View, error) {
	rec, err := s.o.Store.SeriesByKey(ctx, key)
	if err != nil {
		return View{}, err
	}
	files, err := s.o.Store.SeriesEpisodes(ctx, key)
	if err != nil {
		return View{}, err
	}
	var items []queue.Item
	if s.o.Queue != nil {
		if items, err = s.o.Queue.SeriesItems(ctx, key); err != nil {
			return View{}, err
		}
	}
	sr := rec.Series
	v := View{Key: sr.Key, Site: sr.Site, Link: sr.Link, Title: sr.Name, Folder: sr.Folder,
		Description: sr.Description, StartYear: sr.Year, TMDBID: sr.TMDBID, Genres: []string{}}
	if s.o.Metadata != nil {
		v.MetadataConfigured = s.o.Metadata()
	}
	if s.o.Cover != nil {
		v.CoverURL = s.o.Cover(sr.Key)
	}
	if s.o.Root != nil && s.o.Root() != "" {
		v.Path = filepath.Join(s.o.Root(), sr.Folder)
		v.HasPoster = isFile(filepath.Join(v.Path, "poster.jpg"))
		v.HasFanart = isFile(filepath.Join(v.Path, "fanart.jpg"))
	}
	var seasons []provider.Season
	d, err := s.o.Catalog.Details(ctx, sr.Site, key)
	if err == nil {
		seasons, err = s.o.Catalog.Seasons(ctx, sr.Site, key)
	}
	if err != nil {
		if ctx.Err() != nil {
			return View{}, ctx.Err()
		}
		v.ProviderError = err.Error()
	} else {
		applyDetails(&v, d)
	}
	v.Seasons = join(seasons, rec.Missing, files, items)
	for _, se := range v.Seasons {
		for _, e := range se.Episodes {
			v.Counts.add(e.State)
		}
	}
	return v, nil
}

func applyDetails(v *View, d provider.SeriesDetails) {
	if d.Title != "" && v.Title == "" {
		v.Title = d.Title
	}
	v.AltTitles = d.AltTitles
	if d.Description != "" {
		v.Description = d.Description
	}
	if d.Genres != nil {
		v.Genres = d.Genres
	}
	if d.FSK > 0 { // the site's pages cannot tell FSK 0 from none
		fsk := d.FSK
		v.FSK = &fsk
	}
	if d.StartYear > 0 {
		v.StartYear = d.StartYear
	}
	v.EndYear, v.Ongoing, v.IMDbID, v.SiteCover = d.EndYear, d.Ongoing, d.IMDbID, d.Cover
}

func (c *Counts) add(state string) {
	c.Total++
	switch state {
	case StateOnDisk:
		c.OnDisk++
	case StateMissing:
		c.Missing++
	case StateQueued:
		c.Queued++
	case StateDownloading:
		c.Downloading++
	case StateFailed:
		c.Failed++
	}
}

type epKey struct{ season, episode int }

// join merges the site's seasons with the library's missing list, the
// files on disk and the queue items: every episode any of them names is
// one row, ordered by season and episode.
func join(seasons []provider.Season, missing anime.MissingEpisodes, files []store.EpisodeFile, items []queue.Item) []SeasonView {
	rows := map[epKey]*EpisodeView{}
	row := func(k epKey) *EpisodeView {
		if r, ok := rows[k]; ok {
			return r
		}
		r := &EpisodeView{Episode: k.episode, Languages: []anime.Language{}}
		rows[k] = r
		return r
	}
	for _, se := range seasons {
		for _, e := range se.Episodes {
			r := row(epKey{se.Number, e.Number})
			r.TitleDE, r.TitleEN = e.TitleDE, e.TitleEN
			if e.Languages != nil {
				r.Languages = e.Languages
			}
		}
	}
	for _, ref := range missing.Refs() {
		row(epKey{ref.Season, ref.Episode})
	}
	for _, f := range files {
		r := row(epKey{f.Season, f.Episode})
		r.Files = append(r.Files, FileView{Name: filepath.Base(filepath.FromSlash(f.Path)), Path: f.Path,
			Size: f.Size, Language: f.Language, Quality: quality(f.Path)})
	}
	for _, it := range items {
		r := row(epKey{it.Episode.Season, it.Episode.Episode})
		if r.Item != nil {
			continue // the newest item of an episode wins (items come newest first)
		}
		iv := &ItemView{ID: it.ID, Status: it.Status, Progress: it.Progress, Attempts: it.Attempts, Language: it.Language}
		if it.Error != nil {
			iv.Error = *it.Error
		}
		r.Item = iv
	}
	bySeason := map[int][]EpisodeView{}
	for k, r := range rows {
		r.State = state(r)
		bySeason[k.season] = append(bySeason[k.season], *r)
	}
	out := make([]SeasonView, 0, len(bySeason))
	for n, eps := range bySeason {
		sort.Slice(eps, func(i, j int) bool { return eps[i].Episode < eps[j].Episode })
		out = append(out, SeasonView{Season: n, Episodes: eps})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Season < out[j].Season })
	return out
}

// state decides a row's state: a running or waiting download first, then
// a file on disk, then a failed download, else missing.
func state(r *EpisodeView) string {
	if r.Item != nil {
		switch r.Item.Status {
		case anime.StatusDownloading:
			return StateDownloading
		case anime.StatusPending, anime.StatusPaused:
			return StateQueued
		}
	}
	if len(r.Files) > 0 {
		return StateOnDisk
	}
	if r.Item != nil && r.Item.Status == anime.StatusFailed {
		return StateFailed
	}
	return StateMissing
}

func quality(path string) string {
	m := qualityRe.FindStringSubmatch(path)
	switch {
	case m == nil:
		return ""
	case m[1] != "":
		return m[1] + "p"
	}
	return "2160p"
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
