package api

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/covers"
)

func TestCoverReply(t *testing.T) {
	img := covers.Image{Data: []byte{0xFF, 0xD8, 0xFF}, ContentType: "image/jpeg", ETag: `"abc"`}
	tests := []struct {
		name        string
		img         covers.Image
		err         error
		ifNoneMatch string
		status      int
		cache, ct   string
		body        bool
		wantErr     error
	}{
		{"a cover", img, nil, "", 200, coverCacheControl, "image/jpeg", true, nil},
		{"current copy", img, nil, `W/"x", "abc"`, 304, coverCacheControl, "", false, nil},
		{"another copy", img, nil, `"x"`, 200, coverCacheControl, "image/jpeg", true, nil},
		{"still fetching", covers.Image{}, covers.ErrPending, "", 200, "no-store", "image/svg+xml", true, nil},
		{"no cover", covers.Image{}, fmt.Errorf("%w: HTTP 404", covers.ErrNoCover), "", 200, placeholderCacheControl, "image/svg+xml", true, nil},
		{"placeholder revalidated", covers.Image{}, covers.ErrNoCover, covers.Placeholder.ETag, 304, placeholderCacheControl, "", false, nil},
		{"series gone", covers.Image{}, anime.ErrNotFound, "", 0, "", "", false, anime.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := coverReply(tt.img, tt.err, tt.ifNoneMatch)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err != nil || out.Status != tt.status || out.CacheControl != tt.cache || out.ContentType != tt.ct || (len(out.Body) > 0) != tt.body {
				t.Fatalf("got %+v, %v", out, err)
			}
		})
	}
}
