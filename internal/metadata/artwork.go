package metadata

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"mime"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/atomicfile"
	"github.com/aniworld/aniworld/internal/metadata/nfo"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
)

// maxImageBytes caps one artwork download.
const maxImageBytes = 40 << 20

type imageFormat struct {
	mimeTypes []string
	magic     []byte
}

var (
	formatJPEG = imageFormat{mimeTypes: []string{"image/jpeg", "image/jpg", "image/pjpeg"}, magic: []byte{0xFF, 0xD8, 0xFF}}
	formatPNG  = imageFormat{mimeTypes: []string{"image/png"}, magic: []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}}
)

func formatFor(name string) (imageFormat, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg":
		return formatJPEG, nil
	case ".png":
		return formatPNG, nil
	}
	return imageFormat{}, fmt.Errorf("%w: no image format for %s", anime.ErrInvalid, name)
}

// artJob is one artwork file to write from one TMDB file path.
type artJob struct {
	name     string // file name in the series folder
	filePath string // TMDB file path
}

// artworkJobs lists the files to write for the chosen kinds.
func (s *Service) artworkJobs(show *tmdb.Show, poster, logo, fanart bool) []artJob {
	art := nfo.PickArtwork(show, s.lang)
	var jobs []artJob
	if poster && art.Poster != "" {
		jobs = append(jobs, artJob{"poster.jpg", art.Poster})
		if s.o.SeasonPosters {
			for _, n := range slices.Sorted(maps.Keys(art.SeasonPosters)) {
				p := art.SeasonPosters[n]
				name := fmt.Sprintf("season%02d-poster.jpg", n)
				if n == 0 {
					name = "season-specials-poster.jpg"
				}
				jobs = append(jobs, artJob{name, p})
			}
		}
	}
	if logo && art.Logo != "" {
		// TMDB renders SVG logos as PNG when asked for .png.
		lp := strings.TrimSuffix(art.Logo, ".svg")
		if lp != art.Logo {
			lp += ".png"
		}
		jobs = append(jobs, artJob{"logo.png", lp})
		if s.o.ClearLogo {
			jobs = append(jobs, artJob{"clearlogo.png", lp})
		}
	}
	if fanart && art.Fanart != "" {
		jobs = append(jobs, artJob{"fanart.jpg", art.Fanart})
	}
	return jobs
}

// downloadArtwork fetches each job one after another (so a series never
// has more than one request in flight). Existing files are kept unless
// overwrite. It returns one error per failed file.
func (s *Service) downloadArtwork(ctx context.Context, f *folder, jobs []artJob, overwrite bool) []error {
	var errs []error
	for _, j := range jobs {
		if err := s.fetchImage(ctx, f, j.name, j.filePath, overwrite); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", j.name, err))
		}
	}
	return errs
}

// fetchImage downloads one image into the folder atomically. The reply
// must be 200 with an image Content-Type of the file's format and start
// with that format's magic bytes; anything else (an HTML error page, a
// PNG where a JPEG belongs) is rejected and nothing is written.
func (s *Service) fetchImage(ctx context.Context, f *folder, name, filePath string, overwrite bool) (err error) {
	target, err := f.path(name)
	if err != nil {
		return err
	}
	if !overwrite {
		if _, ok := f.existing(name); ok {
			return nil
		}
	}
	format, err := formatFor(name)
	if err != nil {
		return err
	}
	resp, err := s.o.TMDB.OpenImage(ctx, "original", filePath)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	okType := false
	for _, m := range format.mimeTypes {
		okType = okType || strings.EqualFold(ct, m)
	}
	if !okType {
		return fmt.Errorf("%w: image server answered Content-Type %q for %s", anime.ErrUnavailable, ct, filePath)
	}
	br := bufio.NewReader(io.LimitReader(resp.Body, maxImageBytes+1))
	head, _ := br.Peek(len(format.magic))
	if !bytes.Equal(head, format.magic) {
		return fmt.Errorf("%w: %s is not a %s image (bad magic bytes)", anime.ErrUnavailable, filePath, format.mimeTypes[0])
	}
	// Written atomically: a failed or oversized download leaves no file.
	return atomicfile.WriteFrom(target, 0o644, func(w io.Writer) error {
		n, err := io.Copy(w, br)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("download %s: %w", filePath, ctx.Err())
			}
			return fmt.Errorf("download %s: %w: %v", filePath, anime.ErrUnavailable, err)
		}
		if n > maxImageBytes {
			return fmt.Errorf("%w: %s is larger than %d bytes", anime.ErrUnavailable, filePath, maxImageBytes)
		}
		return nil
	})
}

func joinErrs(errs []error) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}
