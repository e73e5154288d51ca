package library

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// SetNamingTemplate switches the template new downloads are named with
// (download.naming_template, applied live). An invalid template is
// refused and the current one kept.
func (s *Service) SetNamingTemplate(tmpl string) error {
	if tmpl == "" {
		tmpl = DefaultNamingTemplate
	}
	if err := ValidateTemplate(tmpl); err != nil {
		return err
	}
	s.mu.Lock()
	s.opts.NamingTemplate = tmpl
	s.mu.Unlock()
	return nil
}

// NamingTemplate is the template new downloads are named with.
func (s *Service) NamingTemplate() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.NamingTemplate
}

// DownloadExt is the container a download named by tmpl gets before its
// file is known: the template's .mkv, else .mp4.
func DownloadExt(tmpl string) string {
	if strings.EqualFold(path.Ext(tmpl), ".mkv") {
		return ".mkv"
	}
	return ".mp4"
}

// DownloadTarget names the download of an episode in lang with the
// current template, the media still unknown: the file the download and
// its .part live under until it is complete. The queue asks once per item
// and language and stores the answer.
func (s *Service) DownloadTarget(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language) (anime.Target, error) {
	series, dir, err := s.SeriesDir(ctx, key)
	if err != nil {
		return anime.Target{}, err
	}
	tmpl := s.NamingTemplate()
	rel, err := RenderEpisodePath(tmpl, s.nameValues(ctx, series, ep, lang), DownloadExt(tmpl))
	if err != nil {
		return anime.Target{}, err
	}
	return anime.Target{Rel: rel, Abs: filepath.Join(dir, filepath.FromSlash(rel))}, nil
}

// FinalTarget names the finished file of a download that went to t, from
// what the file holds (media; ext is the extension it got, e.g. a kept
// ".ts"), in t's series folder. A template showing {resolution} or
// {codec} is rendered again with them, but only while it is the template
// that named t: a download keeps the name it was given, and otherwise
// only its extension follows the file.
func (s *Service) FinalTarget(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, t anime.Target, media anime.MediaInfo, ext string) (anime.Target, error) {
	dir, ok := seriesDirOf(t)
	if !ok {
		return anime.Target{}, fmt.Errorf("%w: download target %q is not a path inside a series folder", anime.ErrInvalid, t.Rel)
	}
	kept := targetIn(dir, withExt(t.Rel, ext))
	tmpl := s.NamingTemplate()
	if !templateUses(tmpl, "resolution") && !templateUses(tmpl, "codec") {
		return kept, nil
	}
	rec, err := s.store.SeriesByKey(ctx, key)
	if err != nil {
		return anime.Target{}, err
	}
	v := s.nameValues(ctx, rec.Series, ep, lang)
	if rel, err := RenderEpisodePath(tmpl, v, DownloadExt(tmpl)); err != nil || rel != t.Rel {
		return kept, nil // named by an earlier template (or other titles)
	}
	v.Media = media
	rel, err := RenderEpisodePath(tmpl, v, ext)
	if err != nil {
		return anime.Target{}, err
	}
	return targetIn(dir, rel), nil
}

// seriesDirOf is the series folder a target was named in: Abs without Rel.
func seriesDirOf(t anime.Target) (string, bool) {
	rel := filepath.FromSlash(t.Rel)
	if !filepath.IsLocal(rel) || !filepath.IsAbs(t.Abs) {
		return "", false
	}
	dir, ok := strings.CutSuffix(t.Abs, string(filepath.Separator)+rel)
	return dir, ok && filepath.Join(dir, rel) == t.Abs
}

func targetIn(dir, rel string) anime.Target {
	return anime.Target{Rel: rel, Abs: filepath.Join(dir, filepath.FromSlash(rel))}
}

// nameValues gathers what a template may show about one episode: the
// series, and from the provider's list (Catalog.EpisodeList, cached
// pages) the episode's titles and absolute number. Without the list
// (offline, a failure) those stay empty: names degrade, downloads go on.
func (s *Service) nameValues(ctx context.Context, series anime.Series, ep anime.EpisodeRef, lang anime.Language) NameValues {
	v := NameValues{Series: series, Episode: ep, Language: lang}
	list, err := s.opts.Catalog.EpisodeList(ctx, series.Site, series.Key)
	if err != nil {
		return v
	}
	nums := make(map[int][]int)
	for _, e := range list {
		nums[e.Season] = append(nums[e.Season], e.Episode)
		if e.Season == ep.Season && e.Episode == ep.Episode {
			v.TitleDE, v.TitleEN = e.TitleDE, e.TitleEN
		}
	}
	v.Absolute = AbsoluteEpisode(nums, ep)
	return v
}

// TitleLookupTimeout bounds the site lookup of episode titles while
// episodes are queued; past it they are queued without titles.
const TitleLookupTimeout = 10 * time.Second

// CheckSeries answers nil for a well-formed key of a library series (the
// queue's check before queueing): anime.ErrInvalid for a malformed key,
// anime.ErrNotFound for a key that is no series of the library.
func (s *Service) CheckSeries(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return fmt.Errorf("%w: not a series key (letters, digits and '-', like attack-on-titan)", anime.ErrInvalid)
	}
	_, err := s.store.SeriesByKey(ctx, key)
	return err
}

// EpisodeTitles answers the site's episode titles of a library series by
// season and episode: the German title, else the English one.
func (s *Service) EpisodeTitles(ctx context.Context, key string) (map[[2]int]string, error) {
	rec, err := s.store.SeriesByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, TitleLookupTimeout)
	defer cancel()
	list, err := s.opts.Catalog.EpisodeList(ctx, rec.Series.Site, key)
	if err != nil {
		return nil, err
	}
	titles := map[[2]int]string{}
	for _, e := range list {
		if t := (NameValues{TitleDE: e.TitleDE, TitleEN: e.TitleEN}).episodeTitle(); t != "" {
			titles[[2]int{e.Season, e.Episode}] = t
		}
	}
	return titles, nil
}
