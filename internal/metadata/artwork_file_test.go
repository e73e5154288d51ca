package metadata

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestArtwork: each kind is read from its first present file name,
// without a TMDB key; missing files, unknown kinds and escaping symlinks
// are refused with the error a client can tell apart.
func TestArtwork(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, envOpts{})
	dir := e.lib.add(t, anime.Series{Key: "show", Name: "Show", Folder: "Show"})
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("poster.png", []byte("png poster"))
	write("poster.jpg", []byte("jpg poster"))
	write("clearlogo.png", []byte("the logo"))
	secret := filepath.Join(t.TempDir(), "secret.jpg")
	os.WriteFile(secret, []byte("secret"), 0o644)
	if err := os.Symlink(secret, filepath.Join(dir, "fanart.jpg")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		kind, key string
		want      string
		err       error
	}{
		{"poster", "show", "jpg poster", nil}, // poster.jpg before poster.png
		{"logo", "show", "the logo", nil},     // the second name
		{"fanart", "show", "", anime.ErrNotFound},
		{"banner", "show", "", anime.ErrInvalid},
		{"poster", "nope", "", anime.ErrNotFound},
		{"poster", "../x", "", anime.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.kind+" "+tc.key, func(t *testing.T) {
			got, err := e.svc.Artwork(ctx, tc.key, tc.kind)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, []byte(tc.want)) {
				t.Fatalf("%q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
