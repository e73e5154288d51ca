package metadata

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/metadata/nfo"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
)

// Create finds the series on TMDB, writes tvshow.nfo and downloads the
// chosen artwork. An existing NFO is anime.ErrConflict unless
// OverwriteExisting. The show is searched by SerieName (default: the series
// name, else its folder) and Year (default: the series' or the folder's
// year); without a SerieName a remembered TMDB id is used instead of a
// search. Nothing is written when TMDB fails; artwork failures do not undo
// the NFO and are reported in the message.
func (s *Service) Create(ctx context.Context, key string, opts CreateOptions) (NFOResult, error) {
	if err := s.requireEnabled(); err != nil {
		return NFOResult{}, err
	}
	sr, f, err := s.resolve(ctx, key)
	if err != nil {
		return NFOResult{}, err
	}
	if p, ok := f.existing(nfoName); ok && !opts.OverwriteExisting {
		return NFOResult{}, fmt.Errorf("%w: %s already exists; set overwrite_existing to replace it", anime.ErrConflict, p)
	}
	id := sr.TMDBID
	if opts.SerieName != "" || id <= 0 {
		if id, err = s.find(ctx, sr, opts.SerieName, opts.Year); err != nil {
			return NFOResult{}, err
		}
	}
	res, err := s.write(ctx, sr, f, id, opts.DownloadPoster, opts.DownloadLogo, opts.DownloadFanart, opts.OverwriteExisting)
	if err != nil {
		return NFOResult{}, err
	}
	if res.Message == "" {
		res.Message = "NFO and media files created successfully"
	}
	return res, nil
}

// Update rewrites an existing tvshow.nfo from fresh TMDB data for the
// remembered id (the series' TMDB id, else the one in the NFO); it never
// searches. No NFO is anime.ErrNotFound. downloadMedia re-downloads poster,
// logo and fanart, replacing existing files.
func (s *Service) Update(ctx context.Context, key string, downloadMedia bool) (NFOResult, error) {
	if err := s.requireEnabled(); err != nil {
		return NFOResult{}, err
	}
	sr, f, err := s.resolve(ctx, key)
	if err != nil {
		return NFOResult{}, err
	}
	id, err := s.knownID(sr, f)
	if err != nil {
		return NFOResult{}, err
	}
	res, err := s.write(ctx, sr, f, id, downloadMedia, downloadMedia, downloadMedia, true)
	if err != nil {
		return NFOResult{}, err
	}
	if res.Message == "" {
		res.Message = "NFO updated successfully"
	}
	return res, nil
}

// DownloadMedia downloads the chosen artwork that is missing from the
// folder. It needs tvshow.nfo (or a remembered id) for the TMDB id; a
// failed download is an error naming every file that failed.
func (s *Service) DownloadMedia(ctx context.Context, key string, opts MediaOptions) (MediaFiles, error) {
	if err := s.requireEnabled(); err != nil {
		return MediaFiles{}, err
	}
	sr, f, err := s.resolve(ctx, key)
	if err != nil {
		return MediaFiles{}, err
	}
	id, err := s.knownID(sr, f)
	if err != nil {
		return MediaFiles{}, err
	}
	show, err := s.o.TMDB.TV(ctx, id)
	if err != nil {
		return MediaFiles{}, fmt.Errorf("fetch tmdb show %d: %w", id, err)
	}
	jobs := s.artworkJobs(show, opts.DownloadPoster, opts.DownloadLogo, opts.DownloadFanart)
	if errs := s.downloadArtwork(ctx, f, jobs, false); len(errs) > 0 {
		return f.media(), fmt.Errorf("download media: %w", errors.Join(errs...))
	}
	return f.media(), nil
}

// knownID is the series' remembered TMDB id, else the NFO's; it requires
// the NFO to exist.
func (s *Service) knownID(sr anime.Series, f *folder) (int, error) {
	if _, ok := f.existing(nfoName); !ok {
		return 0, fmt.Errorf("%w: %s has no tvshow.nfo; use create first", anime.ErrNotFound, sr.Key)
	}
	if sr.TMDBID > 0 {
		return sr.TMDBID, nil
	}
	in, err := f.readNFO()
	if err != nil {
		return 0, fmt.Errorf("%w: tvshow.nfo of %s is unreadable (%v); use create with overwrite_existing", anime.ErrNotFound, sr.Key, err)
	}
	if id := in.TMDBID(); id > 0 {
		return id, nil
	}
	return 0, fmt.Errorf("%w: tvshow.nfo of %s has no tmdb id; use create with overwrite_existing", anime.ErrNotFound, sr.Key)
}

// find searches TMDB and picks the best match.
func (s *Service) find(ctx context.Context, sr anime.Series, name string, year int) (int, error) {
	folderName, folderYear := anime.SplitYear(sr.Folder)
	if name == "" {
		name = sr.Name
	}
	if name == "" {
		name = folderName
	}
	name, nameYear := anime.SplitYear(name)
	if year <= 0 {
		year = sr.Year
	}
	if year <= 0 {
		year = max(nameYear, folderYear)
	}
	if strings.TrimSpace(name) == "" {
		return 0, fmt.Errorf("%w: series %s has no name to search for", anime.ErrInvalid, sr.Key)
	}
	results, err := s.o.TMDB.SearchTV(ctx, name, year)
	if err != nil {
		return 0, fmt.Errorf("search tmdb for %q: %w", name, err)
	}
	if len(results) == 0 && year > 0 {
		// The site's year and TMDB's first air date sometimes disagree.
		if results, err = s.o.TMDB.SearchTV(ctx, name, 0); err != nil {
			return 0, fmt.Errorf("search tmdb for %q: %w", name, err)
		}
	}
	best, err := tmdb.BestMatch(results, name, year)
	if err != nil {
		return 0, err
	}
	return best.ID, nil
}

// write fetches the show, writes tvshow.nfo, remembers the id and
// downloads the chosen artwork.
func (s *Service) write(ctx context.Context, sr anime.Series, f *folder, id int, poster, logo, fanart, overwrite bool) (NFOResult, error) {
	show, err := s.o.TMDB.TV(ctx, id)
	if err != nil {
		return NFOResult{}, fmt.Errorf("fetch tmdb show %d: %w", id, err)
	}
	p, err := f.path(nfoName)
	if err != nil {
		return NFOResult{}, err
	}
	doc := nfo.FromShow(show, nfo.MapOptions{Country: s.country, Lang: s.lang, ImageURL: s.o.TMDB.ImageURL})
	if err := nfo.WriteTVShow(p, doc); err != nil {
		return NFOResult{}, err
	}
	if sr.TMDBID != show.ID {
		s.remember(ctx, sr.Key, show.ID)
	}
	res := NFOResult{SerieID: sr.Key, SerieFolder: sr.Folder, NFOPath: p, TMDBID: show.ID}
	if errs := s.downloadArtwork(ctx, f, s.artworkJobs(show, poster, logo, fanart), overwrite); len(errs) > 0 {
		s.o.Logger.Warn("artwork download failed", "serie", sr.Key, "err", joinErrs(errs))
		res.Message = "NFO written; some media files failed: " + joinErrs(errs)
	}
	res.MediaFiles = f.media()
	return res, nil
}

// BatchCreate creates NFOs for many series with at most MaxConcurrent
// (1..10) in flight. Duplicate ids are processed once. One failure does not
// stop the batch; every id gets a result, in request order.
func (s *Service) BatchCreate(ctx context.Context, opts BatchOptions) (BatchResult, error) {
	if err := s.requireEnabled(); err != nil {
		return BatchResult{}, err
	}
	if opts.MaxConcurrent < 1 || opts.MaxConcurrent > 10 {
		return BatchResult{}, fmt.Errorf("%w: max_concurrent must be between 1 and 10, got %d", anime.ErrInvalid, opts.MaxConcurrent)
	}
	var ids []string
	seen := map[string]bool{}
	for _, id := range opts.SerieIDs {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	results := make([]BatchItem, len(ids))
	sem := make(chan struct{}, opts.MaxConcurrent)
	var wg sync.WaitGroup
	for i, id := range ids {
		if ctx.Err() != nil {
			results[i] = BatchItem{SerieID: id, Message: "cancelled: " + ctx.Err().Error()}
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			results[i] = BatchItem{SerieID: id, Message: "cancelled: " + ctx.Err().Error()}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = s.batchOne(ctx, id, opts)
		}()
	}
	wg.Wait()
	res := BatchResult{Total: len(results), Results: results}
	for _, r := range results {
		switch {
		case r.Success:
			res.Successful++
		case r.Skipped:
			res.Skipped++
		default:
			res.Failed++
		}
	}
	return res, nil
}

func (s *Service) batchOne(ctx context.Context, key string, opts BatchOptions) BatchItem {
	item := BatchItem{SerieID: key}
	sr, f, err := s.resolve(ctx, key)
	if err != nil {
		item.Message = err.Error()
		return item
	}
	item.SerieFolder = sr.Folder
	if _, ok := f.existing(nfoName); ok && opts.SkipExisting {
		item.Skipped, item.Message = true, "Skipped - NFO already exists"
		return item
	}
	res, err := s.Create(ctx, key, CreateOptions{DownloadPoster: opts.DownloadMedia, DownloadLogo: opts.DownloadMedia,
		DownloadFanart: opts.DownloadMedia, OverwriteExisting: !opts.SkipExisting})
	if err != nil {
		item.Message = err.Error()
		return item
	}
	item.Success, item.NFOPath = true, &res.NFOPath
	item.Message = "NFO created successfully"
	if strings.HasPrefix(res.Message, "NFO written;") {
		item.Message = res.Message
	}
	return item
}
