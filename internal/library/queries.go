package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// EachMissing calls fn for every library series that misses episodes, in
// key order, with those episodes by season and episode; it pages through
// the library itself and stops at fn's first error.
func (s *Service) EachMissing(ctx context.Context, fn func(sr anime.Series, eps []anime.EpisodeRef) error) error {
	for page := 1; ; page++ {
		items, total, err := s.List(ctx, ListQuery{Page: page, PerPage: MaxPerPage, SortBy: "id"})
		if err != nil {
			return fmt.Errorf("list missing episodes: %w", err)
		}
		for _, it := range items {
			if eps := it.MissingEpisodes.Refs(); len(eps) > 0 {
				sr := anime.Series{Key: it.Key, Name: it.Name, Site: it.Site, Folder: it.Folder, Link: it.Link, Year: it.Year}
				if err := fn(sr, eps); err != nil {
					return err
				}
			}
		}
		if page*MaxPerPage >= total || len(items) == 0 {
			return nil
		}
	}
}

// MaxPerPage caps ListQuery.PerPage.
const MaxPerPage = 1000

// ListQuery pages and orders List. Zero values mean page 1, 20 per page,
// ordered by name, series with missing episodes only.
type ListQuery struct {
	Page    int
	PerPage int
	// SortBy is "", "title", "name", "id", "missing_episodes", "updated_at",
	// "year", "added" or "downloaded".
	SortBy string
	// SortOrder is "", "asc" or "desc"; "" is each field's natural order
	// (ascending; descending for missing_episodes, added and downloaded:
	// most missing, newest first).
	SortOrder string
	// Filter is "" (series with missing episodes, the contract's list),
	// "no_episodes" (of those, nothing on disk yet), or one of ListFilters.
	Filter string
	Site   string // only this site's series ("" every site)
}

// ListFilters are the Filter values beyond the contract's: every series,
// with missing episodes, complete, in the queue, with a failed download,
// monitored.
var ListFilters = []string{"all", "missing", "complete", "downloading", "failed", "monitored"}

// ListItem is one entry of GET /api/anime.
type ListItem struct {
	Key             string                `json:"key"`
	Name            string                `json:"name"`
	Site            string                `json:"site"`
	Folder          string                `json:"folder"`
	MissingEpisodes anime.MissingEpisodes `json:"missing_episodes"`
	Link            string                `json:"link"`
	Year            int                   `json:"year,omitempty"`
	// CoverURL is the signed address of the series' cover (filled by the
	// composition root from internal/covers).
	CoverURL string `json:"cover_url,omitempty"`
	// The grid's figures: episodes on disk and missing, when the series
	// was added and last got a download, its queue items and monitoring.
	EpisodeCount int       `json:"episode_count"`
	MissingCount int       `json:"missing_count"`
	AddedAt      time.Time `json:"added_at,omitzero"`
	DownloadedAt time.Time `json:"downloaded_at,omitzero"`
	Queued       int       `json:"queued"`
	Downloading  int       `json:"downloading"`
	Failed       int       `json:"failed"`
	Monitored    bool      `json:"monitored"`
}

// Detail is GET /api/anime/{anime_id}.
type Detail struct {
	Key             string                `json:"key"`
	Title           string                `json:"title"`
	Folder          string                `json:"folder"`
	Episodes        []string              `json:"episodes"`
	Description     *string               `json:"description"`
	Name            string                `json:"name"`
	Site            string                `json:"site"`
	Link            string                `json:"link"`
	Year            int                   `json:"year,omitempty"`
	MissingEpisodes anime.MissingEpisodes `json:"missing_episodes"`
	TMDBID          int                   `json:"tmdb_id,omitempty"`
	CoverURL        string                `json:"cover_url,omitempty"` // as ListItem.CoverURL
}

// AddResult is POST /api/anime/add's answer.
type AddResult struct {
	Status          string   `json:"status"`
	Message         string   `json:"message"`
	Key             string   `json:"key"`
	Folder          string   `json:"folder"`
	DBID            int64    `json:"db_id"`
	MissingEpisodes []string `json:"missing_episodes"`
	TotalMissing    int      `json:"total_missing"`
}

// UnmatchedFolder is a library folder the scanner could not identify.
type UnmatchedFolder struct {
	Folder     string      `json:"folder"`
	Reason     string      `json:"reason"`
	Candidates []Candidate `json:"candidates"`
	SeenAt     time.Time   `json:"seen_at"`
}

// List pages through the library (by default the series that have missing
// episodes) and answers the page and the total count (for X-Total-Count
// and Link headers).
func (s *Service) List(ctx context.Context, q ListQuery) ([]ListItem, int, error) {
	sq, err := q.storeQuery()
	if err != nil {
		return nil, 0, err
	}
	recs, total, err := s.store.ListSeries(ctx, sq)
	if err != nil {
		return nil, 0, err
	}
	keys := make([]string, len(recs))
	for i, r := range recs {
		keys[i] = r.Series.Key
	}
	badges, err := s.store.SeriesBadgesOf(ctx, keys)
	if err != nil {
		return nil, 0, err
	}
	items := make([]ListItem, 0, len(recs))
	for _, r := range recs {
		b := badges[r.Series.Key]
		items = append(items, ListItem{Key: r.Series.Key, Name: r.Series.Name, Site: r.Series.Site, Folder: r.Series.Folder,
			MissingEpisodes: r.Missing, Link: r.Series.Link, Year: r.Series.Year,
			EpisodeCount: r.EpisodeCount, MissingCount: r.MissingCount, AddedAt: r.Series.AddedAt, DownloadedAt: r.DownloadedAt,
			Queued: b.Queued, Downloading: b.Downloading, Failed: b.Failed, Monitored: b.Monitored})
	}
	return items, total, nil
}

// storeQuery checks q and turns it into the store's query.
func (q ListQuery) storeQuery() (store.SeriesQuery, error) {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PerPage == 0 {
		q.PerPage = 20
	}
	if q.Page < 1 || q.PerPage < 1 || q.PerPage > MaxPerPage {
		return store.SeriesQuery{}, fmt.Errorf("%w: page must be ≥ 1 and per_page 1..%d", anime.ErrInvalid, MaxPerPage)
	}
	sq := store.SeriesQuery{Offset: (q.Page - 1) * q.PerPage, Limit: q.PerPage, Site: q.Site}
	switch q.SortBy {
	case "", "title", "name":
		sq.Sort = store.SortName
	case "id":
		sq.Sort = store.SortKey
	case "missing_episodes":
		sq.Sort, sq.Desc = store.SortMissing, true // most missing first unless sort_order says otherwise
	case "updated_at":
		sq.Sort = store.SortUpdated
	case "year":
		sq.Sort = store.SortYear
	case "added":
		sq.Sort, sq.Desc = store.SortAdded, true
	case "downloaded":
		sq.Sort, sq.Desc = store.SortDownloaded, true
	default:
		return sq, fmt.Errorf("%w: sort_by must be title, id, name, missing_episodes, updated_at, year, added or downloaded", anime.ErrInvalid)
	}
	switch strings.ToLower(q.SortOrder) {
	case "":
	case "asc":
		sq.Desc = false
	case "desc":
		sq.Desc = true
	default:
		return sq, fmt.Errorf("%w: sort_order must be asc or desc", anime.ErrInvalid)
	}
	switch q.Filter {
	case "", "missing":
		sq.WithMissing = true
	case "no_episodes":
		sq.WithMissing, sq.NoEpisodes = true, true
	case "all":
	case "complete":
		sq.Complete = true
	case "downloading":
		sq.Downloading = true
	case "failed":
		sq.Failed = true
	case "monitored":
		sq.Monitored = true
	default:
		return sq, fmt.Errorf("%w: filter must be no_episodes, %s", anime.ErrInvalid, strings.Join(ListFilters, ", "))
	}
	return sq, nil
}

// Get answers one series by key or, deprecated, by folder name; the flag
// says the folder fallback was used (the API adds "Deprecation: true").
func (s *Service) Get(ctx context.Context, idOrFolder string) (Detail, bool, error) {
	deprecated := false
	rec, err := s.store.SeriesByKey(ctx, idOrFolder)
	if errors.Is(err, anime.ErrNotFound) {
		rec, err = s.store.SeriesByFolder(ctx, idOrFolder)
		deprecated = err == nil
		if deprecated {
			s.log.Warn("series looked up by folder (deprecated); use its key", "folder", idOrFolder, "key", rec.Series.Key)
		}
	}
	if err != nil {
		return Detail{}, false, err
	}
	files, err := s.store.SeriesEpisodes(ctx, rec.Series.Key)
	if err != nil {
		return Detail{}, false, err
	}
	codes := make([]string, 0, len(files))
	for _, f := range files {
		c := anime.EpisodeRef{Season: f.Season, Episode: f.Episode}.Code()
		if len(codes) == 0 || codes[len(codes)-1] != c {
			codes = append(codes, c)
		}
	}
	d := Detail{Key: rec.Series.Key, Title: rec.Series.Name, Folder: rec.Series.Folder, Episodes: codes,
		Name: rec.Series.Name, Site: rec.Series.Site, Link: rec.Series.Link, Year: rec.Series.Year,
		MissingEpisodes: rec.Missing, TMDBID: rec.Series.TMDBID}
	if rec.Series.Description != "" {
		desc := rec.Series.Description
		d.Description = &desc
	}
	return d, deprecated, nil
}

// Add puts a provider series into the library in one step:
// validate the link, derive a sanitised folder name, persist, create the
// folder and its marker, scan it, and answer its missing episodes. A series
// already in the library is anime.ErrConflict.
func (s *Service) Add(ctx context.Context, link, name string) (AddResult, error) {
	l, err := ParseLink(s.opts.Sites, link)
	if err != nil {
		return AddResult{}, err
	}
	root := s.Directory()
	if root == "" {
		return AddResult{}, fmt.Errorf("%w: no anime directory configured", anime.ErrInvalid)
	}
	if rec, err := s.store.SeriesByKey(ctx, l.Key); err == nil {
		if rec.Series.Site != "" && rec.Series.Site != l.Site {
			// Keys are the sites' slugs: one per library, whichever site.
			return AddResult{}, fmt.Errorf("series %q: %w: already in the library from %s (folder %q); a series key can be in the library once, from one site",
				l.Key, anime.ErrConflict, rec.Series.Site, rec.Series.Folder)
		}
		return AddResult{}, fmt.Errorf("series %q: %w: already in the library", l.Key, anime.ErrConflict)
	} else if !errors.Is(err, anime.ErrNotFound) {
		return AddResult{}, err
	}
	name = strings.TrimSpace(name)
	info, ierr := s.opts.Catalog.Series(ctx, l.Site, l.Key)
	if name == "" {
		if ierr != nil {
			return AddResult{}, fmt.Errorf("%w: name is required (provider lookup failed: %v)", anime.ErrInvalid, ierr)
		}
		name = strings.TrimSpace(info.Name)
	}
	if ierr != nil {
		s.log.Warn("series details unavailable; adding with the given name", "key", l.Key, "err", ierr)
		info = Candidate{}
	}
	folder, err := s.pickFolder(ctx, root, l.Key, name, info.Year)
	if err != nil {
		return AddResult{}, err
	}
	series := anime.Series{Key: l.Key, Name: name, Site: l.Site, Folder: folder, Link: l.URL, Year: info.Year, Description: info.Description}
	id, err := s.store.InsertSeries(ctx, series)
	if err != nil {
		return AddResult{}, err
	}
	dir := filepath.Join(root, folder)
	err = os.MkdirAll(dir, 0o755)
	if err == nil {
		err = WriteMarker(dir, Marker{Key: l.Key, Site: l.Site, Name: name, Link: l.URL, Year: info.Year})
	}
	if err != nil {
		// Undo the row so a retry is not a conflict.
		_ = s.store.DeleteSeries(context.WithoutCancel(ctx), l.Key)
		return AddResult{}, fmt.Errorf("create series folder: %w", err)
	}
	_ = s.store.DeleteUnmatched(ctx, folder)
	rec, err := s.scanOne(ctx, root, folder)
	if err != nil {
		return AddResult{}, err
	}
	codes := episodeCodes(rec.Missing)
	return AddResult{Status: "success", Message: "Successfully added series: " + name, Key: l.Key, Folder: folder,
		DBID: id, MissingEpisodes: codes, TotalMissing: len(codes)}, nil
}

// pickFolder answers a folder for a new series: the sanitised name, or
// "Name (Year)" / "Name [key]" when the plain name belongs to another
// series. An existing folder without a marker is adopted.
func (s *Service) pickFolder(ctx context.Context, root, key, name string, year int) (string, error) {
	base := SanitizeFolderName(name)
	if base == "" {
		return "", fmt.Errorf("%w: name %q leaves no usable folder name", anime.ErrInvalid, name)
	}
	for _, f := range []string{base, SanitizeFolderName(DisplayName(name, year)), SanitizeFolderName(name + " [" + key + "]")} {
		if rec, err := s.store.SeriesByFolder(ctx, f); err == nil && rec.Series.Key != key {
			continue
		}
		m, err := ReadMarker(filepath.Join(root, f))
		if err == nil && m.Key != key {
			continue
		}
		if err != nil && !errors.Is(err, anime.ErrNotFound) {
			continue
		}
		if fi, err := os.Lstat(filepath.Join(root, f)); err == nil && !fi.IsDir() {
			continue
		}
		return f, nil
	}
	return "", fmt.Errorf("%w: folder %q belongs to another series", anime.ErrConflict, base)
}

// scanOne scans a single folder and stores the result (the targeted scan
// after Add).
func (s *Service) scanOne(ctx context.Context, root, folder string) (store.SeriesRecord, error) {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return store.SeriesRecord{}, fmt.Errorf("%w: anime directory: %v", anime.ErrUnavailable, err)
	}
	sc := &scanner{svc: s, root: root, realRoot: real, prev: map[string]store.SeriesState{}, byFolder: map[string]store.SeriesState{}}
	r := sc.scanFolder(ctx, folder)
	if r.err != nil {
		return store.SeriesRecord{}, fmt.Errorf("scan %s: %w", folder, r.err)
	}
	if r.unmatched != nil {
		return store.SeriesRecord{}, fmt.Errorf("%w: scan %s: %s", anime.ErrInvalid, folder, r.unmatched.Reason)
	}
	var sum ScanSummary
	var unmatched []store.UnmatchedRecord
	sc.apply(ctx, r, map[string]string{}, &unmatched, &sum)
	sc.flush(ctx, &sum)
	if len(sum.Errors) > 0 {
		s.log.Warn("targeted scan", "folder", folder, "errors", sum.Errors)
	}
	return s.store.SeriesByKey(ctx, r.series.Key)
}

// MarkDownloaded records a finished download (the file's target as the
// library named it) so the episode leaves the missing list at once.
func (s *Service) MarkDownloaded(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, file anime.Target) error {
	rel := filepath.ToSlash(filepath.Clean(filepath.FromSlash(file.Rel)))
	if file.Rel == "" || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return fmt.Errorf("%w: episode path %q leaves the series folder", anime.ErrInvalid, file.Rel)
	}
	fi, err := os.Stat(file.Abs)
	if err != nil {
		return fmt.Errorf("downloaded file of %s %s: %w", key, ep, err)
	}
	remove := !s.opts.RequireWantedLanguage || !lang.Valid() || slices.Contains(s.opts.Languages, lang)
	return s.store.AddEpisodeFile(ctx, key, store.EpisodeFile{Season: ep.Season, Episode: ep.Episode, Language: lang,
		Path: rel, Size: fi.Size()}, remove)
}

// SeriesDir answers a series and the absolute path of its folder.
func (s *Service) SeriesDir(ctx context.Context, key string) (anime.Series, string, error) {
	rec, err := s.store.SeriesByKey(ctx, key)
	if err != nil {
		return anime.Series{}, "", err
	}
	root := s.Directory()
	if root == "" {
		return anime.Series{}, "", fmt.Errorf("%w: no anime directory configured", anime.ErrUnavailable)
	}
	return rec.Series, filepath.Join(root, rec.Series.Folder), nil
}

// SetTMDBID stores a series' TMDB id (metadata service).
func (s *Service) SetTMDBID(ctx context.Context, key string, id int) error {
	return s.store.SetSeriesTMDBID(ctx, key, id)
}

// Unmatched lists the folders the last complete scan could not identify.
func (s *Service) Unmatched(ctx context.Context) ([]UnmatchedFolder, error) {
	recs, err := s.store.Unmatched(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]UnmatchedFolder, 0, len(recs))
	for _, r := range recs {
		u := UnmatchedFolder{Folder: r.Folder, Reason: r.Reason, SeenAt: r.SeenAt, Candidates: []Candidate{}}
		_ = json.Unmarshal(r.Candidates, &u.Candidates)
		out = append(out, u)
	}
	return out, nil
}
