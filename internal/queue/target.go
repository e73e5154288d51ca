package queue

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// targetFor is an item's download target in lang: the one stored on the
// item, named once by the library; a new one only when none is stored
// (a new item, or a row from before targets were stored) or the language
// changed (the name carries it). A naming template changed meanwhile does
// not move a download that has its target.
func (s *Service) targetFor(ctx context.Context, row store.QueueItem, ep anime.EpisodeRef, lang anime.Language) (anime.Target, error) {
	if row.TargetRel != "" && row.TargetPath != "" && row.Language == lang {
		return anime.Target{Rel: row.TargetRel, Abs: row.TargetPath}, nil
	}
	t, err := s.lib.DownloadTarget(ctx, row.SerieID, ep, lang)
	if err != nil {
		return anime.Target{}, err
	}
	if t.Rel == "" || !filepath.IsAbs(t.Abs) {
		return anime.Target{}, fmt.Errorf("library named no usable target (%q, %q)", t.Rel, t.Abs)
	}
	return t, nil
}

// download runs one download to target and answers the finished file as
// the library named it (FinalTarget, once the file's content is known).
func (s *Service) download(ctx context.Context, key string, ep anime.EpisodeRef, stream anime.Stream, lang anime.Language,
	target anime.Target, progress ProgressFunc) (anime.Target, Downloaded, error) {
	var final anime.Target
	name := func(media anime.MediaInfo, ext string) (string, error) {
		t, err := s.lib.FinalTarget(ctx, key, ep, lang, target, media, ext)
		if err != nil {
			return "", err
		}
		final = t
		return t.Abs, nil
	}
	res, err := s.dl.Download(ctx, stream, target.Abs, progress, name)
	if err != nil {
		return anime.Target{}, res, err
	}
	switch filepath.Clean(res.Path) {
	case filepath.Clean(final.Abs):
		return final, res, nil
	case filepath.Clean(target.Abs):
		return target, res, nil
	}
	return anime.Target{}, res, fmt.Errorf("downloader wrote %s, not the file the library named (%s)", res.Path, final.Abs)
}
