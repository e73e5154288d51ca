package queue

import (
	"context"

	"github.com/aniworld/aniworld/internal/anime"
)

// FinalNameFunc names an item's finished file once what it holds is known
// (resolution and codec, probed from the file; ext is the extension the
// file got, ".mkv", ".ts" …). The TargetFunc's path holds the download
// (and its resumable .part) until then.
type FinalNameFunc func(item Item, s anime.Stream, media anime.MediaInfo, ext string) (string, error)

// NamingDownloader is a Downloader that renames the finished file, before
// it appears, to a name chosen by name (see FinalNameFunc). With
// Options.FinalName set, the queue downloads through it.
type NamingDownloader interface {
	Downloader
	DownloadNamed(ctx context.Context, s anime.Stream, target string, progress ProgressFunc,
		name func(media anime.MediaInfo, ext string) (string, error)) (Downloaded, error)
}

// download runs one download, through DownloadNamed when the final name
// depends on the file.
func (s *Service) download(ctx context.Context, it Item, stream anime.Stream, target string, progress ProgressFunc) (Downloaded, error) {
	nd, ok := s.dl.(NamingDownloader)
	if !ok || s.finalName == nil {
		return s.dl.Download(ctx, stream, target, progress)
	}
	return nd.DownloadNamed(ctx, stream, target, progress, func(m anime.MediaInfo, ext string) (string, error) {
		return s.finalName(it, stream, m, ext)
	})
}
