// Package metadata is the NFO use case: it finds a series on TMDB, writes
// Kodi/Jellyfin's tvshow.nfo and episode NFOs, and downloads artwork into
// the series folder. The HTTP routes of /api/nfo call Service; the queue
// calls WriteEpisodeNFO after a download.
package metadata

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
)

// ErrDisabled is returned (wrapping anime.ErrUnavailable) by every TMDB-backed
// method when no API key or token is configured.
var ErrDisabled = errors.New("tmdb is not configured: set nfo.tmdb_api_key in the config or ANIWORLD_TMDB_API_KEY")

// TMDB is the part of *tmdb.Client the service uses.
type TMDB interface {
	SearchTV(ctx context.Context, query string, year int) ([]tmdb.SearchResult, error)
	TV(ctx context.Context, id int) (*tmdb.Show, error)
	Season(ctx context.Context, id, n int) (*tmdb.Season, error)
	ImageURL(size, filePath string) string
	OpenImage(ctx context.Context, size, filePath string) (*http.Response, error)
}

// Entry is one library series and the absolute path of its folder.
type Entry struct {
	Series anime.Series
	Dir    string
}

// SeriesLookup resolves series keys to series and their folders (the
// library provides it). Series answers anime.ErrNotFound for unknown keys.
type SeriesLookup interface {
	Series(ctx context.Context, key string) (anime.Series, string, error)
	List(ctx context.Context) ([]Entry, error)
}

// TMDBIDs remembers the TMDB id found for a series.
type TMDBIDs interface {
	SetTMDBID(ctx context.Context, key string, id int) error
}

// Options configures a Service.
type Options struct {
	// TMDB is the client; nil disables every TMDB-backed method (ErrDisabled).
	TMDB TMDB
	// Series is required.
	Series SeriesLookup
	// IDs, when set, is told every TMDB id the service finds.
	IDs TMDBIDs
	// Language as configured ("de-DE"): its region picks the content rating
	// (US fallback), its language the preferred artwork.
	Language string
	// ClearLogo also writes clearlogo.png (Kodi's name) beside logo.png.
	ClearLogo bool
	// SeasonPosters also writes seasonNN-poster.jpg with the poster.
	SeasonPosters bool
	// SeasonCacheTTL keeps fetched seasons for episode NFOs; default 1h.
	SeasonCacheTTL time.Duration
	Logger         *slog.Logger
	Now            func() time.Time
}

// Service implements the NFO routes. It is safe for concurrent use.
type Service struct {
	o       Options
	country string
	lang    string

	mu      sync.Mutex
	seasons map[[2]int]cachedSeason
}

type cachedSeason struct {
	season *tmdb.Season
	at     time.Time
}

// New builds a service.
func New(o Options) (*Service, error) {
	if o.Series == nil {
		return nil, fmt.Errorf("%w: metadata service needs a series lookup", anime.ErrInvalid)
	}
	if c, ok := o.TMDB.(*tmdb.Client); ok && c == nil {
		o.TMDB = nil
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SeasonCacheTTL == 0 {
		o.SeasonCacheTTL = time.Hour
	}
	s := &Service{o: o, seasons: map[[2]int]cachedSeason{}}
	lang, region, _ := strings.Cut(o.Language, "-")
	s.lang, s.country = strings.ToLower(lang), strings.ToUpper(region)
	return s, nil
}

// Enabled reports whether a TMDB client is configured.
func (s *Service) Enabled() bool { return s.o.TMDB != nil }

func (s *Service) requireEnabled() error {
	if !s.Enabled() {
		return fmt.Errorf("%w: %w", anime.ErrUnavailable, ErrDisabled)
	}
	return nil
}

// Check reports whether tvshow.nfo and artwork exist. When the NFO holds a
// TMDB id the series does not remember yet, it is remembered.
func (s *Service) Check(ctx context.Context, key string) (CheckResult, error) {
	if err := s.requireEnabled(); err != nil {
		return CheckResult{}, err
	}
	sr, f, err := s.resolve(ctx, key)
	if err != nil {
		return CheckResult{}, err
	}
	res := CheckResult{SerieID: sr.Key, SerieFolder: sr.Folder, MediaFiles: f.media()}
	if p, ok := f.existing(nfoName); ok {
		res.HasNFO, res.NFOPath = true, &p
		if in, err := f.readNFO(); err == nil {
			res.TMDBID = in.TMDBID()
		} else {
			s.o.Logger.Warn("unreadable tvshow.nfo", "serie", sr.Key, "err", err)
		}
		if res.TMDBID > 0 && sr.TMDBID != res.TMDBID {
			s.remember(ctx, sr.Key, res.TMDBID)
		}
	}
	return res, nil
}

// Content returns tvshow.nfo's text, size and modification time.
func (s *Service) Content(ctx context.Context, key string) (ContentResult, error) {
	sr, f, err := s.resolve(ctx, key)
	if err != nil {
		return ContentResult{}, err
	}
	p, ok := f.existing(nfoName)
	if !ok {
		return ContentResult{}, fmt.Errorf("%w: %s has no tvshow.nfo; create it first", anime.ErrNotFound, sr.Key)
	}
	data, fi, err := readSmall(p, 8<<20)
	if err != nil {
		return ContentResult{}, fmt.Errorf("read tvshow.nfo: %w", err)
	}
	return ContentResult{SerieID: sr.Key, SerieFolder: sr.Folder, Content: string(data),
		FileSize: fi.Size(), LastModified: fi.ModTime().UTC().Truncate(time.Second)}, nil
}

// MediaStatus reports which artwork files exist.
func (s *Service) MediaStatus(ctx context.Context, key string) (MediaFiles, error) {
	_, f, err := s.resolve(ctx, key)
	if err != nil {
		return MediaFiles{}, err
	}
	return f.media(), nil
}

// Missing lists library series whose folder has no tvshow.nfo. Series whose
// folder cannot be resolved are skipped with a log warning.
func (s *Service) Missing(ctx context.Context) (MissingResult, error) {
	if err := s.requireEnabled(); err != nil {
		return MissingResult{}, err
	}
	entries, err := s.o.Series.List(ctx)
	if err != nil {
		return MissingResult{}, fmt.Errorf("list series: %w", err)
	}
	res := MissingResult{TotalSeries: len(entries), Series: []MissingItem{}}
	for _, e := range entries {
		f, err := openFolder(e.Dir)
		if err != nil {
			s.o.Logger.Warn("skipping series folder", "serie", e.Series.Key, "err", err)
			continue
		}
		if _, ok := f.existing(nfoName); ok {
			continue
		}
		m := f.media()
		res.Series = append(res.Series, MissingItem{SerieID: e.Series.Key, SerieFolder: e.Series.Folder,
			SerieName: e.Series.Name, HasMedia: m.Any(), MediaFiles: m})
	}
	res.MissingNFOCount = len(res.Series)
	return res, nil
}

func (s *Service) remember(ctx context.Context, key string, id int) {
	if s.o.IDs == nil {
		return
	}
	if err := s.o.IDs.SetTMDBID(ctx, key, id); err != nil {
		s.o.Logger.Warn("could not remember tmdb id", "serie", key, "tmdb_id", id, "err", err)
	}
}

func readSmall(p string, limit int64) ([]byte, os.FileInfo, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, nil, err
	}
	if fi.Size() > limit {
		return nil, nil, fmt.Errorf("%w: file is %d bytes, over the %d limit", anime.ErrInvalid, fi.Size(), limit)
	}
	data := make([]byte, fi.Size())
	if _, err := fh.ReadAt(data, 0); err != nil && fi.Size() > 0 {
		return nil, nil, err
	}
	return data, fi, nil
}

// resolve validates the key, looks the series up and opens its folder.
func (s *Service) resolve(ctx context.Context, key string) (anime.Series, *folder, error) {
	if err := ValidKey(key); err != nil {
		return anime.Series{}, nil, err
	}
	sr, dir, err := s.o.Series.Series(ctx, key)
	if err != nil {
		return anime.Series{}, nil, fmt.Errorf("series %q: %w", key, err)
	}
	f, err := openFolder(dir)
	if err != nil {
		return anime.Series{}, nil, fmt.Errorf("series %q: %w", key, err)
	}
	return sr, f, nil
}
