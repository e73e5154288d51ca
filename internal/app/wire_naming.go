package app

import (
	"context"
	"errors"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/download"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
)

// episodeNamer supplies every naming token's value: the series from the
// library, the episode titles (German and English) and the absolute number
// from the provider's season lists (cached pages), resolution and codec
// from the finished file. The template is the live config's.
type episodeNamer struct {
	reg   *provider.Registry
	lib   *library.Service
	cfg   *config.Manager
	probe download.Prober // reads real files for previews; nil without ffprobe
}

func newEpisodeNamer(reg *provider.Registry, lib *library.Service, cfg *config.Manager) *episodeNamer {
	n := &episodeNamer{reg: reg, lib: lib, cfg: cfg}
	if p, err := exec.LookPath("ffprobe"); err == nil {
		n.probe = &download.FFprobe{Path: p}
	}
	return n
}

func (n *episodeNamer) template() string {
	if t := n.cfg.Get().Download.NamingTemplate; t != "" {
		return t
	}
	return library.DefaultNamingTemplate
}

// ext is the container downloads get: the template's .mkv, else .mp4.
func (n *episodeNamer) ext() string {
	if strings.EqualFold(path.Ext(n.template()), ".mkv") {
		return ".mkv"
	}
	return ".mp4"
}

// values gathers what a template may show about one episode and answers
// the series folder. Without the provider's lists (offline, a failure)
// the titles and absolute number stay empty: names degrade, downloads go on.
func (n *episodeNamer) values(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language) (library.NameValues, string, error) {
	series, dir, err := n.lib.SeriesDir(ctx, key)
	if err != nil {
		return library.NameValues{}, "", err
	}
	v := library.NameValues{Series: series, Episode: ep, Language: lang}
	p := n.reg.Default()
	if sp, err := n.reg.Lookup(series.Site); err == nil {
		p = sp
	}
	if p == nil {
		return v, dir, nil
	}
	seasons, err := p.Seasons(ctx, series.Key)
	if err != nil {
		return v, dir, nil
	}
	nums := make(map[int][]int, len(seasons))
	for _, s := range seasons {
		for _, e := range s.Episodes {
			nums[s.Number] = append(nums[s.Number], e.Number)
			if s.Number == ep.Season && e.Number == ep.Episode {
				v.TitleDE, v.TitleEN = e.TitleDE, e.TitleEN
			}
		}
	}
	v.Absolute = library.AbsoluteEpisode(nums, ep)
	return v, dir, nil
}

// path renders the template for an episode (media unknown: the
// provisional name the download and its .part live under).
func (n *episodeNamer) path(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, media anime.MediaInfo, ext string) (string, error) {
	v, dir, err := n.values(ctx, key, ep, lang)
	if err != nil {
		return "", err
	}
	v.Media = media
	rel, err := library.RenderEpisodePath(n.template(), v, ext)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.FromSlash(rel)), nil
}

// target is the queue's TargetFunc: the provisional name.
func (n *episodeNamer) target(ctx context.Context) queue.TargetFunc {
	return func(item queue.Item, s anime.Stream) (string, error) {
		lang := s.Lang
		if lang == anime.LangUnknown {
			lang = item.Language
		}
		return n.path(ctx, item.SerieID, item.Episode, lang, anime.MediaInfo{}, n.ext())
	}
}

// finalName is the queue's FinalNameFunc: the name with what the finished
// file holds (its extension included, e.g. a kept .ts).
func (n *episodeNamer) finalName(ctx context.Context) queue.FinalNameFunc {
	return func(item queue.Item, s anime.Stream, media anime.MediaInfo, ext string) (string, error) {
		lang := s.Lang
		if lang == anime.LangUnknown {
			lang = item.Language
		}
		return n.path(ctx, item.SerieID, item.Episode, lang, media, ext)
	}
}

// sampleMedia stands in for {resolution} and {codec} when no file is on
// disk to read them from.
var sampleMedia = anime.MediaInfo{Width: 1920, Height: 1080, VideoCodec: "h264"}

// PreviewNaming renders a template for a real library episode (api.NamingPreviewer).
func (n *episodeNamer) PreviewNaming(ctx context.Context, req api.NamingPreviewRequest) (api.NamingPreview, error) {
	if err := library.ValidateTemplate(req.Template); err != nil {
		return api.NamingPreview{}, err
	}
	out := api.NamingPreview{Template: req.Template, Tokens: library.Tokens}
	pick, ok, err := n.lib.PickPreviewEpisode(ctx, req.SeriesKey)
	if errors.Is(err, anime.ErrUnavailable) || (err == nil && !ok) {
		v := library.SampleNameValues()
		return n.finish(out, req, v, "", true)
	}
	if err != nil {
		return api.NamingPreview{}, err
	}
	ep := pick.Episode
	if req.Season != nil && req.Episode != nil {
		ep, pick.File = anime.EpisodeRef{Season: *req.Season, Episode: *req.Episode}, ""
	}
	lang := pick.Language
	if !lang.Valid() {
		lang = anime.LangGermanDub
		if l := languages(n.cfg.Get().Download.LanguageOrder); len(l) > 0 {
			lang = l[0]
		}
	}
	v, _, err := n.values(ctx, pick.Series.Key, ep, lang)
	if err != nil {
		return api.NamingPreview{}, err
	}
	v.Media = sampleMedia
	if pick.File != "" && n.probe != nil {
		if m, err := n.probe.Probe(ctx, pick.File); err == nil && m.Height > 0 {
			v.Media, out.MediaFromFile = m, true
		}
	}
	out.SeriesKey = pick.Series.Key
	return n.finish(out, req, v, pick.Series.Folder, false)
}

func (n *episodeNamer) finish(out api.NamingPreview, req api.NamingPreviewRequest, v library.NameValues, folder string, sample bool) (api.NamingPreview, error) {
	rel, err := library.RenderEpisodePath(req.Template, v, "")
	if err != nil {
		return api.NamingPreview{}, err
	}
	if folder == "" {
		folder = library.SanitizeFolderName(library.DisplayName(v.Series.Name, v.Series.Year))
	}
	out.Path, out.Sample, out.Values = folder+"/"+rel, sample, v.TokenValues()
	out.Episode = anime.EpisodeRef{Season: v.Episode.Season, Episode: v.Episode.Episode, Title: out.Values["episode_title"]}
	return out, nil
}

var _ api.NamingPreviewer = (*episodeNamer)(nil)

// DownloadNamed lets the engine rename the finished file (queue.NamingDownloader).
func (d engine) DownloadNamed(ctx context.Context, s anime.Stream, target string, progress queue.ProgressFunc,
	name func(anime.MediaInfo, string) (string, error)) (queue.Downloaded, error) {
	res, err := d.e.Download(ctx, s, target, download.Request{Name: name, Progress: func(p download.Progress) {
		progress(p.BytesDone, p.BytesTotal)
	}})
	return queue.Downloaded{Path: res.Path, Warnings: res.Warnings}, err
}
