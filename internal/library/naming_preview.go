package library

import (
	"context"
	"errors"
	"path/filepath"
	"slices"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// PreviewEpisode is a real library episode a naming template preview is
// rendered for.
type PreviewEpisode struct {
	Series   anime.Series
	Dir      string // the series folder, absolute
	Episode  anime.EpisodeRef
	Language anime.Language // the file's, when its name tells
	File     string         // the episode's file, absolute; "" when it is missing
}

// PickPreviewEpisode chooses the episode a naming preview shows: of the
// series key (the first series by title when key is empty), the first
// episode file on disk, else the first missing episode, else S01E01.
// ok is false when the library has no series (the caller shows sample
// values); an unknown key is anime.ErrNotFound.
func (s *Service) PickPreviewEpisode(ctx context.Context, key string) (PreviewEpisode, bool, error) {
	if key == "" {
		items, _, err := s.List(ctx, ListQuery{Page: 1, PerPage: 1})
		if err != nil || len(items) == 0 {
			return PreviewEpisode{}, false, err
		}
		key = items[0].Key
	}
	series, dir, err := s.SeriesDir(ctx, key)
	if err != nil {
		return PreviewEpisode{}, false, err
	}
	p := PreviewEpisode{Series: series, Dir: dir, Episode: anime.EpisodeRef{Season: 1, Episode: 1}}
	files, err := s.store.SeriesEpisodes(ctx, key)
	if err != nil {
		return PreviewEpisode{}, false, err
	}
	if len(files) > 0 {
		f := slices.MinFunc(files, func(a, b store.EpisodeFile) int {
			if a.Season != b.Season {
				return a.Season - b.Season
			}
			return a.Episode - b.Episode
		})
		p.Episode = anime.EpisodeRef{Season: f.Season, Episode: f.Episode}
		p.Language, p.File = f.Language, filepath.Join(dir, filepath.FromSlash(f.Path))
		return p, true, nil
	}
	if rec, err := s.store.SeriesByKey(ctx, key); err == nil {
		missing := rec.Missing.Refs() // by season, then episode
		// A regular episode shows more of a template than a special.
		if i := slices.IndexFunc(missing, func(e anime.EpisodeRef) bool { return e.Season > 0 }); i >= 0 {
			p.Episode = missing[i]
		} else if len(missing) > 0 {
			p.Episode = missing[0]
		}
	}
	return p, true, nil
}

// MediaProber reads what a video file holds (ffprobe; Options.Prober).
type MediaProber interface {
	Probe(ctx context.Context, path string) (anime.MediaInfo, error)
}

// PreviewRequest asks PreviewNaming to render one template.
type PreviewRequest struct {
	Template  string
	SeriesKey string            // "": the first series by title
	Episode   *anime.EpisodeRef // nil: the series' first episode on disk, else its first missing one
	// Language is shown when the episode's file does not tell its own
	// (the first preferred language); German Dub when unset.
	Language anime.Language
}

// Preview is what a template renders for one episode.
type Preview struct {
	// Path is relative to the anime folder: the series folder, then what
	// the template renders.
	Path      string
	SeriesKey string
	Episode   anime.EpisodeRef
	// Sample is true when the library has no series: sample values were used.
	Sample bool
	// MediaFromFile is true when {resolution}/{codec} were read from the
	// episode's file (Options.Prober); otherwise sampleMedia stands in.
	MediaFromFile bool
	Values        map[string]string // every placeholder's value
}

// sampleMedia stands in for {resolution} and {codec} when no file is on
// disk to read them from.
var sampleMedia = anime.MediaInfo{Width: 1920, Height: 1080, VideoCodec: "h264"}

// PreviewNaming renders a template (not saved) as a download of a real
// library episode would be named (PickPreviewEpisode), with sample
// values when the library has no series. An invalid template is
// anime.ErrInvalid with the reason.
func (s *Service) PreviewNaming(ctx context.Context, req PreviewRequest) (Preview, error) {
	if err := ValidateTemplate(req.Template); err != nil {
		return Preview{}, err
	}
	pick, ok, err := s.PickPreviewEpisode(ctx, req.SeriesKey)
	if errors.Is(err, anime.ErrUnavailable) || (err == nil && !ok) {
		return renderPreview(req.Template, SampleNameValues(), "", true)
	}
	if err != nil {
		return Preview{}, err
	}
	ep := pick.Episode
	if req.Episode != nil {
		ep, pick.File = *req.Episode, ""
	}
	lang := pick.Language
	if !lang.Valid() {
		lang = req.Language
	}
	if !lang.Valid() {
		lang = anime.LangGermanDub
	}
	v := s.nameValues(ctx, pick.Series, ep, lang)
	v.Media = sampleMedia
	fromFile := false
	if pick.File != "" && s.opts.Prober != nil {
		if m, err := s.opts.Prober.Probe(ctx, pick.File); err == nil && m.Height > 0 {
			v.Media, fromFile = m, true
		}
	}
	out, err := renderPreview(req.Template, v, pick.Series.Folder, false)
	out.SeriesKey, out.MediaFromFile = pick.Series.Key, fromFile
	return out, err
}

func renderPreview(tmpl string, v NameValues, folder string, sample bool) (Preview, error) {
	rel, err := RenderEpisodePath(tmpl, v, "")
	if err != nil {
		return Preview{}, err
	}
	if folder == "" {
		folder = SanitizeFolderName(DisplayName(v.Series.Name, v.Series.Year))
	}
	out := Preview{Path: folder + "/" + rel, Sample: sample, Values: v.TokenValues()}
	out.Episode = anime.EpisodeRef{Season: v.Episode.Season, Episode: v.Episode.Episode, Title: out.Values["episode_title"]}
	return out, nil
}
