package browser

import (
	"context"
	"errors"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// HosterPlayer lets the hoster package's Browser extractor play embeds in
// this browser (hoster.Player), without hoster depending on chromedp.
type HosterPlayer struct{ B *Browser }

var _ hoster.Player = HosterPlayer{}

// Play implements hoster.Player with Capture. A missing browser also
// matches anime.ErrUnavailable; any other failure anime.ErrProvider.
func (p HosterPlayer) Play(ctx context.Context, r hoster.PlayRequest) (hoster.PlayedStream, error) {
	m, err := p.B.Capture(ctx, CaptureRequest{URL: r.URL, UserAgent: r.UserAgent, Cookies: r.Cookies,
		Referer: r.Referer, Skip: r.Skip, ExpectedDuration: r.ExpectedDuration})
	switch {
	case errors.Is(err, ErrUnavailable):
		return hoster.PlayedStream{}, alsoIs{err, anime.ErrUnavailable}
	case err != nil:
		return hoster.PlayedStream{}, alsoIs{err, anime.ErrProvider}
	}
	kind := anime.StreamMP4
	if m.Kind == MediaHLS {
		kind = anime.StreamHLS
	}
	return hoster.PlayedStream{URL: m.URL, Kind: kind, Headers: m.Headers}, nil
}

// alsoIs is err, matching kind too, with err's text.
type alsoIs struct{ err, kind error }

func (e alsoIs) Error() string   { return e.err.Error() }
func (e alsoIs) Unwrap() []error { return []error{e.err, e.kind} }
