package metadata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aniworld/aniworld/internal/anime"
)

// MaxArtworkBytes is the largest artwork file Artwork reads.
const MaxArtworkBytes = 32 << 20

// artworkNames are the file names of each kind of artwork, in the order
// they are looked for.
var artworkNames = map[string][]string{"poster": posterNames, "logo": logoNames, "fanart": fanartNames}

// Artwork reads a series' artwork file of kind "poster", "logo" or
// "fanart" from its folder. It works without a TMDB key: the files may
// come from anywhere. A missing file is anime.ErrNotFound.
func (s *Service) Artwork(ctx context.Context, key, kind string) ([]byte, error) {
	names, ok := artworkNames[kind]
	if !ok {
		return nil, fmt.Errorf("%w: artwork kind %q (poster, logo or fanart)", anime.ErrInvalid, kind)
	}
	_, f, err := s.resolve(ctx, key)
	if err != nil {
		return nil, err
	}
	p, ok := f.existing(names...)
	if !ok {
		return nil, fmt.Errorf("%w: no %s for %s", anime.ErrNotFound, kind, key)
	}
	data, err := readLimited(p, MaxArtworkBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: the %s file cannot be read: %v", anime.ErrNotFound, kind, err)
	}
	return data, nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errors.New("file too large")
	}
	return data, nil
}
