package app

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// TestObserveSite: which step outcomes count for a site's health — an
// outage or a challenge is a failure; a page read (also a resolve whose
// hosters all failed) is a success; a removed series, bad input and a
// cancelled request say nothing about the site.
func TestObserveSite(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want string // "" nothing observed, "ok", or "fail"
	}{
		{"page read", context.Background(), nil, "ok"},
		{"site down", context.Background(), fmt.Errorf("fetch series page: %w", anime.ErrUnavailable), "fail"},
		{"challenge", context.Background(), fmt.Errorf("%w: DDoS-Guard", anime.ErrChallenge), "fail"},
		{"timeout", context.Background(), fmt.Errorf("get: %w", context.DeadlineExceeded), "fail"},
		{"hosters failed, page read", context.Background(), &provider.ResolveError{Key: "demo", Season: 1, Episode: 1}, "ok"},
		{"series removed", context.Background(), fmt.Errorf("series page: %w", anime.ErrNotFound), ""},
		{"bad input", context.Background(), fmt.Errorf("%w: key", anime.ErrInvalid), ""},
		{"request cancelled", context.Background(), context.Canceled, ""},
		{"caller gone", cancelled, errors.New("connection reset"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			a := &App{stepHealth: func(check string, err error) {
				if check != "provider aniworld.to" {
					t.Fatalf("check %q", check)
				}
				if err == nil {
					got = append(got, "ok")
				} else {
					got = append(got, "fail")
				}
			}}
			a.observeSite(tt.ctx, "aniworld.to", tt.err)
			if want := []string{tt.want}; (tt.want == "" && len(got) != 0) || (tt.want != "" && fmt.Sprint(got) != fmt.Sprint(want)) {
				t.Fatalf("observed %v, want %q", got, tt.want)
			}
		})
	}
}
